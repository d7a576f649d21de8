import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { and, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { commit, retryOnGuard } from "../../db/atomic";
import type { ConstraintViolation } from "../../db/constraints";
import { idempotent } from "../../db/idempotency";
import { takeSlots } from "../../db/rate-limit";
import { claim_bookings, claim_objections, claims, files, type Claim } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { conflict, notFound, type AppError } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { HOUR_MS, shanghaiDate, toIso } from "../../lib/time";
import {
  approveStatements,
  objectionStatements,
  payStatements,
  readObjection,
  rejectStatements,
  resolveObjectionStatements,
  resubmitStatements,
  reviewStatements,
  twoPersonRefusal,
  voidStatements,
  type ClaimMove,
} from "../../services/claim-moves";
import { claimsVisibleTo, createClaimStatements, readVisibleClaim } from "../../services/claims";
import type * as routes from "./claims.routes";

/** The 409 for a guard that failed in the write, by its name. */
function explain(violation: ConstraintViolation): AppError {
  if (violation.name === "claim_bookings.booking_id") return conflict("booking_already_claimed", "预约已在另一兑付申请中 / A booking is already in another claim");
  if (violation.name.includes("claims.invoice_no")) return conflict("invoice_already_claimed", "该发票号已用于另一兑付申请 / This invoice number was already claimed");
  if (violation.name === "claims_two_person_rule") return twoPersonRefusal();
  return conflict("claim_state_changed", "兑付申请或其预约刚被其他操作改变，请刷新 / The claim or its bookings were just changed by another request; reload");
}

/** Names people read instead of ids: the programme, the parties and the two agency people. */
async function namesOf(c: Context<AppEnv>, claim: Claim) {
  const [row] = await c.var.store.all<{ programme: string; claimant: string; provider: string; sme: string; reviewer: string | null; finance: string | null }>(sql`
    SELECT p.name AS programme, cl.name AS claimant, pr.name AS provider, s.name AS sme,
           (SELECT display_name FROM users WHERE id = ${claim.reviewer_user_id}) AS reviewer,
           (SELECT display_name FROM users WHERE id = ${claim.finance_user_id}) AS finance
    FROM programmes p, organisations cl, organisations pr, organisations s
    WHERE p.id = ${claim.programme_id} AND cl.id = ${claim.claimant_org_id} AND pr.id = ${claim.provider_org_id} AND s.id = ${claim.sme_org_id}`);
  if (!row) throw new Error(`claim ${claim.id} lost its programme or parties`);
  return row;
}

/** What a move's audit record says in words: the reason, the answer, the note or the payment reference. */
function noteOf(afterJson: string | null): string | null {
  if (!afterJson) return null;
  const after = JSON.parse(afterJson) as Record<string, unknown>;
  for (const key of ["reason", "answer", "note", "payment_reference"]) if (typeof after[key] === "string") return after[key] as string;
  return null;
}

/** One claim's moves (from the audit log) and the ledger transfers of its bookings and payment. */
async function trailOf(c: Context<AppEnv>, claim: Claim, bookingIds: string[]) {
  const store = c.var.store;
  const attachmentIds = JSON.parse(claim.attachment_ids_json) as string[];
  const [events, transfers, attachments] = await Promise.all([
    store.all<{ at: number; action: string; actor_name: string | null; after_json: string | null }>(sql`
      SELECT e.at, e.action, u.display_name AS actor_name, e.after_json FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id
      WHERE e.subject_type = 'claim' AND e.subject_id = ${claim.id} ORDER BY e.seq`),
    store.all<{ id: string; code: string; kind: "posted" | "pending" | "post_pending" | "void_pending"; amount_fen: number; from_kind: string; to_kind: string; subject_id: string | null; created_at: number }>(sql`
      SELECT t.id, t.code, t.kind, t.amount_fen, d.kind AS from_kind, k.kind AS to_kind, t.subject_id, t.created_at
      FROM ledger_transfers t JOIN ledger_accounts d ON d.id = t.debit_account_id JOIN ledger_accounts k ON k.id = t.credit_account_id
      WHERE t.subject_id IN (SELECT value FROM json_each(${JSON.stringify([...bookingIds, claim.id])})) ORDER BY t.created_at, t.rowid`),
    attachmentIds.length === 0
      ? []
      : store.db.select({ id: files.id, original_name: files.original_name, content_type: files.content_type, size_bytes: files.size_bytes }).from(files).where(inArray(files.id, attachmentIds)),
  ]);
  const byId = new Map(attachments.map((a) => [a.id, a]));
  return {
    history: events.map((e) => ({ at: toIso(Number(e.at)), action: e.action, actor_name: e.actor_name, note: noteOf(e.after_json) })),
    ledger: transfers.map((t) => ({ ...t, amount_fen: Number(t.amount_fen), created_at: toIso(Number(t.created_at)) })),
    attachments: attachmentIds.flatMap((id) => { const a = byId.get(id); return a ? [a] : []; }),
  };
}

async function present(c: Context<AppEnv>, claim: Claim, detail = false) {
  const store = c.var.store;
  const bookingRows = await store.db.select({ id: claim_bookings.booking_id }).from(claim_bookings).where(eq(claim_bookings.claim_id, claim.id));
  const names = await namesOf(c, claim);
  const trail = detail ? await trailOf(c, claim, bookingRows.map((b) => b.id)) : {};
  // Objectors' names and contacts are for the agency only.
  const objections =
    c.var.actor?.org.kind === "agency"
      ? await store.db.select().from(claim_objections).where(eq(claim_objections.claim_id, claim.id)).orderBy(claim_objections.created_at)
      : [];
  return {
    id: claim.id,
    programme_id: claim.programme_id,
    programme_name: names.programme,
    claimant_name: names.claimant,
    provider_name: names.provider,
    sme_name: names.sme,
    settlement_mode: claim.settlement_mode,
    claimant_org_id: claim.claimant_org_id,
    provider_org_id: claim.provider_org_id,
    sme_org_id: claim.sme_org_id,
    status: claim.status,
    contract_no: claim.contract_no,
    invoice_no: claim.invoice_no,
    invoice_amount_fen: claim.invoice_amount_fen,
    delivery_certificate: claim.delivery_certificate,
    attachment_ids: JSON.parse(claim.attachment_ids_json) as string[],
    booking_ids: bookingRows.map((b) => b.id),
    gross_fen: claim.gross_fen,
    amount_fen: claim.amount_fen,
    return_reason: claim.return_reason,
    claimant_answer: claim.claimant_answer,
    reviewer_user_id: claim.reviewer_user_id,
    reviewer_name: names.reviewer,
    finance_user_id: claim.finance_user_id,
    finance_name: names.finance,
    notice_starts_on: claim.notice_starts_on,
    notice_ends_on: claim.notice_ends_on,
    open_objections: claim.open_objections,
    paid_at: claim.paid_at === null ? null : toIso(claim.paid_at),
    payment_reference: claim.payment_reference,
    reject_reason: claim.reject_reason,
    voided_at: claim.voided_at === null ? null : toIso(claim.voided_at),
    void_reason: claim.void_reason,
    created_at: toIso(claim.created_at),
    objections: objections.map((o) => ({ id: o.id, name: o.name, contact: o.contact, reason: o.reason, status: o.status, resolution_note: o.resolution_note, created_at: toIso(o.created_at) })),
    ...trail,
  };
}

export const createClaim: RouteHandler<typeof routes.createClaim, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const claim = await retryOnGuard(async () => {
    const write = await createClaimStatements(c.var.store, actorOf(c), body, c.var.now());
    await commit(c, write.statements, write.events);
    return write.claim;
  }, explain);
  return c.json(await present(c, claim), 201);
};

