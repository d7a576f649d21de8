import { z } from "@hono/zod-openapi";
import { MAX_USAGE_BATCH, MAX_QUANTITY_MILLI, USAGE_REFUSALS } from "../../domain/usage";
import { MAX_EVENT_ID_LENGTH, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_REASON_LENGTH } from "../../domain/usage-files";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, ErrorSchema, IdParam, Instant, json, jsonBody, RecordId, text } from "../common";

export const UsageEventBody = z.object({
  event_id: text(MAX_EVENT_ID_LENGTH).openapi({ description: "The provider's own id for this usage; a replay with the same id and payload counts once" }),
  booking_id: RecordId,
  period_start: Instant,
  period_end: Instant,
  quantity_milli: z
    .number()
    .int()
    .min(-MAX_QUANTITY_MILLI)
    .max(MAX_QUANTITY_MILLI)
    .refine((q) => q !== 0, "用量不能为零 / The quantity cannot be zero")
    .openapi({ description: "Thousandths of the offering's unit (1.5 card-hours = 1500); negative for a correction, which needs a reason" }),
  reason: text(MAX_REASON_LENGTH).optional(),
});

const UsageBatchBody = z.object({ events: z.array(UsageEventBody).min(1).max(MAX_USAGE_BATCH) }).openapi("UsageBatch");

const UsageResult = z
  .object({
    accepted: z.number().int(),
    duplicate: z.number().int(),
    refused: z.number().int(),
    results: z.array(
      z.object({
        event_id: z.string(),
        result: z.enum(["accepted", "duplicate", "refused"]),
        code: z.enum(Object.keys(USAGE_REFUSALS) as [keyof typeof USAGE_REFUSALS]).optional(),
        message: z.string().optional(),
      }),
    ),
  })
  .openapi("UsageResult");

export const recordUsage = defineRoute({
  method: "post",
  path: "/api/usage",
  tags: ["usage"],
  summary: `Report usage for your bookings: up to ${MAX_USAGE_BATCH} events in one atomic write; each is accepted, a duplicate (same event id and payload) or refused with a reason`,
  request: jsonBody(UsageBatchBody),
  responses: { 200: json(UsageResult, "How each event was taken"), ...commonErrors, ...conflictError },
});

const ImportQuery = z.object({
  format: z.enum(["csv", "slurm"]).optional().openapi({ description: "Default: sniffed from the header (a `|`-separated header with JobID is Slurm)" }),
});

const LineProblem = z.object({ line: z.number().int(), reason: z.string() });

export const importUsage = defineRoute({
  method: "post",
  path: "/api/usage/import",
  tags: ["usage"],
  summary: `Import usage from a file (≤ 20 MB, ≤ ${MAX_IMPORT_ROWS} rows): CSV event_id,booking_id,period_start,period_end,quantity[,reason], or Slurm \`sacct -P --format=JobID,Account,Start,End,ElapsedRaw,AllocTRES,State\`. A file with bad rows records nothing`,
  request: {
    query: ImportQuery,
    body: { content: { "text/csv": { schema: z.string().max(MAX_IMPORT_BYTES) }, "text/plain": { schema: z.string().max(MAX_IMPORT_BYTES) } }, required: true },
  },
  responses: {
    200: json(
      z
        .object({
          format: z.enum(["csv", "slurm"]),
          rows: z.number().int(),
          accepted: z.number().int(),
          duplicate: z.number().int(),
          chunks: z.number().int(),
          steps_skipped: z.number().int().openapi({ description: "Slurm job steps (.batch, .extern, .0 …), counted in their allocation" }),
          skipped: z.array(LineProblem).openapi({ description: "Rows not billable (running or never-run jobs), first 200" }),
          skipped_count: z.number().int(),
        })
        .openapi("UsageImport"),
      "Recorded",
    ),
    ...commonErrors,
    ...conflictError,
    422: json(ErrorSchema, "Bad rows: details.bad_rows lists line and reason (first 200), details.bad_row_count all of them; nothing was recorded"),
  },
});

export const bookingUsage = defineRoute({
  method: "get",
  path: "/api/bookings/{id}/usage",
  tags: ["usage"],
  summary: "A booking's metered usage against what was booked, by day (Asia/Shanghai)",
  request: { params: IdParam },
  responses: {
    200: json(
      z
        .object({
          booking_id: z.string(),
          unit: z.string(),
          booked_milli: z.number().int(),
          metered_milli: z.number().int(),
          events: z.number().int(),
          days: z.array(z.object({ on: z.string(), booked_milli: z.number().int(), metered_milli: z.number().int(), events: z.number().int() })),
        })
        .openapi("BookingUsage"),
      "Booked (estimated) and metered (confirmed) usage, kept apart",
    ),
    ...commonErrors,
  },
});
