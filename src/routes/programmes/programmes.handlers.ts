import type { RouteHandler } from "@hono/zod-openapi";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { maySeeProgramme, ownsProgramme } from "../../auth/programme-access";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { transition } from "../../db/guards";
import { idempotent } from "../../db/idempotency";
import { ledger_accounts, programme_versions, programmes, type Programme } from "../../db/schema";
import type { Store } from "../../db/store";
import { parseStoredRules, type ProgrammeRules } from "../../domain/programme-rules";
import { describeValidity } from "../../domain/validity";
import type { AppEnv } from "../../lib/context";
import { AppError, conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { shanghaiDate, toIso } from "../../lib/time";
import { createProgrammeStatements, listVersions, MAX_BUDGET_FEN, poolColumns, poolFigures, poolJoin, readProgramme, readProgrammeWithPool, readRules, topUpStatements, TOPPED_UP_WHILE, type PoolFigures } from "../../services/programmes";
import type * as routes from "./programmes.routes";


const NOT_FOUND = ["项目", "Programme"] as const;

export function presentProgramme(row: Programme, rules: ProgrammeRules, pool: PoolFigures) {
  return { ...row, rules, validity: describeValidity(rules.validity), pool, created_at: toIso(row.created_at) };
}

async function presentDetail(store: Store, row: Programme) {
  const [current, versions, withPool] = await Promise.all([readRules(store, row.id, row.current_version), listVersions(store, row.id), readProgrammeWithPool(store, row.id)]);
  if (!withPool) throw new Error(`programme ${row.id} has no pool account`);
  return {
    ...presentProgramme(row, current.rules, withPool.pool),
    versions: versions.map((v) => ({ ...v, created_at: toIso(v.created_at) })),
  };
}

/** The programme if the caller's agency owns it; otherwise 404 (nothing about others' programmes leaks). */
async function ownedProgramme(c: Context<AppEnv>, id: string): Promise<Programme> {
  const programme = await readProgramme(c.var.store, id);
  if (!programme || !ownsProgramme(actorOf(c), programme)) throw notFound(...NOT_FOUND);
  return programme;
}

/**
 * A fixed validity end already past would issue vouchers that are dead on arrival. Needs today's
 * date (Asia/Shanghai), so it is checked here rather than in the pure rules schema.
 */
function refusePastValidityEnd(rules: ProgrammeRules, now: number) {
  if (rules.validity.kind !== "fixed_end" || rules.validity.end_on >= shanghaiDate(now)) return;
  const field = "rules.validity.end_on";
  const message = `有效期截止日期 ${rules.validity.end_on} 已过 / The validity end date ${rules.validity.end_on} is in the past`;
  throw new AppError(400, "invalid_request", `请求内容有误：${field} / Invalid request: check ${field}`, {
    issues: [{ field, message, code: "validity_end_in_past" }],
  });
}

export const createProgramme: RouteHandler<typeof routes.createProgramme, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const body = c.req.valid("json");
  refusePastValidityEnd(body.rules, c.var.now());
  return idempotent(c, body, async (record) => {
    const now = c.var.now();
    const created = createProgrammeStatements(
      c.var.store,
      { id: newId("prg"), agency_org_id: actor.org.id, name: body.name, description: body.description || null, kind: body.kind, budget_fen: body.budget_fen, rules: body.rules, status: "draft", created_by: actor.user.id },
      now,
    );
    const pool = { account_id: created.row.pool_account_id, budget_fen: body.budget_fen, issued_fen: 0, returned_fen: 0, available_fen: body.budget_fen };
    const result = {
      status: 201 as const,
      body: { ...presentProgramme(created.row, body.rules, pool), versions: [{ version: 1, rules: body.rules, created_by: actor.user.id, created_by_name: actor.user.display_name, created_at: toIso(now) }] },
    };
    await commit(c, [...created.statements, record(result)], created.events);
    return result;
  }) as never;
};

export const listProgrammes: RouteHandler<typeof routes.listProgrammes, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { status, kind, limit, offset } = c.req.valid("query");
  const store = c.var.store;
  const scope = actor.org.kind === "agency" ? eq(programmes.agency_org_id, actor.org.id) : eq(programmes.status, "open");
  const rows = await store.db
    .select({ programme: programmes, rules_json: programme_versions.rules_json, ...poolColumns })
    .from(programmes)
    .innerJoin(programme_versions, and(eq(programme_versions.programme_id, programmes.id), eq(programme_versions.version, programmes.current_version)))
    .innerJoin(ledger_accounts, poolJoin)
    .where(and(scope, status ? eq(programmes.status, status) : undefined, kind ? eq(programmes.kind, kind) : undefined))
    .orderBy(desc(programmes.created_at), programmes.id)
    .limit(limit)
    .offset(offset);
  const items = rows.map((r) => presentProgramme(r.programme, parseStoredRules(r.rules_json), poolFigures(r.programme, r)));
  return c.json({ items, limit, offset }, 200);
};

export const getProgramme: RouteHandler<typeof routes.getProgramme, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const programme = await readProgramme(c.var.store, id);
  if (!programme || !(await maySeeProgramme(c.var.store, actorOf(c), programme))) throw notFound(...NOT_FOUND);
  return c.json(await presentDetail(c.var.store, programme), 200);
};

