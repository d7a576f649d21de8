// Claims (兑付) on delivered bookings, their public notice (公示) and objections to it.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { bookings } from "./capacity";

export const CLAIM_STATUSES = ["submitted", "returned", "reviewed", "on_notice", "paid", "rejected"] as const;

// One claim bundles delivered, confirmed bookings of one programme and one claimant: in 通兑
// (tongdui) the provider claims, in 通用 (tongyong) the enterprise claims reimbursement.
export const claims = sqliteTable(
  "claims",
  {
    id: text("id").primaryKey(),
    programme_id: text("programme_id").notNull(),
    settlement_mode: text("settlement_mode", { enum: ["tongdui", "tongyong"] }).notNull(),
    claimant_org_id: text("claimant_org_id").notNull(),
    provider_org_id: text("provider_org_id").notNull(),
    sme_org_id: text("sme_org_id").notNull(),
    status: text("status", { enum: CLAIM_STATUSES }).notNull(),
    // Evidence (合同, 发票, 交付证明, attachments).
    contract_no: text("contract_no").notNull(),
    // The invoice is issued by the provider in both modes; one invoice is never claimed twice.
    invoice_issuer_org_id: text("invoice_issuer_org_id").notNull(),
    invoice_no: text("invoice_no").notNull(),
    invoice_amount_fen: integer("invoice_amount_fen").notNull(),
    delivery_certificate: text("delivery_certificate").notNull(),
    attachment_ids_json: text("attachment_ids_json").notNull(),
    // Sum of the bookings' delivered gross and delivered subsidy when claimed.
    gross_fen: integer("gross_fen").notNull(),
    amount_fen: integer("amount_fen").notNull(),
    period_start_at: integer("period_start_at").notNull(),
    period_end_at: integer("period_end_at").notNull(),
    submitted_by: text("submitted_by").notNull(),
    return_reason: text("return_reason"),
    claimant_answer: text("claimant_answer"),
    // 初审 and 复核 by two different people: the CHECK refuses the same user for both.
    reviewer_user_id: text("reviewer_user_id"),
    reviewed_at: integer("reviewed_at"),
    finance_user_id: text("finance_user_id"),
    approved_at: integer("approved_at"),
    notice_starts_on: text("notice_starts_on"),
    notice_ends_on: text("notice_ends_on"),
    // The first instant payment is allowed: the end (24:00 Beijing) of the last notice day.
    notice_ends_at: integer("notice_ends_at"),
    open_objections: integer("open_objections").notNull().default(0),
    paid_at: integer("paid_at"),
    paid_by: text("paid_by"),
    payment_reference: text("payment_reference"),
    rejected_at: integer("rejected_at"),
    rejected_by: text("rejected_by"),
    reject_reason: text("reject_reason"),
    // Fraud: an agency voids a claim. Unpaid → rejected; paid → recorded and flagged here.
    voided_at: integer("voided_at"),
    void_reason: text("void_reason"),
    created_at: createdAt(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    check("claims_two_person_rule", sql`${t.finance_user_id} IS NULL OR ${t.reviewer_user_id} IS NULL OR ${t.finance_user_id} <> ${t.reviewer_user_id}`),
    check("claims_invoice_covers_gross", sql`${t.invoice_amount_fen} >= ${t.gross_fen}`),
    check("claims_money_non_negative", sql`${t.amount_fen} >= 0 AND ${t.gross_fen} >= 0`),
    check("claims_open_objections_non_negative", sql`${t.open_objections} >= 0`),
    uniqueIndex("claims_invoice_once").on(t.invoice_issuer_org_id, t.invoice_no).where(sql`${t.status} <> 'rejected'`),
    index("claims_programme_idx").on(t.programme_id, t.status),
    index("claims_claimant_idx").on(t.claimant_org_id, t.created_at),
  ],
);

// A booking belongs to at most one claim, ever: a rejected claim returned the booking's subsidy
// to the voucher (or pool), so nothing is left to claim on it.
export const claim_bookings = sqliteTable(
  "claim_bookings",
  {
    claim_id: text("claim_id").notNull().references(() => claims.id),
    booking_id: text("booking_id").notNull().references(() => bookings.id),
    subsidy_fen: integer("subsidy_fen").notNull(),
    gross_fen: integer("gross_fen").notNull(),
  },
  (t) => [uniqueIndex("claim_bookings_booking_once").on(t.booking_id), index("claim_bookings_claim_idx").on(t.claim_id)],
);

// An objection to a claim on public notice, by anyone (no login). An open one stops payment.
export const claim_objections = sqliteTable(
  "claim_objections",
  {
    id: text("id").primaryKey(),
    claim_id: text("claim_id").notNull().references(() => claims.id),
    name: text("name").notNull(),
    contact: text("contact").notNull(),
    reason: text("reason").notNull(),
    status: text("status", { enum: ["open", "resolved"] }).notNull(),
    resolution_note: text("resolution_note"),
    resolved_by: text("resolved_by"),
    resolved_at: integer("resolved_at"),
    created_at: createdAt(),
  },
  (t) => [index("claim_objections_claim_idx").on(t.claim_id, t.created_at)],
);

export type Claim = typeof claims.$inferSelect;
export type ClaimObjection = typeof claim_objections.$inferSelect;
