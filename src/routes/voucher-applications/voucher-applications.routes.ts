import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, Fen, IdempotencyHeaders, IdParam, json, jsonBody, PageQuery, RecordId, PositiveFen, text } from "../common";
import { VoucherSchema } from "../vouchers/vouchers.routes";

const ApplicationStatus = z.enum(["pending", "approved", "rejected", "withdrawn"]);

export const CriterionSchema = z
  .object({
    name: z.enum(["programme_open", "application_window", "region", "size_class", "credit_status", "per_draw_limit", "annual_issuance_quota", "budget"]),
    ok: z.boolean(),
    reason: z.string().openapi({ description: "中文 / English, naming the numbers that decided it" }),
    region_code: z.string().optional().openapi({ description: "region only (absent when the programme is cross-region): the enterprise's 6-digit code, to name the place in the reader's language" }),
    eligible_region_prefixes: z.array(z.string()).optional().openapi({ description: "region only: the programme's eligible region prefixes" }),
    size_class: z.enum(["micro", "small", "medium", "large"]).optional().openapi({ description: "size_class only: the enterprise's size class" }),
    eligible_size_classes: z.array(z.enum(["micro", "small", "medium", "large"])).optional().openapi({ description: "size_class only: the classes the programme accepts" }),
  })
  .openapi("EligibilityCriterion");

export const EligibilitySchema = z
  .object({
    eligible: z.boolean(),
    criteria: z.array(CriterionSchema),
    max_grantable_fen: Fen.openapi({ description: "min(per-draw limit, annual cap left, budget left) when checked" }),
    checked_on: z.string().openapi({ description: "Day of the check, Asia/Shanghai" }),
    programme_version: z.number().int(),
  })
  .openapi("Eligibility");

export const ApplicationSchema = z
  .object({
    id: z.string(),
    programme_id: z.string(),
    programme_version: z.number().int(),
    sme_org_id: z.string(),
    applicant_user_id: z.string(),
    requested_fen: Fen,
    purpose: z.string(),
    status: ApplicationStatus,
    eligibility: EligibilitySchema,
    approved_fen: Fen.nullable(),
    decision_reason: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_at: z.string().nullable(),
    voucher_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("VoucherApplication");

export const ApplyBody = z
  .object({ programme_id: RecordId, requested_fen: PositiveFen, purpose: text(1000, { multiline: true }) })
  .openapi("VoucherApplicationRequest");

export const ApproveBody = z
  .object({
    approved_fen: PositiveFen.optional().openapi({ description: "Defaults to the amount requested; may be smaller, never larger" }),
    note: text(500, { multiline: true }).optional(),
  })
  .openapi("VoucherApproval");

export const RejectBody = z.object({ reason: text(500, { multiline: true }) }).openapi("VoucherRejection");

const tags = ["voucher-applications"];

export const checkProgrammeEligibility = defineRoute({
  method: "get",
  path: "/api/programmes/{id}/eligibility",
  tags,
  summary: "Dry run before the application form: whether the signed-in enterprise could apply to this programme today, criterion by criterion (the rules the submission applies; no amount yet, so the amount criteria ask whether anything could be granted)",
  request: { params: IdParam },
  responses: { 200: json(EligibilitySchema, "The verdict and its reasons; max_grantable_fen is 0 unless something could be granted"), ...commonErrors },
});

export const applyForVoucher = defineRoute({
  method: "post",
  path: "/api/voucher-applications",
  tags,
  summary: "Apply to a programme for a voucher; eligibility is checked and explained criterion by criterion",
  request: jsonBody(ApplyBody),
  responses: {
    201: json(ApplicationSchema, "Eligible: the application awaits an agency reviewer"),
    ...commonErrors,
    ...conflictError,
    422: json(z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.object({ eligibility: EligibilitySchema }) }) }), "Not eligible; details.eligibility says why"),
  },
});

/** An application as lists and details show it: with the applicant's and the programme's names. */
export const NamedApplicationSchema = ApplicationSchema.extend({
  sme_name: z.string(),
  programme_name: z.string(),
  decided_by_name: z.string().nullable().openapi({ description: "Display name of whoever decided it (the reviewer) or withdrew it (the enterprise's user); null while pending. Enterprises read only their own people's names, never the agency reviewers'" }),
}).openapi("NamedVoucherApplication");

export const listApplications = defineRoute({
  method: "get",
  path: "/api/voucher-applications",
  tags,
  summary: "Applications: an SME's own, or those to the caller's agency's programmes",
  request: { query: z.object({ status: ApplicationStatus.optional(), programme_id: RecordId.optional(), ...PageQuery }) },
  responses: { 200: json(z.object({ items: z.array(NamedApplicationSchema), limit: z.number(), offset: z.number() }), "Applications"), ...commonErrors },
});

export const getApplication = defineRoute({
  method: "get",
  path: "/api/voucher-applications/{id}",
  tags,
  summary: "One application with its eligibility explanation",
  request: { params: IdParam },
  responses: { 200: json(NamedApplicationSchema, "The application"), ...commonErrors },
});

export const approveApplication = defineRoute({
  method: "post",
  path: "/api/voucher-applications/{id}/approve",
  tags,
  summary: "Approve (possibly for less) and issue the voucher from the programme's pool (money: takes an Idempotency-Key)",
  request: { params: IdParam, headers: IdempotencyHeaders, ...jsonBody(ApproveBody) },
  responses: {
    200: json(z.object({ application: ApplicationSchema, voucher: VoucherSchema }), "Approved; the voucher is issued"),
    ...commonErrors,
    ...conflictError,
  },
});

export const rejectApplication = defineRoute({
  method: "post",
  path: "/api/voucher-applications/{id}/reject",
  tags,
  summary: "Reject with a reason the enterprise will read",
  request: { params: IdParam, ...jsonBody(RejectBody) },
  responses: { 200: json(ApplicationSchema, "Rejected"), ...commonErrors, ...conflictError },
});

export const WithdrawBody = z.object({ reason: text(500, { multiline: true }).optional() }).openapi("VoucherApplicationWithdrawal");

export const withdrawApplication = defineRoute({
  method: "post",
  path: "/api/voucher-applications/{id}/withdraw",
  tags,
  summary: "The applying enterprise withdraws its application while it is still pending (nothing was issued)",
  request: { params: IdParam, ...jsonBody(WithdrawBody) },
  responses: { 200: json(ApplicationSchema, "Withdrawn"), ...commonErrors, ...conflictError },
});
