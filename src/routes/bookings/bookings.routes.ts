import { z } from "@hono/zod-openapi";
import { BOOKING_STATUSES } from "../../domain/booking-lifecycle";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, ErrorSchema, Fen, IdempotencyHeaders, IdParam, Instant, json, jsonBody, PageQuery, RecordId, text } from "../common";
import { MAX_CAPACITY_UNITS } from "../offerings/offering-fields";

export const BookingRequestFields = {
  offering_id: RecordId,
  quantity: z.number().int().min(1).max(MAX_CAPACITY_UNITS).openapi({ description: "Units used at once in every slot (cards, nodes, seats, sessions)" }),
  starts_at: Instant.openapi({ description: "On a slot boundary: the hour, or 00:00 Asia/Shanghai for daily slots" }),
  ends_at: Instant.openapi({ description: "Start + a whole number of pricing units" }),
  voucher_id: RecordId.optional().openapi({ description: "Pay part with this voucher; leave out to pay full price" }),
};

export const BookingBody = z
  .object({
    ...BookingRequestFields,
    max_copay_fen: Fen.optional().openapi({ description: "Refuse (409 quote_changed) rather than book if the co-pay came out higher than this" }),
  })
  .openapi("NewBooking");

const unprocessableError = { 422: json(ErrorSchema, "A range or amount the offering cannot take") };

export const QuoteSchema = z
  .object({
    offering_id: z.string(),
    offering_name: z.string(),
    provider_org_id: z.string(),
    unit: z.string(),
    unit_price_fen: z.number(),
    quantity: z.number(),
    duration_units: z.number(),
    starts_at: z.string(),
    ends_at: z.string(),
    gross_fen: z.number(),
    subsidy_fen: z.number(),
    copay_fen: z.number(),
    subsidy: z
      .object({
        voucher_id: z.string(),
        programme_id: z.string(),
        programme_version: z.number(),
        ratio_bp: z.number(),
        tier: z.string().nullable(),
        full_coverage: z.boolean(),
        limits: z.array(z.object({ name: z.string(), fen: z.number() })),
        binding_limit: z.string(),
        zero_subsidy_reason: z.string().nullable(),
        per_booking_cap_fen: z.number().nullable(),
        annual_subsidy_cap_fen: z.number().nullable().openapi({ description: "Most subsidy per enterprise per calendar year; null = no cap" }),
        annual_subsidy_used_fen: z.number(),
        annual_subsidy_remaining_fen: z.number().nullable(),
        cap_year: z.number(),
        voucher_available_fen: z.number(),
        voucher_expires_at: z.string(),
        programme_budget_left_fen: z.number(),
      })
      .nullable(),
    capacity: z.object({ available: z.boolean(), problem: z.string().optional(), slot_start_at: z.string().optional(), free_units: z.number().optional() }),
    quoted_at: z.string(),
  })
  .openapi("Quote");

export const BookingSchema = z
  .object({
    id: z.string(),
    offering_id: z.string(),
    provider_org_id: z.string(),
    sme_org_id: z.string(),
    created_by: z.string(),
    quantity: z.number(),
    starts_at: z.string(),
    ends_at: z.string(),
    status: z.enum(BOOKING_STATUSES),
    status_reason: z.string().nullable(),
    gross_fen: z.number(),
    subsidy_fen: z.number(),
    copay_fen: z.number(),
    voucher_id: z.string().nullable(),
    programme_id: z.string().nullable(),
    programme_version: z.number().nullable(),
    hold_transfer_id: z.string().nullable(),
    cap_year: z.number().nullable(),
    confirm_by_at: z.string().nullable(),
    delivered_subsidy_fen: z.number().nullable(),
    delivered_gross_fen: z.number().nullable().openapi({ description: "Settled on metered usage: unit price × metered quantity, rounded down (beside the quoted gross_fen)" }),
    delivered_copay_fen: z.number().nullable(),
    delivered_quantity_milli: z.number().nullable().openapi({ description: "Metered quantity settled, in thousandths of the offering's unit" }),
    delivered_at: z.string().nullable(),
    confirmation_state: z.enum(["pending", "confirmed", "disputed"]).nullable().openapi({ description: "After delivery: pending until the SME confirms, disputes, or the window passes (silence confirms)" }),
    confirm_delivery_by_at: z.string().nullable(),
    dispute_reason: z.string().nullable(),
    dispute_resolution: z.enum(["upheld", "dismissed"]).nullable(),
    slurm_account: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    quote: QuoteSchema,
  })
  .openapi("Booking");

