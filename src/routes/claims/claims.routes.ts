import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../../db/schema";
import { defineRoute } from "../../lib/route";
import { MAX_CLAIM_ATTACHMENTS, MAX_CLAIM_BOOKINGS } from "../../services/claims";
import { commonErrors, conflictError, ErrorSchema, Fen, IdempotencyHeaders, IdParam, json, jsonBody, PageQuery, PositiveFen, RecordId, text, throttledError } from "../common";

const unprocessableError = { 422: json(ErrorSchema, "Evidence that does not add up (invoice below the delivered gross)") };

export const ClaimSchema = z
  .object({
    id: z.string(),
    programme_id: z.string(),
    programme_name: z.string(),
    claimant_name: z.string(),
    provider_name: z.string(),
    sme_name: z.string(),
    settlement_mode: z.enum(["tongdui", "tongyong"]),
    claimant_org_id: z.string(),
    provider_org_id: z.string(),
    sme_org_id: z.string(),
    status: z.enum(CLAIM_STATUSES),
    contract_no: z.string(),
    invoice_no: z.string(),
    invoice_amount_fen: z.number().int(),
    delivery_certificate: z.string(),
    attachment_ids: z.array(z.string()),
    booking_ids: z.array(z.string()),
    gross_fen: z.number().int(),
    amount_fen: z.number().int().openapi({ description: "Claimed: the bookings' delivered subsidy" }),
    return_reason: z.string().nullable(),
    claimant_answer: z.string().nullable(),
    reviewer_user_id: z.string().nullable(),
    reviewer_name: z.string().nullable(),
    finance_user_id: z.string().nullable(),
    finance_name: z.string().nullable(),
    notice_starts_on: z.string().nullable(),
    notice_ends_on: z.string().nullable(),
    open_objections: z.number().int(),
    paid_at: z.string().nullable(),
    payment_reference: z.string().nullable(),
    reject_reason: z.string().nullable(),
    voided_at: z.string().nullable(),
    void_reason: z.string().nullable(),
    created_at: z.string(),
    objections: z.array(
      z.object({ id: z.string(), name: z.string(), contact: z.string(), reason: z.string(), status: z.enum(["open", "resolved"]), resolution_note: z.string().nullable(), created_at: z.string() }),
    ),
    history: z
      .array(z.object({ at: z.string(), action: z.string(), actor_name: z.string().nullable(), note: z.string().nullable() }))
      .optional()
      .openapi({ description: "GET /api/claims/{id} only (not lists or moves): its moves from the audit log, oldest first; note is the reason, answer, resolution note or payment reference" }),
    attachments: z
      .array(z.object({ id: z.string(), original_name: z.string(), content_type: z.string(), size_bytes: z.number().int() }))
      .optional()
      .openapi({ description: "GET /api/claims/{id} only: the attachments' names, types and sizes (download: GET /api/files/{id})" }),
    ledger: z
      .array(
        z.object({
          id: z.string(),
          code: z.string(),
          kind: z.enum(["posted", "pending", "post_pending", "void_pending"]),
          amount_fen: z.number().int(),
          from_kind: z.string(),
          to_kind: z.string(),
          subject_id: z.string().nullable(),
          created_at: z.string(),
        }),
      )
      .optional()
      .openapi({ description: "GET /api/claims/{id} only: the ledger transfers of its bookings (hold, delivery, release, reversal) and its payment, oldest first" }),
  })
  .openapi("Claim");

export const CreateClaimBody = z
  .object({
    booking_ids: z.array(RecordId).min(1).max(MAX_CLAIM_BOOKINGS),
    contract_no: text(64),
    invoice_no: text(64),
    invoice_amount_fen: PositiveFen,
    delivery_certificate: text(2000, { multiline: true }),
    attachment_ids: z.array(RecordId).max(MAX_CLAIM_ATTACHMENTS).default([]),
  })
  .openapi("CreateClaim");

export const createClaim = defineRoute({
  method: "post",
  path: "/api/claims",
  tags: ["claims"],
  summary: "Claim (兑付) the subsidy of delivered, confirmed bookings of one programme: the provider in 通兑 mode, the enterprise in 通用 mode",
  request: jsonBody(CreateClaimBody),
  responses: { 201: json(ClaimSchema, "Submitted"), ...commonErrors, ...conflictError, ...unprocessableError },
});

const ClaimListQuery = z.object({
  status: z.enum(CLAIM_STATUSES).optional(),
  programme_id: RecordId.optional(),
  ...PageQuery,
});

export const listClaims = defineRoute({
  method: "get",
  path: "/api/claims",
  tags: ["claims"],
  summary: "Claims the caller may see: its organisation's, or those of its agency's programmes; newest first",
  request: { query: ClaimListQuery },
  responses: { 200: json(z.object({ items: z.array(ClaimSchema), total: z.number().int() }).openapi("ClaimPage"), "A page"), ...commonErrors },
});

export const getClaim = defineRoute({
  method: "get",
  path: "/api/claims/{id}",
  tags: ["claims"],
  summary: "One claim with its bookings and objections",
  request: { params: IdParam },
  responses: { 200: json(ClaimSchema, "The claim"), ...commonErrors },
});

