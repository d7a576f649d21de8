import { z } from "@hono/zod-openapi";
import { ANOMALY_RULES, ANOMALY_SEVERITIES, ANOMALY_SUBJECTS } from "../../db/schema";
import { defineRoute } from "../../lib/route";
import { isAnomalyCursor } from "../../services/anomaly-flags";
import { commonErrors, conflictError, IdParam, json, jsonBody, RecordId, text } from "../common";

export const MAX_ANOMALY_PAGE = 100;

const EvidenceRowSchema = z
  .object({
    kind: z.enum(["booking", "voucher", "claim", "organisation", "usage_event", "related_party", "user"]),
    id: z.string().openapi({ description: "The row's id; empty when the row belongs to another agency's programme" }),
    label: z.string().openapi({ description: "What a person reads: a name, an offering and date, an invoice number" }),
    role: z.string().optional(),
  })
  .openapi("AnomalyEvidenceRow");

export const AnomalySchema = z
  .object({
    id: z.string(),
    rule: z.enum(ANOMALY_RULES),
    severity: z.enum(ANOMALY_SEVERITIES),
    subject_kind: z.enum(ANOMALY_SUBJECTS),
    subject_id: z.string(),
    programme: z.object({ id: z.string(), name: z.string() }),
    evidence: z.object({
      summary_zh: z.string(),
      summary_en: z.string(),
      rows: z.array(EvidenceRowSchema),
      figures: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    }),
    status: z.enum(["open", "reviewed"]),
    reviewed_by: z.object({ id: z.string(), display_name: z.string() }).nullable(),
    reviewed_at: z.string().nullable(),
    review_note: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Anomaly");

export const AnomalyQuery = z.object({
  programme_id: RecordId.optional(),
  rule: z.enum(ANOMALY_RULES).optional(),
  severity: z.enum(ANOMALY_SEVERITIES).optional(),
  reviewed: z.enum(["true", "false"]).optional().openapi({ description: "true: reviewed only; false: open only; absent: both" }),
  cursor: z
    .string()
    .max(200)
    .refine(isAnomalyCursor, "翻页标记无效，请从第一页重新开始 / Invalid cursor; start again from the first page")
    .optional()
    .openapi({ description: "next_cursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(MAX_ANOMALY_PAGE).default(50),
});

const tags = ["anomalies"];

export const listAnomalies = defineRoute({
  method: "get",
  path: "/api/anomalies",
  tags,
  summary: "Anomaly flags on the caller's agency's programmes, newest first; keyset paging with `cursor`",
  request: { query: AnomalyQuery },
  responses: {
    200: json(z.object({ items: z.array(AnomalySchema), next_cursor: z.string().nullable() }), "A page of flags"),
    ...commonErrors,
  },
});

export const ReviewBody = z.object({ note: text(1000, { multiline: true }) }).openapi("AnomalyReview");

export const reviewAnomaly = defineRoute({
  method: "post",
  path: "/api/anomalies/{id}/review",
  tags,
  summary: "Mark a flag reviewed with a note (once; audited in the same write)",
  request: { params: IdParam, ...jsonBody(ReviewBody) },
  responses: { 200: json(AnomalySchema, "The reviewed flag"), ...commonErrors, ...conflictError },
});
