// Which programmes a report or export covers: the caller's agency's own, optionally narrowed to
// one. Another agency's programme is "not found", as the voucher handlers answer.
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { programmes, type Programme } from "../db/schema";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";
import { notFound } from "../lib/errors";

/** An agency runs a handful of programmes; more than this in one report is refused by the bound. */
export const MAX_PROGRAMMES_IN_SCOPE = 200;

export interface ReportFilter {
  programme_id?: string;
  /** Inclusive, ms epoch UTC. */
  from?: number;
  /** Exclusive, ms epoch UTC. */
  to?: number;
}

export async function programmesInScope(store: Store, actor: Actor, programmeId?: string): Promise<Programme[]> {
  if (actor.org.kind !== "agency") throw notFound("计划", "Programme");
  const rows = await store.db
    .select()
    .from(programmes)
    .where(and(eq(programmes.agency_org_id, actor.org.id), programmeId ? eq(programmes.id, programmeId) : undefined))
    .orderBy(asc(programmes.created_at), asc(programmes.id))
    .limit(MAX_PROGRAMMES_IN_SCOPE);
  if (programmeId && rows.length === 0) throw notFound("计划", "Programme");
  return rows;
}

/**
 * The same scope as a condition on a `programme_id` column, for lists that page through rows of
 * many programmes: the programmes programmesInScope returned (call it first: it refuses callers
 * outside an agency and another agency's programme). More than a few ids become a sub-select on
 * the agency, since D1 binds at most 100 parameters per statement.
 */
export function inProgrammeScope(column: SQLiteColumn, actor: Actor, scoped: readonly Programme[]): SQL {
  if (scoped.length <= 50) return inArray(column, scoped.map((p) => p.id));
  return sql`${column} IN (SELECT ${programmes.id} FROM ${programmes} WHERE ${programmes.agency_org_id} = ${actor.org.id})`;
}

/** The bounds as SQL-friendly numbers: an open end becomes the widest instant. */
export function period(filter: ReportFilter): { from: number; to: number } {
  return { from: filter.from ?? 0, to: filter.to ?? Number.MAX_SAFE_INTEGER };
}