/** A booking as lists and details show it: with the counterparts' names, so no one reads others' organisations. */
export const NamedBookingSchema = BookingSchema.extend({
  sme_name: z.string(),
  provider_name: z.string(),
  programme_name: z.string().nullable().openapi({ description: "The voucher's programme; null when booked without a voucher" }),
  may_start_now: z.boolean().openapi({ description: "Confirmed and its start has come by the server's clock: the provider may mark it in use now" }),
}).openapi("NamedBooking");

export const createBooking = defineRoute({
  method: "post",
  path: "/api/bookings",
  tags: ["bookings"],
  summary: "Book: in one atomic write, take the units in every slot and place the voucher hold (money: takes an Idempotency-Key)",
  request: { headers: IdempotencyHeaders, ...jsonBody(BookingBody) },
  responses: { 201: json(BookingSchema, "Booked (requested, or confirmed when the offering needs no confirmation)"), ...commonErrors, ...conflictError, ...unprocessableError },
});

export const BookingListQuery = z
  .object({
    status: z.enum(BOOKING_STATUSES).optional(),
    offering_id: RecordId.optional(),
    // Narrowing filters (agency staff across their programmes): they never widen what the caller sees.
    programme_id: RecordId.optional(),
    provider_org_id: RecordId.optional(),
    sme_org_id: RecordId.optional(),
    from: Instant.optional().openapi({ description: "Bookings starting at or after this instant" }),
    to: Instant.optional().openapi({ description: "Bookings starting before this instant" }),
    ...PageQuery,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "from 须早于 to / from must be before to", path: ["from"] });

export const listBookings = defineRoute({
  method: "get",
  path: "/api/bookings",
  tags: ["bookings"],
  summary: "Bookings: an SME's own, a provider's offerings', an agency's programmes' (newest first)",
  request: { query: BookingListQuery },
  responses: { 200: json(z.object({ items: z.array(NamedBookingSchema), limit: z.number(), offset: z.number(), has_more: z.boolean() }), "A page"), ...commonErrors },
});

export const getBooking = defineRoute({
  method: "get",
  path: "/api/bookings/{id}",
  tags: ["bookings"],
  summary: "One booking with the quote it was made on",
  request: { params: IdParam },
  responses: { 200: json(NamedBookingSchema, "The booking"), ...commonErrors },
});

const Reason = z.object({ reason: text(500, { multiline: true }).optional() });
const RequiredReason = z.object({ reason: text(500, { multiline: true }) });

/** Path as a literal type, so Hono's typed client (web/) keeps one entry per route. */
const move = <P extends string, B extends z.ZodType>(path: P, summary: string, body: B, money: boolean) =>
  defineRoute({
    method: "post",
    path,
    tags: ["bookings"],
    summary: money ? `${summary} (money: takes an Idempotency-Key)` : summary,
    request: { params: IdParam, ...(money ? { headers: IdempotencyHeaders } : {}), ...jsonBody(body) },
    responses: { 200: json(BookingSchema, "Moved"), ...commonErrors, ...conflictError, ...unprocessableError },
  });

export const cancelBooking = move("/api/bookings/{id}/cancel", "The SME cancels before the offering's notice period: units back, hold voided", Reason, true);
export const confirmBooking = move("/api/bookings/{id}/confirm", "The provider confirms a requested booking before its deadline", z.object({}), false);
export const rejectBooking = move("/api/bookings/{id}/reject", "The provider rejects a requested booking, with a reason: units back, hold voided", RequiredReason, true);
export const startBooking = move("/api/bookings/{id}/start", "The provider marks a confirmed booking in use (from its start)", z.object({}), false);
export const deliverBooking = move(
  "/api/bookings/{id}/deliver",
  "The provider marks it delivered (from its start): settled on the metered usage — the hold is posted for the subsidy on the metered gross (≤ held), the rest returns to the voucher",
  z.object({
    delivered_gross_fen: Fen.optional().openapi({ description: "Optional cross-check: the gross the provider expects; refused (409 delivered_gross_mismatch) unless it equals the metered gross. The amount settled is always the metered one." }),
  }),
  true,
);
export const confirmDelivery = move("/api/bookings/{id}/confirm-delivery", "The SME confirms the delivery as settled", z.object({}), false);
export const disputeDelivery = move("/api/bookings/{id}/dispute", "The SME disputes the delivery within the confirmation window, with a reason; no claim until the agency resolves it", RequiredReason, false);
export const ResolveDisputeBody = z
  .object({
    decision: z.enum(["uphold", "dismiss"]),
    corrected_quantity_milli: z.number().int().min(0).max(1e12).optional().openapi({ description: "Uphold: the metered quantity that stands, in thousandths of the unit (≤ metered)" }),
    note: text(500),
  })
  .openapi("ResolveDispute");