const move = <P extends string>(path: P, summary: string, body: z.ZodType, money = false) =>
  defineRoute({
    method: "post",
    path,
    tags: ["claims"],
    summary: money ? `${summary} (money: takes an Idempotency-Key)` : summary,
    request: { params: IdParam, ...(money ? { headers: IdempotencyHeaders } : {}), ...jsonBody(body) },
    responses: { 200: json(ClaimSchema, "Moved"), ...commonErrors, ...conflictError },
  });

export const reviewClaim = move(
  "/api/claims/{id}/review",
  "初审: the programme agency's reviewer approves the claim (to finance) or returns it with reasons",
  z.object({ decision: z.enum(["approve", "return"]), reason: text(1000, { multiline: true }).optional() }).openapi("ReviewClaim"),
);
export const resubmitClaim = move("/api/claims/{id}/resubmit", "The claimant answers a return and submits again", z.object({ answer: text(1000, { multiline: true }) }).openapi("ResubmitClaim"));
export const approveClaim = move("/api/claims/{id}/approve", "复核: finance (never the reviewer) approves; the claim goes on public notice for the programme's working days", z.object({}));
export const payClaim = move(
  "/api/claims/{id}/pay",
  "Finance pays the claim after its notice ended with no open objection: payable → paid-out once; its bookings settled",
  z.object({ payment_reference: text(128) }).openapi("PayClaim"),
  true,
);
export const rejectClaim = move(
  "/api/claims/{id}/reject",
  "Reject an unpaid claim with a reason: the subsidy goes back to the voucher (or the pool if the voucher ended) and the annual-cap room comes back",
  z.object({ reason: text(1000, { multiline: true }) }).openapi("RejectClaim"),
  true,
);
export const voidClaim = move(
  "/api/claims/{id}/void",
  "Void a claim for fraud: an unpaid one is rejected (money back); a paid one is recorded and flagged, its payment is not undone here",
  z.object({ reason: text(1000, { multiline: true }) }).openapi("VoidClaim"),
  true,
);

export const resolveObjection = defineRoute({
  method: "post",
  path: "/api/claims/{id}/objections/{objection_id}/resolve",
  tags: ["claims"],
  summary: "The agency resolves an open objection with a note; payment waits until none is open",
  request: {
    params: IdParam.extend({ objection_id: RecordId.openapi({ param: { name: "objection_id", in: "path" } }) }),
    ...jsonBody(z.object({ note: text(1000, { multiline: true }) }).openapi("ResolveObjection")),
  },
  responses: { 200: json(ClaimSchema, "Resolved"), ...commonErrors, ...conflictError },
});

export const NoticeSchema = z
  .object({
    claim_id: z.string(),
    programme: z.string(),
    enterprise: z.string(),
    provider: z.string(),
    period_start_on: z.string(),
    period_end_on: z.string(),
    subsidy_fen: Fen,
    notice_starts_on: z.string().nullable(),
    notice_ends_on: z.string().nullable(),
    status: z.enum(CLAIM_STATUSES),
    audit_seq: z.number().int().nullable().openapi({
      description: "Sequence number of the audit event that put the claim on notice: its inclusion proof is GET /api/audit/proofs/inclusion?seq=… once a checkpoint covers it",
    }),
  })
  .openapi("Notice");

/** Names only: letters, digits, spaces and name punctuation (no wildcards or control characters). */
const NameSearch = z.string().max(60).regex(/^[\p{L}\p{N} ._()（）·-]*$/u, "只能包含名称中的文字 / Letters, digits and name punctuation only");

const NoticeQuery = z.object({ q: NameSearch.optional().openapi({ description: "Matches programme, enterprise or provider names" }), ...PageQuery });

export const listNotices = defineRoute({
  method: "get",
  path: "/api/notices",
  tags: ["notices"],
  summary: "Public notice (公示) of approved claims, no login: programme, enterprise, provider, period, subsidy and notice dates",
  request: { query: NoticeQuery },
  responses: { 200: json(z.object({ items: z.array(NoticeSchema), total: z.number().int() }).openapi("NoticePage"), "A page"), ...commonErrors },
});

export const noticesCsv = defineRoute({
  method: "get",
  path: "/api/exports/notices.csv",
  tags: ["notices"],
  summary: "The public notice as CSV (UTF-8 with BOM, for spreadsheet programs), up to 5,000 rows",
  request: { query: z.object({ q: NameSearch.optional() }) },
  responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } }, ...commonErrors },
});

export const objectNotice = defineRoute({
  method: "post",
  path: "/api/notices/{claim_id}/objections",
  tags: ["notices"],
  summary: "Anyone objects to a claim on public notice (no login, rate-limited per address); an open objection stops payment",
  request: {
    params: z.object({ claim_id: RecordId.openapi({ param: { name: "claim_id", in: "path" } }) }),
    ...jsonBody(z.object({ name: text(60), contact: text(120), reason: text(2000, { multiline: true }) }).openapi("Objection")),
  },
  responses: { 201: json(z.object({ id: z.string(), claim_id: z.string(), status: z.literal("open") }), "Recorded and shown to the agency"), ...commonErrors, ...conflictError, ...throttledError },
});