export const listClaims: RouteHandler<typeof routes.listClaims, AppEnv> = async (c) => {
  const { status, programme_id, limit, offset } = c.req.valid("query");
  const filters: SQL[] = [claimsVisibleTo(actorOf(c))];
  if (status) filters.push(eq(claims.status, status));
  if (programme_id) filters.push(eq(claims.programme_id, programme_id));
  const where = and(...filters);
  const rows = await c.var.store.db.select().from(claims).where(where).orderBy(desc(claims.created_at), desc(claims.id)).limit(limit).offset(offset);
  const [count] = await c.var.store.db.select({ n: sql<number>`count(*)` }).from(claims).where(where);
  const items = [];
  for (const row of rows) items.push(await present(c, row));
  return c.json({ items, total: Number(count?.n ?? 0) }, 200);
};

export const getClaim: RouteHandler<typeof routes.getClaim, AppEnv> = async (c) => {
  return c.json(await present(c, await readVisibleClaim(c.var.store, actorOf(c), c.req.valid("param").id), true), 200);
};

type Plan = (claim: Claim, now: number) => Promise<ClaimMove> | ClaimMove;

async function runMove(c: Context<AppEnv>, id: string, plan: Plan) {
  const claim = await retryOnGuard(async () => {
    const now = c.var.now();
    const move = await plan(await readVisibleClaim(c.var.store, actorOf(c), id), now);
    await commit(c, move.statements, move.events);
    return move.after;
  }, explain);
  return c.json(await present(c, claim), 200);
}

