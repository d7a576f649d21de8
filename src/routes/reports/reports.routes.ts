import { z } from "@hono/zod-openapi";
import { CLAIM_STATUSES } from "../../db/schema/claims";
import { BOOKING_STATUSES } from "../../domain/booking-lifecycle";
import { defineRoute } from "../../lib/route";
import { commonErrors, IdParam, Instant, json, RecordId } from "../common";
import { VOUCHER_STATUSES } from "../vouchers/vouchers.routes";

const Period = {
  from: Instant.optional().openapi({ description: "Inclusive start of the period (default: the beginning)" }),
  to: Instant.optional().openapi({ description: "Exclusive end of the period (default: now)" }),
};
const fromBeforeTo = [
  (q: { from?: string; to?: string }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to),
  { message: "from 须早于 to / from must be before to", path: ["from"] },
] as [(q: { from?: string; to?: string }) => boolean, { message: string; path: string[] }];

/** The filters every report and export takes (docs/reports.md). */
export const ReportQuery = z.object({ programme_id: RecordId.optional(), ...Period }).refine(...fromBeforeTo);
const PeriodQuery = z.object(Period).refine(...fromBeforeTo);

const Count = z.number().int().min(0);
const Ratio = z.number().int().nullable().openapi({ description: "Basis points (10000 = 100%); null when there is nothing to divide by" });

const Ledger = z.object({
  budget_fen: z.number().int(),
  issued_fen: z.number().int(),
  holds_placed_fen: z.number().int(),
  held_fen: z.number().int(),
  settled_fen: z.number().int(),
  holds_released_fen: z.number().int(),
  lapsed_fen: z.number().int(),
  revoked_fen: z.number().int(),
  dispute_reversed_fen: z.number().int(),
  net_subsidy_fen: z.number().int(),
  paid_fen: z.number().int().openapi({ description: "Claims paid out (transfer code payout)" }),
  claim_reversed_fen: z.number().int().openapi({ description: "Rejected claims' subsidy taken back (transfer code claim_reversal)" }),
});

const Delivered = z.object({ bookings: Count, subsidy_fen: z.number().int(), gross_fen: z.number().int(), copay_fen: z.number().int(), subsidy_ratio_bp: Ratio });
const DeliveredRow = Delivered.extend({ key: z.string(), label: z.string() }).openapi("ReportDeliveredRow");
const Applications = z.object({ applied: Count, approved: Count, rejected: Count, pending: Count, withdrawn: Count });

export const ProgrammeSummarySchema = z
  .object({
    programme: z.object({ id: z.string(), name: z.string(), status: z.string() }),
    as_of: z.string().openapi({ description: "The instant the balances describe (held_fen, pool_available_fen, runs_out_on, burn_down): the period's last millisecond, or now when the period runs past now" }),
    ledger: Ledger,
    pool_available_fen: z.number().int().openapi({ description: "The pool's available balance as of as_of, replayed from its transfers" }),
    applications: Applications,
    vouchers: z.object({ issued: Count, active: Count, expired: Count, revoked: Count, face_value_fen: z.number().int() }),
    delivered: Delivered,
    runs_out_on: z.string().nullable().openapi({ description: "Asia/Shanghai date the budget runs out at the net burn of the 30 days up to as_of" }),
  })
  .openapi("ProgrammeSummary");

export const ProgrammeReportSchema = ProgrammeSummarySchema.extend({
  transfers_by_code: z.array(z.object({ code: z.string(), kind: z.string(), count: Count, amount_fen: z.number().int() })),
  applications_by_month: z.array(Applications.extend({ month: z.string() })),
  delivered_by: z.object({ provider: z.array(DeliveredRow), region: z.array(DeliveredRow), category: z.array(DeliveredRow), month: z.array(DeliveredRow) }),
  top_smes: z.array(DeliveredRow),
  top_providers: z.array(DeliveredRow),
  utilisation: z.object({
    from: z.string(),
    to: z.string(),
    offerings: Count,
    booked_unit_hours: z.number(),
    capacity_unit_hours: z.number(),
    booked_of_capacity_bp: Ratio,
    bookings_metered: Count,
    metered_milli: z.number().int(),
    booked_milli: z.number().int(),
    metered_of_booked_bp: Ratio,
  }),
  burn_down: z.object({
    months: z.array(z.object({ month: z.string(), burned_fen: z.number().int(), remaining_fen: z.number().int() })),
    remaining_fen: z.number().int(),
    daily_rate_fen: z.number().int(),
    runs_out_on: z.string().nullable(),
  }),
}).openapi("ProgrammeReport");

const tags = ["reports"];

export const programmeReport = defineRoute({
  method: "get",
  path: "/api/reports/programmes/{id}",
  tags,
  summary: "Where a programme's money went: ledger figures by code, applications, vouchers, delivered subsidy by provider, region, category and month, utilisation and burn-down",
  request: { params: IdParam, query: PeriodQuery },
  responses: { 200: json(ProgrammeReportSchema, "The report"), ...commonErrors },
});

export const overviewReport = defineRoute({
  method: "get",
  path: "/api/reports/overview",
  tags,
  summary: "Headline figures of each of the caller's agency's programmes",
  request: { query: ReportQuery },
  responses: { 200: json(z.object({ items: z.array(ProgrammeSummarySchema) }), "One row per programme"), ...commonErrors },
});

const ExportFields = {
  programme_id: RecordId.optional(),
  ...Period,
  max_rows: z.coerce.number().int().min(1).max(100_000).default(10_000).openapi({ description: "At most this many rows; a last line says when more matched" }),
};
export const ExportQuery = z.object(ExportFields).refine(...fromBeforeTo);

/** Exports whose page filters by status take it too; it only narrows. */
const withStatus = <S extends readonly [string, ...string[]]>(statuses: S) => z.object({ ...ExportFields, status: z.enum(statuses).optional() }).refine(...fromBeforeTo);

/** The bookings export also takes the bookings page's filters. */
export const BookingExportQuery = z
  .object({ ...ExportFields, provider_org_id: RecordId.optional(), sme_org_id: RecordId.optional(), status: z.enum(BOOKING_STATUSES).optional() })
  .refine(...fromBeforeTo);

const exportRoute = <P extends string, Q extends z.ZodObject<any> = typeof ExportQuery>(path: P, what: string, query?: Q, narrowedBy = "") =>
  defineRoute({
    method: "get",
    path,
    tags,
    summary: `${what} of the caller's agency's programmes as CSV (UTF-8 with BOM, streamed; filters as the reports${narrowedBy})`,
    request: { query: (query ?? ExportQuery) as Q },
    responses: { 200: { content: { "text/csv": { schema: z.string() } }, description: "CSV, RFC 4180; text cells that could be formulas start with an apostrophe" }, ...commonErrors },
  });

export const exportVouchers = exportRoute("/api/exports/vouchers.csv", "Vouchers", withStatus(VOUCHER_STATUSES), ", plus status");
export const exportBookings = exportRoute("/api/exports/bookings.csv", "Bookings", BookingExportQuery, ", plus provider, enterprise and status");
export const exportUsage = exportRoute("/api/exports/usage.csv", "Usage events");
export const exportLedgerTransfers = exportRoute("/api/exports/ledger-transfers.csv", "Ledger transfers");
export const exportClaims = exportRoute("/api/exports/claims.csv", "Claims (兑付), by submission time", withStatus(CLAIM_STATUSES), ", plus status");
