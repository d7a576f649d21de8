// Reading and reviewing anomaly flags (docs/anomalies.md). Which flags a caller sees is decided
// by programmesInScope (src/services/report-scope.ts), as for reports: the caller's agency's own
// programmes; another agency's flag is "not found".
import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { commit } from "../db/atomic";
import { constraintViolation } from "../db/constraints";
import { transition } from "../db/guards";
import { anomaly_flags, users, type AnomalyFlag, type Programme } from "../db/schema";
import type { Store } from "../db/store";
import type { Actor, AppEnv } from "../lib/context";
import { actorOf } from "../lib/route";
import { badRequest, conflict, notFound } from "../lib/errors";
import { toIso } from "../lib/time";
import type { Evidence } from "./anomaly-checks/evidence";
import { inProgrammeScope, programmesInScope } from "./report-scope";

export interface AnomalyFilter {
  programme_id?: string;
  rule?: AnomalyFlag["rule"];
  severity?: AnomalyFlag["severity"];
  reviewed?: boolean;
  cursor?: string;
  limit: number;
}

type Position = [created_at: number, id: string];

function encodeCursor(position: Position): string {
  return btoa(JSON.stringify(position)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The position, or null when the text is not a cursor this API made. */
function parseCursor(cursor: string): Position | null {
  try {
    const value: unknown = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    if (Array.isArray(value) && value.length === 2 && Number.isInteger(value[0]) && typeof value[1] === "string" && value[1].length <= 64) return value as Position;
  } catch {
    // not base64 or not JSON
  }
  return null;
}

/** For the query schema: a cursor the list made, so a bad one is refused before any read. */
export const isAnomalyCursor = (cursor: string): boolean => parseCursor(cursor) !== null;

function decodeCursor(cursor: string): Position {
  const position = parseCursor(cursor);
  if (!position) throw badRequest("invalid_cursor", "翻页标记无效 / The cursor is not valid");
  return position;
}

async function present(store: Store, flags: AnomalyFlag[], programmes: Map<string, Programme>) {
  const reviewerIds = [...new Set(flags.map((f) => f.reviewed_by).filter((id): id is string => Boolean(id)))];
  const reviewers = reviewerIds.length
    ? await store.db.select({ id: users.id, display_name: users.display_name }).from(users).where(inArray(users.id, reviewerIds))
    : [];
  const reviewerName = new Map(reviewers.map((r) => [r.id, r.display_name]));
  return flags.map((f) => ({
    id: f.id,
    rule: f.rule,
    severity: f.severity,
    subject_kind: f.subject_kind,
    subject_id: f.subject_id,
    programme: { id: f.programme_id, name: programmes.get(f.programme_id)?.name ?? "" },
    evidence: JSON.parse(f.evidence_json) as Evidence,
    status: f.status,
    reviewed_by: f.reviewed_by ? { id: f.reviewed_by, display_name: reviewerName.get(f.reviewed_by) ?? "" } : null,
    reviewed_at: f.reviewed_at === null ? null : toIso(f.reviewed_at),
    review_note: f.review_note,
    created_at: toIso(f.created_at),
  }));
}

export async function listAnomalies(store: Store, actor: Actor, filter: AnomalyFilter) {
  const scoped = await programmesInScope(store, actor, filter.programme_id);
  if (scoped.length === 0) return { items: [], next_cursor: null };
  const after = filter.cursor ? decodeCursor(filter.cursor) : null;
  const rows = await store.db
    .select()
    .from(anomaly_flags)
    .where(
      and(
        inProgrammeScope(anomaly_flags.programme_id, actor, scoped),
        filter.rule ? eq(anomaly_flags.rule, filter.rule) : undefined,
        filter.severity ? eq(anomaly_flags.severity, filter.severity) : undefined,
        filter.reviewed === undefined ? undefined : eq(anomaly_flags.status, filter.reviewed ? "reviewed" : "open"),
        after
          ? or(sql`${anomaly_flags.created_at} < ${after[0]}`, and(eq(anomaly_flags.created_at, after[0]), sql`${anomaly_flags.id} < ${after[1]}`))
          : undefined,
      ),
    )
    .orderBy(desc(anomaly_flags.created_at), desc(anomaly_flags.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: await present(store, page, new Map(scoped.map((p) => [p.id, p]))),
    next_cursor: rows.length > filter.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

const alreadyReviewed = () => conflict("anomaly_already_reviewed", "该异常已复核 / This flag was already reviewed");

/**
 * Marks a flag reviewed with a note, once. The status moves open → reviewed through a CASE that
 * yields NULL (refused by NOT NULL) when it is no longer open, so of two concurrent reviews one
 * commits with its audit event and the other fails whole and answers 409.
 */
export async function reviewAnomaly(c: Context<AppEnv>, id: string, note: string) {
  const store = c.var.store;
  const actor = actorOf(c);
  const [flag] = await store.db.select().from(anomaly_flags).where(eq(anomaly_flags.id, id));
  if (!flag) throw notFound("异常标记", "Anomaly flag");
  // Another agency's flag is not found, exactly as its reports are.
  const [programme] = await programmesInScope(store, actor, flag.programme_id);
  if (flag.status !== "open") throw alreadyReviewed();
  const now = c.var.now();
  try {
    await commit(
      c,
      [
        store.db
          .update(anomaly_flags)
          .set({ status: transition(anomaly_flags.status, ["open"], "reviewed") as never, reviewed_by: actor.user.id, reviewed_at: now, review_note: note })
          .where(eq(anomaly_flags.id, flag.id)),
      ],
      [
        {
          action: "anomaly.reviewed",
          subject_type: "anomaly_flag",
          subject_id: flag.id,
          programme_id: flag.programme_id,
          before: { status: "open", rule: flag.rule, subject_kind: flag.subject_kind, subject_id: flag.subject_id },
          after: { status: "reviewed", note },
        },
      ],
    );
  } catch (error) {
    if (constraintViolation(error)) throw alreadyReviewed();
    throw error;
  }
  const after = { ...flag, status: "reviewed" as const, reviewed_by: actor.user.id, reviewed_at: now, review_note: note };
  const [item] = await present(store, [after], new Map([[programme!.id, programme!]]));
  return item!;
}
