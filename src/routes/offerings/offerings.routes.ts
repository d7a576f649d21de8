// Offerings: publishing and changing one, the catalogue, one offering, and its free slots.
import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, ErrorSchema, IdParam, Instant, json, jsonBody } from "../common";
import { AcceleratorModel, AccessMode, BookingInTheWay, MAX_OFFSET, MAX_PAGE, MAX_UNIT_PRICE_FEN, SearchWords } from "./offering-fields";
import { OfferingBody, OfferingPatchBody, OfferingSchema } from "./offering.schemas";

export const MAX_AVAILABILITY_DAYS = 62;

const Bool = z.enum(["true", "false"]).transform((v) => v === "true");

export const OfferingListQuery = z.object({
  category: z.enum(["compute", "dataset", "simulation", "platform_service"]).optional(),
  q: SearchWords.optional().openapi({ description: "Words in the name or description" }),
  accelerator_model: AcceleratorModel.optional(),
  domestic: Bool.optional(),
  access_mode: AccessMode.optional(),
  provider_org_id: z.string().regex(/^[a-z]+_[a-z2-7]+$/).max(64).optional(),
  max_unit_price_fen: z.coerce.number().int().min(0).max(MAX_UNIT_PRICE_FEN).optional(),
  covered_by_voucher: z
    .string()
    .regex(/^[a-z]+_[a-z2-7]+$/)
    .max(64)
    .optional()
    .openapi({ description: "An SME's own voucher: only offerings it could subsidise now (category, region, the agency's approval of the provider; the quote decides caps and related parties)" }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0),
});

export const AvailabilityQuery = z.object({
  from: Instant.optional().openapi({ description: "Default: now" }),
  to: Instant.optional().openapi({ description: `Default: 7 days after from; at most ${MAX_AVAILABILITY_DAYS} days after it` }),
});

export const createOffering = defineRoute({
  method: "post",
  path: "/api/offerings",
  tags: ["offerings"],
  summary: "Publish an offering (approved providers), or save it as a draft (any provider)",
  request: jsonBody(OfferingBody),
  responses: { 201: json(OfferingSchema, "Published"), ...commonErrors, ...conflictError },
});

export const updateOffering = defineRoute({
  method: "patch",
  path: "/api/offerings/{id}",
  tags: ["offerings"],
  summary: "Change an offering: price, capacity, hours, status… A capacity cut below booked slots is refused with the bookings in the way, or cancels them with force",
  description:
    "status \"paused\" only stops new bookings: existing bookings stay and run as booked. status \"retired\" is for good: " +
    "while bookings are requested, confirmed or in use and not yet ended it is refused (409 retire_over_bookings, details.bookings); " +
    "with force: true the ones not yet started are cancelled with notice and their voucher holds voided, and bookings in use are never cancelled (409 bookings_in_progress).",
  request: { params: IdParam, ...jsonBody(OfferingPatchBody) },
  responses: {
    200: json(z.object({ offering: OfferingSchema, cancelled_bookings: z.array(BookingInTheWay) }), "Changed"),
    422: json(ErrorSchema, "A field that does not fit the offering"),
    ...commonErrors,
    ...conflictError,
  },
});

export const listOfferings = defineRoute({
  method: "get",
  path: "/api/offerings",
  tags: ["offerings"],
  summary: "Published offerings of approved providers (and your own), filtered, one bounded page",
  request: { query: OfferingListQuery },
  responses: {
    200: json(z.object({ items: z.array(OfferingSchema), limit: z.number(), offset: z.number(), has_more: z.boolean() }), "A page"),
    ...commonErrors,
  },
});

export const getOffering = defineRoute({
  method: "get",
  path: "/api/offerings/{id}",
  tags: ["offerings"],
  summary: "One offering with its upcoming blackouts",
  request: { params: IdParam },
  responses: {
    200: json(
      OfferingSchema.extend({
        blackouts: z.array(z.object({ id: z.string(), starts_at: z.string(), ends_at: z.string(), reason: z.string() })),
      }),
      "The offering",
    ),
    ...commonErrors,
  },
});

export const SlotSchema = z.object({
  starts_at: z.string(),
  ends_at: z.string(),
  capacity_units: z.number(),
  booked_units: z.number(),
  free_units: z.number(),
  state: z.enum(["open", "full", "closed", "blackout", "too_soon"]),
});

export const getAvailability = defineRoute({
  method: "get",
  path: "/api/offerings/{id}/availability",
  tags: ["offerings"],
  summary: `Free units per slot over a window of at most ${MAX_AVAILABILITY_DAYS} days (times in Asia/Shanghai)`,
  request: { params: IdParam, query: AvailabilityQuery },
  responses: {
    200: json(z.object({ offering_id: z.string(), slot_minutes: z.number(), from: z.string(), to: z.string(), slots: z.array(SlotSchema) }), "Slots"),
    422: json(ErrorSchema, "A window that is empty or too long"),
    ...commonErrors,
  },
});
