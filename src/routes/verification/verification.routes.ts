import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { CalendarDate, commonErrors, conflictError, CreditCode, IdParam, json, jsonBody, RegionCode, text } from "../common";
import { OrganisationSchema, VerificationSummarySchema } from "../auth/auth.routes";
import { FileSchema } from "../files/files.routes";

const SizeClass = z.enum(["micro", "small", "medium", "large"]);

export const RegistrantSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["sme", "provider", "agency", "platform"]),
    name: z.string(),
    verification_state: z.enum(["unverified", "submitted", "verified", "rejected"]),
    verification_reason: z.string().nullable(),
    created_at: z.string(),
    registered_first: z.boolean(),
  })
  .openapi("CreditCodeRegistrant");

export const VerificationRequestSchema = z
  .object({
    organisation: OrganisationSchema,
    verification: VerificationSummarySchema,
    verified_by: z.string().nullable().openapi({ description: "The user who last decided (verified or rejected); null for the operator or before verification existed" }),
    licences: z.array(FileSchema).openapi({ description: "Business licences uploaded, newest first (at most 10)" }),
    registrants: z
      .array(RegistrantSchema)
      .nullable()
      .openapi({ description: "For agency reviewers: every organisation registered with this credit code, first registrant first (null for the organisation itself)" }),
  })
  .openapi("VerificationRequest");

export const SubmitBody = z
  .object({
    name: text(200).optional(),
    region_code: RegionCode.optional(),
    size_class: SizeClass.optional(),
    founded_on: CalendarDate.optional(),
  })
  .openapi("VerificationSubmission", { description: "Facts to correct before submitting (as on the licence); the credit code is corrected only by the verifier" });

export const VerifyBody = z
  .object({
    credit_code: CreditCode,
    name: text(200),
    region_code: RegionCode,
    size_class: SizeClass,
    founded_on: CalendarDate,
    note: text(500).optional(),
    supersede: z.boolean().default(false).openapi({ description: "Also demote an organisation already verified for this credit code (a squatter verified by mistake)" }),
  })
  .openapi("Verification", { description: "The facts as checked against the licence (corrected where the declaration was wrong)" });

export const RejectBody = z.object({ reason: text(500) }).openapi("VerificationRejection");

export const getVerification = defineRoute({
  method: "get",
  path: "/api/organisations/{id}/verification",
  tags: ["verification"],
  summary: "An organisation's verification request: its facts, licences, state, and (for reviewers) everyone registered with its credit code",
  request: { params: IdParam },
  responses: { 200: json(VerificationRequestSchema, "The request"), ...commonErrors },
});

export const submitVerification = defineRoute({
  method: "post",
  path: "/api/organisations/{id}/verification/submit",
  tags: ["verification"],
  summary: "Submit your organisation's facts and business licence for verification",
  request: { params: IdParam, ...jsonBody(SubmitBody) },
  responses: { 200: json(VerificationRequestSchema, "Submitted"), ...commonErrors, ...conflictError },
});

export const verifyOrganisation = defineRoute({
  method: "post",
  path: "/api/organisations/{id}/verification/verify",
  tags: ["verification"],
  summary: "Verify a submitted organisation's facts (corrected where needed); others registered with its credit code are rejected",
  request: { params: IdParam, ...jsonBody(VerifyBody) },
  responses: { 200: json(VerificationRequestSchema, "Verified"), ...commonErrors, ...conflictError },
});

export const rejectVerification = defineRoute({
  method: "post",
  path: "/api/organisations/{id}/verification/reject",
  tags: ["verification"],
  summary: "Reject a submitted verification, with the reason the organisation reads",
  request: { params: IdParam, ...jsonBody(RejectBody) },
  responses: { 200: json(VerificationRequestSchema, "Rejected"), ...commonErrors, ...conflictError },
});

export const listVerificationRequests = defineRoute({
  method: "get",
  path: "/api/verification-requests",
  tags: ["verification"],
  summary: "Submitted verifications this agency may decide: SMEs that applied to its programmes, and providers",
  responses: {
    200: json(z.object({ items: z.array(OrganisationSchema.extend({ verification_submitted_at: z.string().nullable() })) }), "Oldest submission first (at most 200)"),
    ...commonErrors,
  },
});