const programmeChanged = () =>
  conflict("programme_changed", "项目刚被他人修改，请刷新后重试 / Someone else just changed this programme; reload and try again");

export const patchProgramme: RouteHandler<typeof routes.patchProgramme, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const before = await ownedProgramme(c, id);
  if (body.rules) refusePastValidityEnd(body.rules, c.var.now());
  if (before.status === "closed") throw conflict("programme_closed", "项目已关闭，不能修改 / The programme is closed and can no longer change");
  const store = c.var.store;
  const db = store.db;
  const from = before.current_version;
  const to = body.rules ? from + 1 : from;
  const statements = [];
  if (body.rules) {
    statements.push(db.insert(programme_versions).values({ programme_id: id, version: to, rules_json: JSON.stringify(body.rules), created_by: actorOf(c).user.id, created_at: c.var.now() }));
  }
  // An empty description (after trimming) clears it; one not sent stays as it was.
  const description = body.description === undefined ? before.description : body.description || null;
  // The version moves only from the one read: a concurrent edit makes this NULL (NOT NULL fails).
  statements.push(
    db
      .update(programmes)
      .set({ name: body.name ?? before.name, description, current_version: sql`CASE WHEN ${programmes.current_version} = ${from} THEN ${to} ELSE NULL END` })
      .where(eq(programmes.id, id)),
  );
  const after = { ...before, name: body.name ?? before.name, description, current_version: to };
  const action = body.rules ? "programme.rules_changed" : body.name !== undefined ? "programme.renamed" : "programme.description_changed";
  try {
    await commit(c, statements, [{ action, subject_type: "programme", subject_id: id, programme_id: id, before, after: { ...after, rules: body.rules } }]);
  } catch (error) {
    if (constraintViolation(error)) throw programmeChanged();
    throw error;
  }
  return c.json(await presentDetail(store, after), 200);
};

const STATUS_ZH: Record<Programme["status"], string> = { draft: "为草稿", open: "已开放申请", closed: "已关闭" };
const MOVE_ZH: Record<Programme["status"], string> = { draft: "退回草稿", open: "开放", closed: "关闭" };

async function changeStatus(c: Context<AppEnv>, id: string, from: Programme["status"][], to: Programme["status"]) {
  const before = await ownedProgramme(c, id);
  if (!from.includes(before.status)) {
    throw conflict("programme_status", `项目当前${STATUS_ZH[before.status]}，不能${MOVE_ZH[to]} / The programme is ${before.status} and cannot become ${to}`);
  }
  const after = { ...before, status: to };
  try {
    await commit(c, [c.var.store.db.update(programmes).set({ status: transition(programmes.status, from, to) }).where(eq(programmes.id, id))], [
      { action: `programme.${to === "open" ? "opened" : "closed"}`, subject_type: "programme", subject_id: id, programme_id: id, before, after },
    ]);
  } catch (error) {
    if (constraintViolation(error)) throw programmeChanged();
    throw error;
  }
  return c.json(await presentDetail(c.var.store, after), 200);
}

export const openProgramme: RouteHandler<typeof routes.openProgramme, AppEnv> = async (c) =>
  changeStatus(c, c.req.valid("param").id, ["draft", "closed"], "open");

export const closeProgramme: RouteHandler<typeof routes.closeProgramme, AppEnv> = async (c) =>
  changeStatus(c, c.req.valid("param").id, ["draft", "open"], "closed");

const closedForTopUp = () => conflict("programme_closed", "项目已关闭，不能追加预算 / The programme is closed; its budget can no longer grow");

export const topUpBudget: RouteHandler<typeof routes.topUpBudget, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const store = c.var.store;
  return idempotent(c, body, async (record) => {
    const before = await ownedProgramme(c, id);
    if (!TOPPED_UP_WHILE.includes(before.status)) throw closedForTopUp();
    if (before.budget_fen + body.amount_fen > MAX_BUDGET_FEN) {
      throw conflict("budget_too_large", "项目预算超出系统上限 / The budget would exceed the system's limit for one programme");
    }
    const now = c.var.now();
    const topUp = topUpStatements(store, before, body.amount_fen, now);
    const after = { ...before, budget_fen: before.budget_fen + body.amount_fen };
    const detail = await presentDetail(store, before);
    const result = {
      status: 200 as const,
      body: { ...detail, budget_fen: after.budget_fen, pool: { ...detail.pool, budget_fen: after.budget_fen, available_fen: detail.pool.available_fen + body.amount_fen } },
    };
    try {
      await commit(c, [...topUp.statements, record(result)], [
        { action: "programme.budget_topped_up", subject_type: "programme", subject_id: id, programme_id: id, before: { budget_fen: before.budget_fen }, after: { budget_fen: after.budget_fen, amount_fen: body.amount_fen, transfer_id: topUp.transfer_id, note: body.note } },
      ]);
    } catch (error) {
      // The write's own guard: the programme was closed after the read.
      if (constraintViolation(error)?.name === "programmes.status") throw closedForTopUp();
      throw error;
    }
    return result;
  }) as never;
};
