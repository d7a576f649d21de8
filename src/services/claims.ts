// Claims (兑付): a claimant bundles delivered, confirmed bookings of one programme into one claim
// with its evidence. 通兑 (tongdui): the provider claims the voucher part; 通用 (tongyong): the
// enterprise claims reimbursement. Each guard is in the write: a booking joins at most one claim
// (UNIQUE claim_bookings.booking_id), an invoice is claimed once per issuer (partial UNIQUE), and
// the bookings must still be delivered, confirmed and inside the claim deadline when the claim
// commits (their status update yields NULL otherwise).
import { and, eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { AuditInput } from "../db/audit";
import { bookings, claim_bookings, claims, files, ledger_accounts, ledger_transfers, programmes, type Booking, type Claim } from "../db/schema";
import type { Store } from "../db/store";
import { formatCny } from "../domain/money";
import { DEFAULT_CLAIM_DEADLINE_DAYS } from "../domain/working-days";
import type { Actor } from "../lib/context";
import { conflict, notFound, unprocessable } from "../lib/errors";
import { newId } from "../lib/ids";
import { DAY_MS } from "../lib/time";
import { announce } from "./announce";
import { assertNotFrozen, providerInGoodStanding } from "./claim-moves";
import { readProgramme, readRules } from "./programmes";

export const CLAIM_NOUN = ["兑付申请", "Claim"] as const;
/** The reversal that gives a claimed-or-lapsed booking's subsidy back: one per booking, ever. */
export const claimReversalId = (bookingId: string) => `claim-return:${bookingId}`;
export const MAX_CLAIM_BOOKINGS = 50;
export const MAX_CLAIM_ATTACHMENTS = 10;

/** Which claims a caller may see: the claimant organisation's, or an agency's programmes'. */
export function claimsVisibleTo(actor: Actor): SQL {
  if (actor.org.kind === "agency") {
    return inArray(claims.programme_id, sql`(SELECT ${programmes.id} FROM ${programmes} WHERE ${programmes.agency_org_id} = ${actor.org.id})`);
  }
  if (actor.org.kind === "sme" || actor.org.kind === "provider") return eq(claims.claimant_org_id, actor.org.id);
  return sql`0`;
}

export async function readVisibleClaim(store: Store, actor: Actor, id: string): Promise<Claim> {
  const [row] = await store.db.select().from(claims).where(and(eq(claims.id, id), claimsVisibleTo(actor)));
  if (!row) throw notFound(...CLAIM_NOUN);
  return row;
}

export async function claimBookingIds(store: Store, claimId: string): Promise<string[]> {
  const rows = await store.db.select({ id: claim_bookings.booking_id }).from(claim_bookings).where(eq(claim_bookings.claim_id, claimId));
  return rows.map((r) => r.id);
}

export interface ClaimInput {
  booking_ids: string[];
  contract_no: string;
  invoice_no: string;
  invoice_amount_fen: number;
  delivery_certificate: string;
  attachment_ids: string[];
}

export interface ClaimWrite {
  statements: SQLWrapper[];
  events: AuditInput[];
  claim: Claim;
}

/** The programme's current rules (settlement mode, notice, deadline). */
export async function currentRules(store: Store, programmeId: string) {
  const programme = await readProgramme(store, programmeId);
  if (!programme) throw new Error(`programme ${programmeId} is missing`);
  return { programme, rules: (await readRules(store, programmeId, programme.current_version)).rules };
}

function refuse(code: string, zh: string, en: string, details?: unknown): never {
  throw conflict(code, `${zh} / ${en}`, details);
}

/** Decides a new claim from what was read; the statements re-check what may change meanwhile. */
export async function createClaimStatements(store: Store, actor: Actor, input: ClaimInput, now: number): Promise<ClaimWrite> {
  const ids = [...new Set(input.booking_ids)];
  const party = actor.org.kind === "provider" ? bookings.provider_org_id : bookings.sme_org_id;
  const rows = await store.db.select().from(bookings).where(and(inArray(bookings.id, ids), eq(party, actor.org.id)));
  if (rows.length !== ids.length) throw notFound("预约", "Booking");
  const programmeIds = new Set(rows.map((b) => b.programme_id));
  const first = rows[0] as Booking;
  if (programmeIds.size !== 1 || !first.programme_id) refuse("mixed_programmes", "一个兑付申请只能包含同一项目下使用算力券的预约", "One claim covers voucher bookings of one programme only");
  if (new Set(rows.map((b) => `${b.sme_org_id}/${b.provider_org_id}`)).size !== 1) {
    refuse("mixed_parties", "一个兑付申请只能包含同一企业与同一服务商之间的预约", "One claim covers bookings between one enterprise and one provider");
  }
  const { rules, programme } = await currentRules(store, first.programme_id);
  // Who claims is who the holds owe (fixed when each booking was made, by the settlement mode of
  // the programme's rules then): the provider in 通兑, the enterprise in 通用. Holds never change.
  const holdIds = rows.map((b) => b.hold_transfer_id).filter((id): id is string => id !== null);
  const owed = holdIds.length === 0 ? [] : await store.db.select({ org_id: ledger_accounts.org_id }).from(ledger_transfers).innerJoin(ledger_accounts, eq(ledger_accounts.id, ledger_transfers.credit_account_id)).where(inArray(ledger_transfers.id, holdIds));
  const owedOrgs = new Set(owed.map((r) => r.org_id));
  if (holdIds.length !== rows.length || owed.length !== holdIds.length || owedOrgs.size !== 1 || !owedOrgs.has(actor.org.id)) {
    const providerOwed = owedOrgs.has(first.provider_org_id) || (owedOrgs.size === 0 && rules.settlement_mode === "tongdui");
    refuse(
      "wrong_claimant",
      providerOwed ? "该项目为通兑模式，由服务商申请兑付" : "该项目为通用模式，由企业申请兑付",
      providerOwed ? "In this programme (tongdui) the provider claims" : "In this programme (tongyong) the enterprise claims",
    );
  }
  const settlementMode = actor.org.id === first.provider_org_id ? "tongdui" : "tongyong";
  await assertNotFrozen(store, first.programme_id, first.provider_org_id);
  const deadlineMs = (rules.claim_deadline_days ?? DEFAULT_CLAIM_DEADLINE_DAYS) * DAY_MS;
  for (const b of rows) {
    if (b.status !== "delivered" || b.confirmation_state !== "confirmed") {
      refuse("booking_not_claimable", `预约${b.id}尚未交付并确认`, `Booking ${b.id} is not delivered and confirmed`, { booking_id: b.id, status: b.status, confirmation_state: b.confirmation_state });
    }
    if ((b.delivered_at as number) + deadlineMs < now) {
      refuse("claim_deadline_passed", `预约${b.id}已超过交付后${deadlineMs / DAY_MS}天的兑付期限`, `Booking ${b.id} is past the claim deadline of ${deadlineMs / DAY_MS} days after delivery`, { booking_id: b.id });
    }
  }
  const gross = rows.reduce((n, b) => n + (b.delivered_gross_fen ?? 0), 0);
  const amount = rows.reduce((n, b) => n + (b.delivered_subsidy_fen ?? 0), 0);
  if (input.invoice_amount_fen < gross) {
    throw unprocessable("invoice_below_gross", `发票金额${input.invoice_amount_fen}分低于交付总额${gross}分 / The invoice (${input.invoice_amount_fen} fen) is below the delivered gross (${gross} fen)`, { delivered_gross_fen: gross });
  }
  const attachments = [...new Set(input.attachment_ids)];
  if (attachments.length > 0) {
    const found = await store.db.select({ id: files.id }).from(files).where(and(inArray(files.id, attachments), eq(files.org_id, actor.org.id)));
    if (found.length !== attachments.length) throw notFound("附件", "Attachment");
  }
  const claim: Claim = {
    id: newId("clm"),
    programme_id: first.programme_id,
    settlement_mode: settlementMode,
    claimant_org_id: actor.org.id,
    provider_org_id: first.provider_org_id,
    sme_org_id: first.sme_org_id,
    status: "submitted",
    contract_no: input.contract_no,
    invoice_issuer_org_id: first.provider_org_id,
    invoice_no: input.invoice_no,
    invoice_amount_fen: input.invoice_amount_fen,
    delivery_certificate: input.delivery_certificate,
    attachment_ids_json: JSON.stringify(attachments),
    gross_fen: gross,
    amount_fen: amount,
    period_start_at: Math.min(...rows.map((b) => b.starts_at)),
    period_end_at: Math.max(...rows.map((b) => b.ends_at)),
    submitted_by: actor.user.id,
    return_reason: null,
    claimant_answer: null,
    reviewer_user_id: null,
    reviewed_at: null,
    finance_user_id: null,
    approved_at: null,
    notice_starts_on: null,
    notice_ends_on: null,
    notice_ends_at: null,
    open_objections: 0,
    paid_at: null,
    paid_by: null,
    payment_reference: null,
    rejected_at: null,
    rejected_by: null,
    reject_reason: null,
    voided_at: null,
    void_reason: null,
    created_at: now,
    updated_at: now,
  };
  const statements: SQLWrapper[] = [
    store.db.insert(claims).values(claim),
    store.db.insert(claim_bookings).values(rows.map((b) => ({ claim_id: claim.id, booking_id: b.id, subsidy_fen: b.delivered_subsidy_fen ?? 0, gross_fen: b.delivered_gross_fen ?? 0 }))),
    // Still delivered, confirmed, unchanged in amount and inside the deadline, or NULL fails the batch.
    ...rows.map((b) =>
      store.db
        .update(bookings)
        .set({
          status: sql`CASE WHEN ${bookings.status} = 'delivered' AND ${bookings.confirmation_state} = 'confirmed'
            AND ${bookings.delivered_subsidy_fen} = ${b.delivered_subsidy_fen} AND ${bookings.delivered_at} + ${deadlineMs} >= ${now}
            AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = ${claimReversalId(b.id)})
            AND ${providerInGoodStanding(first.programme_id as string, first.provider_org_id)}
            THEN ${bookings.status} ELSE NULL END` as never,
        })
        .where(eq(bookings.id, b.id)),
    ),
    ...(await claimNews(claim, "claim.submitted", now, actor.user.id, programme.agency_org_id)),
  ];
  const events: AuditInput[] = [
    { action: "claim.submitted", subject_type: "claim", subject_id: claim.id, programme_id: claim.programme_id, before: null, after: { ...claim, booking_ids: ids } },
  ];
  return { statements, events, claim };
}

type ClaimKind = "claim.submitted" | "claim.returned" | "claim.approved" | "claim.on_notice" | "claim.objected" | "claim.paid" | "claim.rejected";

const CLAIM_WORDS: Record<ClaimKind, [string, string]> = {
  "claim.submitted": ["提交了兑付申请", "submitted a claim"],
  "claim.returned": ["兑付申请被退回，请补充后重新提交", "claim returned: answer and resubmit"],
  "claim.approved": ["兑付申请通过初审，待财务复核", "claim reviewed; awaiting finance"],
  "claim.on_notice": ["兑付申请进入公示", "claim on public notice"],
  "claim.objected": ["公示中的兑付申请收到异议", "objection to a claim on notice"],
  "claim.paid": ["兑付已支付", "claim paid"],
  "claim.rejected": ["兑付申请被驳回", "claim rejected"],
};

/** Who hears about a claim: the agency of the programme for submissions and objections, else the claimant. */
export async function claimNews(claim: Claim, kind: ClaimKind, now: number, exceptUserId: string | null, agencyOrgId: string): Promise<SQLWrapper[]> {
  const toAgency = kind === "claim.submitted" || kind === "claim.objected" || kind === "claim.approved";
  const to = toAgency ? [{ org_id: agencyOrgId, roles: ["admin", "reviewer", "finance"] as const }] : [{ org_id: claim.claimant_org_id }];
  const [words, wordsEn] = CLAIM_WORDS[kind];
  // The claimant reads why a claim came back or was refused.
  const why = kind === "claim.returned" ? claim.return_reason : kind === "claim.rejected" ? claim.reject_reason : null;
  const zh = why ? `${words}：${why}` : words;
  const en = why ? `${wordsEn}: ${why}` : wordsEn;
  return announce(
    {
      kind,
      subject_type: "claim",
      subject_id: claim.id,
      link: `/claims?id=${claim.id}`,
      // Names, not ids: the claimant and the programme, read inside the write.
      body_zh: sql`(SELECT name FROM organisations WHERE id = ${claim.claimant_org_id}) || ${`：${zh}（`} || (SELECT name FROM programmes WHERE id = ${claim.programme_id}) || ${`，${formatCny(claim.amount_fen)}）`}`,
      body_en: sql`(SELECT name FROM organisations WHERE id = ${claim.claimant_org_id}) || ${`: ${en} (`} || (SELECT name FROM programmes WHERE id = ${claim.programme_id}) || ${`, ${formatCny(claim.amount_fen)})`}`,
      to,
      except_user_id: exceptUserId,
      data: { claim_id: claim.id, status: claim.status, amount_fen: claim.amount_fen },
    },
    now,
  );
}
