import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, Fen, IdempotencyHeaders, IdParam, json, jsonBody, PageQuery, RecordId, text } from "../common";

export const VOUCHER_STATUSES = ["active", "expired", "revoked"] as const;
const VoucherStatus = z.enum(VOUCHER_STATUSES);

export const VoucherSchema = z
  .object({
    id: z.string(),
    programme_id: z.string(),
    programme_version: z.number().int(),
    sme_org_id: z.string(),
    application_id: z.string(),
    account_id: z.string(),
    status: VoucherStatus,
    status_reason: z.string().nullable(),
    face_value_fen: Fen,
    held_fen: Fen.openapi({ description: "Reserved by bookings, not yet settled or released" }),
    spent_fen: Fen.openapi({ description: "Settled to providers" }),
    lapsed_fen: Fen.openapi({ description: "Returned to the programme's pool on expiry or revocation" }),
    available_fen: Fen,
    issued_at: z.string(),
    expires_at: z.string().openapi({ description: "The instant the voucher stops being usable (UTC)" }),
    valid_through_on: z.string().openapi({ description: "The last day it can be used, Asia/Shanghai" }),
    created_at: z.string(),
  })
  .openapi("Voucher");

export const TransferSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["posted", "pending", "post_pending", "void_pending"]),
    code: z.string().openapi({ description: "issue, hold, deliver, release, expire, revoke, …" }),
    direction: z.enum(["in", "out"]).openapi({ description: "in: credits the voucher; out: debits it" }),
    amount_fen: Fen,
    signed_amount_fen: z.number().int().openapi({ description: "What it did to the voucher's available balance (a hold −, its release or a delivery's unused rest +); the rows sum to the available balance" }),
    released_fen: z.number().int().nullable().openapi({ description: "A delivery: the part of the hold not posted, returned to the voucher" }),
    counterparty_account_id: z.string(),
    pending_id: z.string().nullable(),
    subject_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("VoucherTransfer");

/** A voucher as lists and details show it: with the holder's and the programme's names. */
const VoucherNames = { sme_name: z.string(), programme_name: z.string() };
export const NamedVoucherSchema = VoucherSchema.extend(VoucherNames).openapi("NamedVoucher");

export const VoucherDetailSchema = VoucherSchema.extend({
  ...VoucherNames,
  settlement: z
    .object({
      settled_fen: z.number().int().openapi({ description: "Spent on bookings whose claim (兑付) was paid: settled" }),
      in_claims_fen: z.number().int().openapi({ description: "Spent on bookings in a claim not yet paid (under review or on notice)" }),
    })
    .openapi({ description: "How much of the spent subsidy is settled; the rest of spent awaits a claim" }),
  transfers: z.object({ items: z.array(TransferSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
}).openapi("VoucherDetail");

const tags = ["vouchers"];

export const listVouchers = defineRoute({
  method: "get",
  path: "/api/vouchers",
  tags,
  summary: "Vouchers with balances: an SME's own, or those of the caller's agency's programmes",
  request: { query: z.object({ status: VoucherStatus.optional(), programme_id: RecordId.optional(), ...PageQuery }) },
  responses: { 200: json(z.object({ items: z.array(NamedVoucherSchema), limit: z.number(), offset: z.number() }), "Vouchers"), ...commonErrors },
});

export const getVoucher = defineRoute({
  method: "get",
  path: "/api/vouchers/{id}",
  tags,
  summary: "A voucher's balance (face, held, spent, lapsed, available), expiry and the transfers behind them",
  request: {
    params: IdParam,
    query: z.object({ transfers_limit: PageQuery.limit, transfers_offset: PageQuery.offset }),
  },
  responses: { 200: json(VoucherDetailSchema, "The voucher"), ...commonErrors },
});

export const revokeVoucher = defineRoute({
  method: "post",
  path: "/api/vouchers/{id}/revoke",
  tags,
  summary: "Revoke (e.g. for fraud): holds are voided and the balance returns to the pool (money: takes an Idempotency-Key)",
  request: { params: IdParam, headers: IdempotencyHeaders, ...jsonBody(z.object({ reason: text(500, { multiline: true }) }).openapi("VoucherRevocation")) },
  responses: { 200: json(VoucherSchema, "Revoked"), ...commonErrors, ...conflictError },
});