/** A move that moves money: once per Idempotency-Key, its response stored in the same batch. */
function moneyMove(c: Context<AppEnv>, id: string, body: unknown, plan: Plan) {
  return idempotent(c, body, (record) =>
    retryOnGuard(async () => {
      const now = c.var.now();
      const move = await plan(await readVisibleClaim(c.var.store, actorOf(c), id), now);
      const result = { status: 200 as const, body: await present(c, move.after) };
      await commit(c, [...move.statements, record(result)], move.events);
      return result;
    }, explain),
  );
}

export const reviewClaim: RouteHandler<typeof routes.reviewClaim, AppEnv> = async (c) => {
  const { decision, reason } = c.req.valid("json") as { decision: "approve" | "return"; reason?: string };
  if (decision === "return" && !reason) throw conflict("reason_required", "退回须说明理由 / A return needs reasons");
  return (await runMove(c, c.req.valid("param").id, (claim, now) => reviewStatements(c.var.store, claim, actorOf(c), decision, reason ?? null, now))) as never;
};

export const resubmitClaim: RouteHandler<typeof routes.resubmitClaim, AppEnv> = async (c) => {
  const { answer } = c.req.valid("json") as { answer: string };
  return (await runMove(c, c.req.valid("param").id, (claim, now) => resubmitStatements(c.var.store, claim, actorOf(c), answer, now))) as never;
};

export const approveClaim: RouteHandler<typeof routes.approveClaim, AppEnv> = async (c) => {
  return (await runMove(c, c.req.valid("param").id, (claim, now) => approveStatements(c.var.store, claim, actorOf(c), now))) as never;
};

export const payClaim: RouteHandler<typeof routes.payClaim, AppEnv> = async (c) => {
  const body = c.req.valid("json") as { payment_reference: string };
  return moneyMove(c, c.req.valid("param").id, body, (claim, now) => payStatements(c.var.store, claim, actorOf(c), body.payment_reference, now)) as never;
};

export const rejectClaim: RouteHandler<typeof routes.rejectClaim, AppEnv> = async (c) => {
  const body = c.req.valid("json") as { reason: string };
  return moneyMove(c, c.req.valid("param").id, body, (claim, now) => rejectStatements(c.var.store, claim, actorOf(c), body.reason, now)) as never;
};

export const voidClaim: RouteHandler<typeof routes.voidClaim, AppEnv> = async (c) => {
  const body = c.req.valid("json") as { reason: string };
  return moneyMove(c, c.req.valid("param").id, body, (claim, now) => voidStatements(c.var.store, claim, actorOf(c), body.reason, now)) as never;
};

export const resolveObjection: RouteHandler<typeof routes.resolveObjection, AppEnv> = async (c) => {
  const { id, objection_id } = c.req.valid("param");
  const { note } = c.req.valid("json");
  return (await runMove(c, id, async (claim, now) => resolveObjectionStatements(c.var.store, claim, await readObjection(c.var.store, claim, objection_id), actorOf(c), note, now))) as never;
};

