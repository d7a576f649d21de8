// A claim's moves after submission. Two people (初审 reviewer, 复核 finance) approve it, it then
// stays on public notice (公示) for the programme's notice period in working days, and only after
// the notice ended with no open objection may finance pay it, once. Rejecting returns the subsidy
// by reversal transfers. Each move's claim-status update yields NULL (failing NOT NULL) unless
// the claim is still in the state the move needs, so a concurrent move fails the whole batch.
import { eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import type { AuditInput } from "../db/audit";
import { transition } from "../db/guards";
import { annualSubsidyChange, ensureAccount, postedTransfer } from "../db/ledger";
import { bookings, claim_bookings, claim_objections, claims, programmes, vouchers, type Booking, type Claim, type ClaimObjection } from "../db/schema";
import type { Store } from "../db/store";
import { DEFAULT_NOTICE_DAYS, noticePeriod } from "../domain/working-days";
import type { Actor } from "../lib/context";
import { conflict, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { DAY_MS, shanghaiDate, shanghaiMidnight, shanghaiText } from "../lib/time";
import { claimNews, claimReversalId, currentRules } from "./claims";
import { readHeldBooking } from "./holds";

export const payTransferId = (claimId: string) => `pay:${claimId}`;
export { claimReversalId };
export const CLAIM_REVERSAL_CODE = "claim_reversal";

export interface ClaimMove {
  statements: SQLWrapper[];
  events: AuditInput[];
  after: Claim;
}

type Status = Claim["status"];

function assertStatus(claim: Claim, allowed: readonly Status[]) {
  if (!allowed.includes(claim.status)) {
    throw conflict("invalid_claim_transition", `兑付申请当前为${claim.status}，不能执行此操作 / The claim is ${claim.status}; this move is not possible now`, { status: claim.status });
  }
}

function event(claim: Claim, action: string, before: unknown, after: unknown): AuditInput {
  return { action, subject_type: "claim", subject_id: claim.id, programme_id: claim.programme_id, before, after };
}

async function agencyOf(store: Store, claim: Claim): Promise<string> {
  const [row] = await store.db.select({ agency: programmes.agency_org_id }).from(programmes).where(eq(programmes.id, claim.programme_id));
  if (!row) throw new Error(`claim ${claim.id} lost its programme`);
  return row.agency;
}

/** A plain status move with extra columns; `guard` adds conditions to the transition. */
function statusMove(store: Store, claim: Claim, from: readonly Status[], to: Status, change: Partial<Claim>, guard: SQL = sql`1`): SQLWrapper {
  return store.db
    .update(claims)
    .set({ ...change, status: sql`CASE WHEN ${guard} THEN ${transition(claims.status, from, to)} ELSE NULL END` as never })
    .where(eq(claims.id, claim.id));
}

/**
 * SQL: the claim's provider is in good standing with the programme's agency (approved, and not
 * suspended by the platform). An agency that suspends a provider found faking usage freezes its
 * unpaid claims: no review, approval or payment moves them until it approves the provider again;
 * the agency may still reject or void them.
 */
export function providerInGoodStanding(programmeId: string, providerOrgId: string): SQL {
  return sql`(EXISTS (SELECT 1 FROM provider_vettings v JOIN programmes p ON p.agency_org_id = v.agency_org_id
      WHERE p.id = ${programmeId} AND v.provider_org_id = ${providerOrgId} AND v.status = 'approved')
    AND coalesce((SELECT o.provider_status FROM organisations o WHERE o.id = ${providerOrgId}), 'active') <> 'suspended')`;
}

/** Refuses a move on a frozen claim with a reason a person can read (the write re-checks). */
export async function assertNotFrozen(store: Store, programmeId: string, providerOrgId: string) {
  const [row] = await store.all<{ ok: number }>(sql`SELECT ${providerInGoodStanding(programmeId, providerOrgId)} AS ok`);
  if (!Number(row?.ok)) {
    throw conflict("provider_suspended", "该服务商已被暂停，其兑付申请冻结（可驳回或作废） / The provider is suspended: its claims are frozen (they can still be rejected or voided)");
  }
}

/** 初审: the agency's reviewer approves (to finance) or returns it with reasons. */
export async function reviewStatements(store: Store, claim: Claim, actor: Actor, decision: "approve" | "return", reason: string | null, now: number): Promise<ClaimMove> {
  assertStatus(claim, ["submitted"]);
  await assertNotFrozen(store, claim.programme_id, claim.provider_org_id);
  const to: Status = decision === "approve" ? "reviewed" : "returned";
  const change: Partial<Claim> =
    decision === "approve" ? { reviewer_user_id: actor.user.id, reviewed_at: now, updated_at: now } : { return_reason: reason, updated_at: now };
  const after = { ...claim, ...change, status: to };
  return {
    statements: [statusMove(store, claim, ["submitted"], to, change, providerInGoodStanding(claim.programme_id, claim.provider_org_id)), ...(await claimNews(after, decision === "approve" ? "claim.approved" : "claim.returned", now, actor.user.id, await agencyOf(store, claim)))],
    events: [event(claim, `claim.${to}`, { status: claim.status }, { status: to, reason })],
    after,
  };
}

/** The claimant answers a return and submits again. */
export async function resubmitStatements(store: Store, claim: Claim, actor: Actor, answer: string, now: number): Promise<ClaimMove> {
  assertStatus(claim, ["returned"]);
  const change: Partial<Claim> = { claimant_answer: answer, updated_at: now };
  const after = { ...claim, ...change, status: "submitted" as const };
  return {
    statements: [statusMove(store, claim, ["returned"], "submitted", change), ...(await claimNews(after, "claim.submitted", now, actor.user.id, await agencyOf(store, claim)))],
    events: [event(claim, "claim.resubmitted", { status: "returned" }, { status: "submitted", answer })],
    after,
  };
}

/** 复核: finance approves; the claim goes on public notice. Never the reviewer (CHECK claims_two_person_rule). */
export async function approveStatements(store: Store, claim: Claim, actor: Actor, now: number): Promise<ClaimMove> {
  assertStatus(claim, ["reviewed"]);
  if (claim.reviewer_user_id === actor.user.id) throw twoPersonRefusal();
  await assertNotFrozen(store, claim.programme_id, claim.provider_org_id);
  const { rules, programme } = await currentRules(store, claim.programme_id);
  const period = noticePeriod(shanghaiDate(now), rules.notice_days ?? DEFAULT_NOTICE_DAYS);
  const change: Partial<Claim> = {
    finance_user_id: actor.user.id,
    approved_at: now,
    notice_starts_on: period.starts_on,
    notice_ends_on: period.ends_on,
    notice_ends_at: period.ends_on ? shanghaiMidnight(period.ends_on) + DAY_MS : now,
    updated_at: now,
  };
  const after = { ...claim, ...change, status: "on_notice" as const };
  return {
    statements: [statusMove(store, claim, ["reviewed"], "on_notice", change, providerInGoodStanding(claim.programme_id, claim.provider_org_id)), ...(await claimNews(after, "claim.on_notice", now, actor.user.id, programme.agency_org_id))],
    events: [event(claim, "claim.on_notice", { status: "reviewed" }, { status: "on_notice", notice_starts_on: period.starts_on, notice_ends_on: period.ends_on })],
    after,
  };
}

export const twoPersonRefusal = () =>
  conflict("two_person_rule", "初审与复核须由不同人员完成 / The reviewer cannot also approve as finance: two different people are required");

/** Anyone objects to a claim on notice, during the notice. The count of open objections stops payment. */
export async function objectionStatements(store: Store, claim: Claim, input: { name: string; contact: string; reason: string }, now: number) {
  if (claim.status !== "on_notice" || claim.notice_ends_at === null || now >= claim.notice_ends_at) {
    throw conflict("not_on_notice", "该兑付申请不在公示期内 / The claim is not on public notice", { status: claim.status });
  }
  const objection: ClaimObjection = { id: newId("cob"), claim_id: claim.id, ...input, status: "open", resolution_note: null, resolved_by: null, resolved_at: null, created_at: now };
  const change: Partial<Claim> = { open_objections: sql`${claims.open_objections} + 1` as never, updated_at: now };
  const after = { ...claim, open_objections: claim.open_objections + 1, updated_at: now };
  return {
    statements: [
      store.db.insert(claim_objections).values(objection),
      statusMove(store, claim, ["on_notice"], "on_notice", change, sql`${now} < ${claims.notice_ends_at}`),
      ...(await claimNews(after, "claim.objected", now, null, await agencyOf(store, claim))),
    ],
    events: [event(claim, "claim.objected", null, { objection_id: objection.id })],
    objection,
  };
}

/** The agency resolves an open objection with a note. */
export function resolveObjectionStatements(store: Store, claim: Claim, objection: ClaimObjection, actor: Actor, note: string, now: number): ClaimMove {
  if (objection.status !== "open") throw conflict("objection_resolved", "该异议已处理 / The objection is already resolved");
  const after = { ...claim, open_objections: claim.open_objections - 1, updated_at: now };
  return {
    statements: [
      store.db
        .update(claim_objections)
        .set({ status: transition(claim_objections.status, ["open"], "resolved") as never, resolution_note: note, resolved_by: actor.user.id, resolved_at: now })
        .where(eq(claim_objections.id, objection.id)),
      store.db.update(claims).set({ open_objections: sql`${claims.open_objections} - 1`, updated_at: now }).where(eq(claims.id, claim.id)),
    ],
    events: [event(claim, "claim.objection_resolved", { objection_id: objection.id, status: "open" }, { status: "resolved", note })],
    after,
  };
}

/**
 * Pays the claim: payable → paid-out once (transfer id pay:<claim>), its bookings settled. The
 * claim's transition needs it on notice, the notice over and no open objection.
 */
export async function payStatements(store: Store, claim: Claim, actor: Actor, reference: string, now: number): Promise<ClaimMove> {
  assertStatus(claim, ["on_notice"]);
  if (claim.open_objections > 0) throw conflict("open_objection", "公示期内有未处理的异议，暂不能支付 / An objection is open: resolve it before paying", { open_objections: claim.open_objections });
  if (claim.notice_ends_at === null || now < claim.notice_ends_at) {
    throw conflict("notice_not_over", `公示期至${claim.notice_ends_on}结束，之后才能支付 / The notice runs until ${claim.notice_ends_on}; pay after it ends`, { notice_ends_on: claim.notice_ends_on });
  }
  await assertNotFrozen(store, claim.programme_id, claim.provider_org_id);
  const change: Partial<Claim> = { paid_at: now, paid_by: actor.user.id, payment_reference: reference, updated_at: now };
  const after = { ...claim, ...change, status: "paid" as const };
  const paidOut = accountIds.paidOut(claim.programme_id);
  return {
    statements: [
      statusMove(store, claim, ["on_notice"], "paid", change, sql`${claims.open_objections} = 0 AND ${claims.notice_ends_at} <= ${now} AND ${providerInGoodStanding(claim.programme_id, claim.provider_org_id)}`),
      ensureAccount(store, { id: paidOut, kind: "paid_out", programme_id: claim.programme_id }, now),
      ...postedTransfer(store, { id: payTransferId(claim.id), debit_account_id: accountIds.payable(claim.programme_id, claim.claimant_org_id), credit_account_id: paidOut, amount_fen: claim.amount_fen, code: "payout", subject_id: claim.id }, now),
      store.db
        .update(bookings)
        .set({ status: transition(bookings.status, ["delivered"], "settled") as never, updated_at: now })
        .where(inArray(bookings.id, sql`(SELECT ${claim_bookings.booking_id} FROM ${claim_bookings} WHERE ${claim_bookings.claim_id} = ${claim.id})`)),
      ...(await claimNews(after, "claim.paid", now, actor.user.id, await agencyOf(store, claim))),
    ],
    events: [event(claim, "claim.paid", { status: "on_notice" }, { status: "paid", amount_fen: claim.amount_fen, payment_reference: reference })],
    after,
  };
}

export const UNPAID: readonly Status[] = ["submitted", "returned", "reviewed", "on_notice"];

/**
 * Rejects an unpaid claim: each booking's subsidy goes back by a reversal transfer to its voucher,
 * or to the programme's pool if the voucher has ended, and the annual-cap room comes back.
 */
export async function rejectStatements(store: Store, claim: Claim, actor: Actor, reason: string, now: number, voided = false): Promise<ClaimMove> {
  assertStatus(claim, UNPAID);
  const rows = await store.db.select().from(bookings).where(inArray(bookings.id, sql`(SELECT ${claim_bookings.booking_id} FROM ${claim_bookings} WHERE ${claim_bookings.claim_id} = ${claim.id})`));
  const [programme] = await store.db.select({ pool: programmes.pool_account_id, agency: programmes.agency_org_id }).from(programmes).where(eq(programmes.id, claim.programme_id));
  if (!programme) throw new Error(`claim ${claim.id} lost its programme`);
  const statements: SQLWrapper[] = [];
  const returned: { booking_id: string; amount_fen: number; to: "voucher" | "pool" }[] = [];
  for (const b of rows) statements.push(...(await returnSubsidy(store, b, programme.pool, now, returned)));
  const change: Partial<Claim> = { rejected_at: now, rejected_by: actor.user.id, reject_reason: reason, ...(voided ? { voided_at: now, void_reason: reason } : {}), updated_at: now };
  const after = { ...claim, ...change, status: "rejected" as const };
  statements.unshift(statusMove(store, claim, UNPAID, "rejected", change));
  statements.push(...(await claimNews(after, "claim.rejected", now, actor.user.id, programme.agency)));
  return { statements, events: [event(claim, voided ? "claim.voided" : "claim.rejected", { status: claim.status }, { status: "rejected", reason, returned })], after };
}

/**
 * The statements that give a delivered booking's subsidy back: a reversal transfer from the
 * payable its hold credited to its voucher, or to the pool if the voucher has ended, and the
 * annual-cap room. `guard` adds conditions the booking must still meet when the batch commits.
 */
export async function returnSubsidy(store: Store, b: Booking, pool: string, now: number, returned: { booking_id: string; amount_fen: number; to: "voucher" | "pool" }[], guard: SQL = sql`1`): Promise<SQLWrapper[]> {
  const amount = b.delivered_subsidy_fen ?? 0;
  // The booking must still be delivered with this subsidy (a paid claim settles it).
  const bookingGuard = (extra: SQL) =>
    store.db
      .update(bookings)
      .set({ status: sql`CASE WHEN ${bookings.status} = 'delivered' AND ${bookings.delivered_subsidy_fen} = ${amount} AND ${extra} AND ${guard} THEN ${bookings.status} ELSE NULL END` as never, updated_at: now })
      .where(eq(bookings.id, b.id));
  if (amount === 0 || !b.voucher_id || !b.programme_id) return [bookingGuard(sql`1`)];
  const [voucher] = await store.db.select({ status: vouchers.status }).from(vouchers).where(eq(vouchers.id, b.voucher_id));
  if (!voucher) throw new Error(`booking ${b.id} lost its voucher`);
  const to = voucher.status === "active" ? "voucher" : "pool";
  returned.push({ booking_id: b.id, amount_fen: amount, to });
  const { hold, held } = await readHeldBooking(store, b);
  return [
    // An expiry or revocation in between re-reads, so money never lands on an ended voucher.
    bookingGuard(sql`(SELECT v.status FROM ${vouchers} v WHERE v.id = ${b.voucher_id}) = ${voucher.status}`),
    ...postedTransfer(
      store,
      { id: claimReversalId(b.id), debit_account_id: hold.credit_account_id, credit_account_id: to === "voucher" ? accountIds.voucher(b.voucher_id) : pool, amount_fen: amount, code: CLAIM_REVERSAL_CODE, subject_id: b.id },
      now,
    ),
    annualSubsidyChange(store, { programme_id: held.programme_id, sme_org_id: held.sme_org_id, year: held.year }, -amount, held.annual_subsidy_cap_fen),
  ];
}

/** Fraud: voiding an unpaid claim rejects it; a paid one is recorded and flagged, its money stays paid. */
export async function voidStatements(store: Store, claim: Claim, actor: Actor, reason: string, now: number): Promise<ClaimMove> {
  if (claim.status !== "paid") return rejectStatements(store, claim, actor, reason, now, true);
  if (claim.voided_at !== null) throw conflict("claim_already_voided", `该兑付已于${shanghaiText(claim.voided_at)}作废 / The claim was already voided`);
  const change: Partial<Claim> = { voided_at: now, void_reason: reason, updated_at: now };
  return {
    statements: [statusMove(store, claim, ["paid"], "paid", change, sql`${claims.voided_at} IS NULL`)],
    events: [event(claim, "claim.voided", { status: "paid" }, { status: "paid", voided: true, reason })],
    after: { ...claim, ...change },
  };
}

export async function readObjection(store: Store, claim: Claim, objectionId: string): Promise<ClaimObjection> {
  const [row] = await store.db.select().from(claim_objections).where(eq(claim_objections.id, objectionId));
  if (!row || row.claim_id !== claim.id) throw notFound("异议", "Objection");
  return row;
}