export const resolveDispute = move(
  "/api/bookings/{id}/resolve-dispute",
  "The programme's agency resolves a dispute: dismiss (confirmed as delivered) or uphold with the corrected quantity (usage corrected, settlement redone by reversal transfers)",
  ResolveDisputeBody,
  true,
);
export const setSlurmAccount = move(
  "/api/bookings/{id}/slurm-account",
  "The provider names the Slurm account whose jobs are this booking's usage (sacct imports), or clears it with null",
  z.object({ slurm_account: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "1–64 letters, digits, . _ -").nullable() }),
  false,
);

// Changes the SME makes to its own booking (docs/booking-changes.md).
const ChangeResponse = z
  .object({
    kind: z.enum(["extend", "reschedule"]),
    before: z.object({ starts_at: z.string(), ends_at: z.string(), gross_fen: z.number(), subsidy_fen: z.number(), copay_fen: z.number() }),
    quote: QuoteSchema,
    copay_change_fen: z.number().openapi({ description: "New co-pay minus the current one (negative: less to pay)" }),
    subsidy_change_fen: z.number().openapi({ description: "New voucher hold minus the current one" }),
  })
  .openapi("BookingChangeQuote");

export const ChangeQuoteQuery = z
  .object({
    kind: z.enum(["extend", "reschedule"]),
    starts_at: Instant.optional().openapi({ description: "Reschedule: the new start (an extension keeps the start)" }),
    ends_at: Instant,
  })
  .refine((q) => q.kind === "extend" || q.starts_at !== undefined, { message: "改期须给出新的开始时间 / A reschedule needs the new start", path: ["starts_at"] });

export const quoteBookingChange = defineRoute({
  method: "get",
  path: "/api/bookings/{id}/change-quote",
  tags: ["bookings"],
  summary: "The SME's quote for extending or rescheduling its booking: re-priced under the programme's current rules, with capacity as it stands now",
  request: { params: IdParam, query: ChangeQuoteQuery },
  responses: { 200: json(ChangeResponse, "What the change would cost; quote.capacity says whether the slots are free"), ...commonErrors, ...conflictError, ...unprocessableError },
});

const MaxCopay = Fen.optional().openapi({ description: "Refuse (409 quote_changed) rather than change if the new co-pay came out higher than this" });

export const extendBooking = move(
  "/api/bookings/{id}/extend",
  "The SME extends a booking that has not ended to a later end: the added slots and the grown voucher hold in one atomic write, re-quoted",
  z.object({ ends_at: Instant, max_copay_fen: MaxCopay }).openapi("BookingExtension"),
  true,
);

export const rescheduleBooking = move(
  "/api/bookings/{id}/reschedule",
  "The SME moves a booking that has not started, until the offering's cancellation notice: new slots taken and old released with the hold adjusted, in one atomic write, re-quoted",
  z.object({ starts_at: Instant, ends_at: Instant, max_copay_fen: MaxCopay }).openapi("BookingReschedule"),
  true,
);

export const bookingHistory = defineRoute({
  method: "get",
  path: "/api/bookings/{id}/history",
  tags: ["bookings"],
  summary: "A booking's status history from the audit log: each move and change, when and by which organisation",
  request: { params: IdParam },
  responses: {
    200: json(
      z.object({
        items: z.array(
          z.object({
            at: z.string(),
            action: z.string(),
            actor_org_name: z.string().nullable(),
            status: z.string().nullable(),
            reason: z.string().nullable(),
            change: z
              .object({ from: z.object({ starts_at: z.string(), ends_at: z.string() }), to: z.object({ starts_at: z.string(), ends_at: z.string() }), gross_fen: z.number(), subsidy_fen: z.number(), copay_fen: z.number() })
              .nullable(),
          }),
        ),
      }),
      "Oldest first",
    ),
    ...commonErrors,
  },
});

export const bookingCalendar = defineRoute({
  method: "get",
  path: "/api/bookings/{id}/calendar.ics",
  tags: ["bookings"],
  summary: "The booking as an iCalendar file (RFC 5545): times in UTC, the offering and provider named",
  request: { params: IdParam },
  responses: { 200: { content: { "text/calendar": { schema: z.string() } }, description: "text/calendar; charset=utf-8" }, ...commonErrors },
});