/** Claims on public notice or paid after it (a voided one leaves the notice). */
function noticeRows(c: Context<AppEnv>, q: string | undefined, limit: number, offset: number) {
  const search = q ? `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
  const where = sql`c.status IN ('on_notice', 'paid') AND c.voided_at IS NULL
    ${search ? sql`AND (p.name LIKE ${search} ESCAPE '\\' OR s.name LIKE ${search} ESCAPE '\\' OR v.name LIKE ${search} ESCAPE '\\')` : sql``}`;
  const from = sql`FROM claims c JOIN programmes p ON p.id = c.programme_id JOIN organisations s ON s.id = c.sme_org_id JOIN organisations v ON v.id = c.provider_org_id`;
  return Promise.all([
    c.var.store.all<{ claim_id: string; programme: string; enterprise: string; provider: string; period_start_at: number; period_end_at: number; subsidy_fen: number; notice_starts_on: string | null; notice_ends_on: string | null; status: Claim["status"]; audit_seq: number | null }>(sql`
      SELECT c.id AS claim_id, p.name AS programme, s.name AS enterprise, v.name AS provider, c.period_start_at, c.period_end_at,
             c.amount_fen AS subsidy_fen, c.notice_starts_on, c.notice_ends_on, c.status,
             (SELECT max(e.seq) FROM audit_events e WHERE e.subject_type = 'claim' AND e.subject_id = c.id AND e.action = 'claim.on_notice') AS audit_seq
      ${from} WHERE ${where} ORDER BY c.approved_at DESC, c.id LIMIT ${limit} OFFSET ${offset}`),
    c.var.store.all<{ n: number }>(sql`SELECT count(*) AS n ${from} WHERE ${where}`),
  ]);
}

const noticeItem = (r: Awaited<ReturnType<typeof noticeRows>>[0][number]) => ({
  claim_id: r.claim_id,
  programme: r.programme,
  enterprise: r.enterprise,
  provider: r.provider,
  period_start_on: shanghaiDate(Number(r.period_start_at)),
  period_end_on: shanghaiDate(Number(r.period_end_at) - 1),
  subsidy_fen: Number(r.subsidy_fen),
  notice_starts_on: r.notice_starts_on,
  notice_ends_on: r.notice_ends_on,
  status: r.status,
  audit_seq: r.audit_seq === null ? null : Number(r.audit_seq),
});

export const listNotices: RouteHandler<typeof routes.listNotices, AppEnv> = async (c) => {
  const { q, limit, offset } = c.req.valid("query");
  const [rows, [count]] = await noticeRows(c, q, limit, offset);
  return c.json({ items: rows.map(noticeItem), total: Number(count?.n ?? 0) }, 200);
};

const MAX_CSV_ROWS = 5_000;
const csvCell = (value: string | number | null) => {
  const s = value === null ? "" : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const noticesCsv: RouteHandler<typeof routes.noticesCsv, AppEnv> = async (c) => {
  const { q } = c.req.valid("query");
  const [rows] = await noticeRows(c, q, MAX_CSV_ROWS, 0);
  const header = ["兑付编号 claim", "项目 programme", "企业 enterprise", "服务商 provider", "服务期起 period start", "服务期止 period end", "补贴金额(元) subsidy CNY", "公示开始 notice from", "公示结束 notice to", "状态 status"];
  const lines = rows.map(noticeItem).map((n) =>
    [n.claim_id, n.programme, n.enterprise, n.provider, n.period_start_on, n.period_end_on, (n.subsidy_fen / 100).toFixed(2), n.notice_starts_on, n.notice_ends_on, n.status].map(csvCell).join(","),
  );
  return c.body(`\uFEFF${[header.map(csvCell).join(","), ...lines].join("\r\n")}\r\n`, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="notices.csv"' }) as never;
};

export const OBJECTIONS_PER_HOUR = 5;

export const objectNotice: RouteHandler<typeof routes.objectNotice, AppEnv> = async (c) => {
  const { claim_id } = c.req.valid("param");
  const body = c.req.valid("json");
  const store = c.var.store;
  await takeSlots(store, [{ key: `objection:address:${c.var.clientAddress}`, allowed: OBJECTIONS_PER_HOUR, windowMs: HOUR_MS }], c.var.now(), "异议提交过于频繁，请稍后再试 / Too many objections from this address; try again later");
  const objection = await retryOnGuard(async () => {
    const now = c.var.now();
    const [claim] = await store.db.select().from(claims).where(and(eq(claims.id, claim_id), inArray(claims.status, ["on_notice", "paid"])));
    if (!claim) throw notFound("公示", "Notice");
    const write = await objectionStatements(store, claim, body, now);
    await commit(c, write.statements, write.events);
    return write.objection;
  }, explain);
  return c.json({ id: objection.id, claim_id: objection.claim_id, status: "open" as const }, 201);
};
