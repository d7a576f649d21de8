import { z } from "@hono/zod-openapi";
import { BOOKING_STATUSES } from "../../domain/booking-lifecycle";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, ErrorSchema, Fen, IdempotencyHeaders, IdParam, Instant, json, jsonBody, PageQuery, RecordId, text } from "../common";
import { MAX_CAPACITY_UNITS } from "../offerings/offerings.routes";

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
        annual_cap_fen: z.number(),
        annual_used_fen: z.number(),
        annual_cap_remaining_fen: z.number(),
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
}).openapi("NamedBooking");

export const createBooking = defineRoute({
  method: "post",
  path: "/api/bookings",
  tags: ["bookings"],
  summary: "Book: in one atomic write, take the units in every slot and place the voucher hold (money: takes an Idempotency-Key)",
  request: { headers: IdempotencyHeaders, ...jsonBody(BookingBody) },
  responses: { 201: json(BookingSchema, "Booked (requested, or confirmed when the offering needs no confirmation)"), ...commonErrors, ...conflictError, ...unprocessableError },
});

export const BookingListQuery = z.object({
  status: z.enum(BOOKING_STATUSES).optional(),
  offering_id: RecordId.optional(),
  ...PageQuery,
});

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
  "The provider marks it delivered: the hold is settled for the subsidy on the delivered amount (≤ held), the rest returns to the voucher",
  z.object({ delivered_gross_fen: Fen.optional().openapi({ description: "What was actually delivered, at the booked price; default the whole booking" }) }),
  true,
);
