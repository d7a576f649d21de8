import { z } from "@hono/zod-openapi";
import { MAX_BOOKING_MINUTES, WeeklyHoursSchema } from "../../domain/slots";
import { defineRoute } from "../../lib/route";
import { CalendarDate, commonErrors, conflictError, ErrorSchema, IdParam, Instant, json, jsonBody, text } from "../common";

export const MAX_UNIT_PRICE_FEN = 1_000_000_000;
export const MAX_CAPACITY_UNITS = 100_000;
const MAX_NOTICE_MINUTES = 30 * 24 * 60;
export const MAX_PAGE = 100;
export const MAX_OFFSET = 10_000;
export const MAX_AVAILABILITY_DAYS = 62;
export const MAX_BLACKOUT_DAYS = 92;

/** Search words: letters of any script, digits, spaces and - _ . · (no operators to escape). */
const SearchWords = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}\s\-_.·]+$/u, "搜索词只含文字、数字、空格和 -_.· / Search words are letters, digits, spaces and -_.·");
/** Accelerator model names are ASCII: "Ascend 910B", "H800", "A100-80G". */
export const AcceleratorModel = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 .\-_]*$/, "加速卡型号只含字母、数字、空格和 .-_ / A model name is letters, digits, spaces and .-_");

const Minutes = z.number().int().min(0).max(MAX_NOTICE_MINUTES);
const DurationUnits = z.number().int().min(1).max(10_000);

/** Fields every category has; defaults make a small offering easy to publish. */
const common = {
  name: text(200),
  description: text(4000, { multiline: true, allowEmpty: true }).default(""),
  unit_price_fen: z.number().int().min(0).max(MAX_UNIT_PRICE_FEN).openapi({ description: "Price of one unit (e.g. one card-hour), in fen" }),
  capacity_units: z.number().int().min(0).max(MAX_CAPACITY_UNITS).openapi({ description: "Units usable at once (cards, nodes, seats, sessions)" }),
  min_duration_units: DurationUnits.default(1),
  max_duration_units: DurationUnits.optional().openapi({ description: "Default: as many units as fit in a year" }),
  lead_time_minutes: Minutes.default(0),
  cancellation_notice_minutes: Minutes.default(0),
  requires_confirmation: z.boolean().default(false),
  weekly_hours: WeeklyHoursSchema.nullable()
    .default(null)
    .openapi({ description: 'Bookable hours per ISO weekday in Asia/Shanghai, e.g. {"1": [[9, 18]]}; null = around the clock' }),
  status: z
    .enum(["active", "paused", "draft"])
    .default("active")
    .openapi({ description: "draft: saved but not published (not bookable, not in search); any provider may save one, publishing needs approval" }),
};

const SensitivityLevel = z.enum(["public", "internal", "sensitive"]);
const AccessMode = z.enum(["download", "sandbox"]).openapi({ description: "sandbox = 可用不可见 (usable but not visible)" });

const ComputeOffering = z.object({
  category: z.literal("compute"),
  ...common,
  unit: z.enum(["card_hour", "node_hour"]),
  accelerator_model: AcceleratorModel.openapi({ example: "Ascend 910B" }),
  cards_per_node: z.number().int().min(1).max(64),
  domestic: z.boolean().openapi({ description: "国产 (domestic) accelerators" }),
});
const DatasetOffering = z.object({
  category: z.literal("dataset"),
  ...common,
  unit: z.enum(["seat_day", "licence_month"]),
  licence_terms: text(4000, { multiline: true }),
  access_mode: AccessMode,
  sensitivity_level: SensitivityLevel,
});
const SimulationOffering = z.object({ category: z.literal("simulation"), ...common, unit: z.literal("session_hour") });
const PlatformServiceOffering = z.object({
  category: z.literal("platform_service"),
  ...common,
  unit: text(30).regex(/^[\p{L}\p{N}_\- ]+$/u, "计价单位只含文字、数字、空格、-、_ / Letters, digits, spaces, - and _ only"),
  unit_minutes: z.number().int().min(60).max(MAX_BOOKING_MINUTES),
  slot_minutes: z.union([z.literal(60), z.literal(1440)]),
});

export const OfferingBody = z
  .discriminatedUnion("category", [ComputeOffering, DatasetOffering, SimulationOffering, PlatformServiceOffering])
  .openapi("NewOffering");
export type OfferingInput = z.infer<typeof OfferingBody>;

export const OfferingPatchBody = z
  .object({
    name: text(200),
    description: text(4000, { multiline: true, allowEmpty: true }),
    unit_price_fen: common.unit_price_fen,
    capacity_units: common.capacity_units,
    min_duration_units: DurationUnits,
    max_duration_units: DurationUnits,
    lead_time_minutes: Minutes,
    cancellation_notice_minutes: Minutes,
    requires_confirmation: z.boolean(),
    weekly_hours: WeeklyHoursSchema.nullable(),
    status: z.enum(["active", "paused", "retired"]).openapi({ description: "active publishes a draft (only an approved provider); nothing goes back to draft" }),
    accelerator_model: AcceleratorModel,
    cards_per_node: z.number().int().min(1).max(64),
    domestic: z.boolean(),
    licence_terms: text(4000, { multiline: true }),
    access_mode: AccessMode,
    sensitivity_level: SensitivityLevel,
  })
  .partial()
  .extend({
    force: z.boolean().default(false).openapi({ description: "Cancel (with notice, holds voided) the bookings in the way of a capacity cut or a retirement" }),
    notice: text(500, { multiline: true }).optional().openapi({ description: "Why, shown to SMEs whose bookings a forced change cancels" }),
  })
  .openapi("OfferingChange");
export type OfferingPatch = z.infer<typeof OfferingPatchBody>;

export const OfferingSchema = z
  .object({
    id: z.string(),
    provider_org_id: z.string(),
    provider_name: z.string().nullable(),
    category: z.enum(["compute", "dataset", "simulation", "platform_service"]),
    name: z.string(),
    description: z.string(),
    region_code: z.string(),
    status: z.enum(["draft", "active", "paused", "retired"]),
    unit: z.string(),
    unit_minutes: z.number(),
    unit_price_fen: z.number(),
    slot_minutes: z.number(),
    capacity_units: z.number(),
    min_duration_units: z.number(),
    max_duration_units: z.number(),
    lead_time_minutes: z.number(),
    cancellation_notice_minutes: z.number(),
    requires_confirmation: z.boolean(),
    weekly_hours: z.record(z.string(), z.array(z.array(z.number()))).nullable(),
    domestic: z.boolean(),
    accelerator_model: z.string().nullable(),
    cards_per_node: z.number().nullable(),
    licence_terms: z.string().nullable(),
    access_mode: z.enum(["download", "sandbox"]).nullable(),
    sensitivity_level: z.enum(["public", "internal", "sensitive"]).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Offering");

const BookingInTheWay = z.object({
  id: z.string(),
  sme_org_id: z.string(),
  sme_name: z.string().openapi({ description: "The enterprise that booked it" }),
  status: z.string(),
  quantity: z.number(),
  starts_at: z.string(),
  ends_at: z.string(),
  subsidy_fen: z.number(),
});

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

export const BlackoutBody = z
  .object({
    starts_at: Instant,
    ends_at: Instant,
    reason: text(500, { multiline: true }).openapi({ example: "机房年度检修 Annual data-centre maintenance" }),
    force: z.boolean().default(false),
    notice: text(500, { multiline: true }).optional(),
  })
  .openapi("NewBlackout");

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

export const BlackoutParams = IdParam.extend({
  blackout_id: z.string().min(3).max(64).regex(/^[a-z]+_[a-z2-7]+$/, "not an id").openapi({ param: { name: "blackout_id", in: "path" } }),
});

const BlackoutSchema = z.object({ id: z.string(), offering_id: z.string(), starts_at: z.string(), ends_at: z.string(), reason: z.string() });

export const BlackoutChangeBody = z
  .object({
    starts_at: Instant.optional(),
    ends_at: Instant.optional(),
    reason: text(500, { multiline: true }).optional(),
    force: z.boolean().default(false),
    notice: text(500, { multiline: true }).optional(),
  })
  .openapi("BlackoutChange");

export const MAX_SERIES_WINDOWS = 20;
export const MAX_SERIES_DAYS = 366;

export const BlackoutSeriesBody = z
  .object({
    weekdays: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .openapi({ description: "ISO weekdays (1 = Monday) in Asia/Shanghai" }),
    start_hour: z.number().int().min(0).max(23),
    end_hour: z.number().int().min(1).max(24).openapi({ description: "Hour the window ends, after start_hour, the same day (24 = midnight)" }),
    from_date: CalendarDate.openapi({ description: "First day (Asia/Shanghai)" }),
    until_date: CalendarDate.openapi({ description: "Last day, inclusive" }),
    reason: text(500, { multiline: true }),
    force: z.boolean().default(false),
    notice: text(500, { multiline: true }).optional(),
  })
  .openapi("NewBlackoutSeries");

export const createBlackout = defineRoute({
  method: "post",
  path: "/api/offerings/{id}/blackouts",
  tags: ["offerings"],
  summary: "Black out a maintenance window; refused over booked slots with the bookings in the way, or cancels them with force",
  request: { params: IdParam, ...jsonBody(BlackoutBody) },
  responses: {
    201: json(
      z.object({ id: z.string(), offering_id: z.string(), starts_at: z.string(), ends_at: z.string(), reason: z.string(), cancelled_bookings: z.array(BookingInTheWay) }),
      "Blacked out",
    ),
    422: json(ErrorSchema, "A window that is empty, past or too long"),
    ...commonErrors,
    ...conflictError,
  },
});

export const createBlackoutSeries = defineRoute({
  method: "post",
  path: "/api/offerings/{id}/blackout-series",
  tags: ["offerings"],
  summary: `Recurring maintenance: a window on chosen weekdays between two hours, from a date until a date, written as one blackout per day (at most ${MAX_SERIES_WINDOWS}); refused as a whole over bookings, naming them, or cancels them with force`,
  request: { params: IdParam, ...jsonBody(BlackoutSeriesBody) },
  responses: {
    201: json(z.object({ blackouts: z.array(BlackoutSchema), cancelled_bookings: z.array(BookingInTheWay) }), "Blacked out"),
    422: json(ErrorSchema, "No window in the range, too many windows, or a bad range"),
    ...commonErrors,
    ...conflictError,
  },
});

export const updateBlackout = defineRoute({
  method: "patch",
  path: "/api/offerings/{id}/blackouts/{blackout_id}",
  tags: ["offerings"],
  summary: "Move, shorten, lengthen or re-word a maintenance window not yet ended; the new time is refused over bookings, naming them, or cancels them with force",
  request: { params: BlackoutParams, ...jsonBody(BlackoutChangeBody) },
  responses: {
    200: json(BlackoutSchema.extend({ cancelled_bookings: z.array(BookingInTheWay) }), "Changed"),
    422: json(ErrorSchema, "A window that is empty, past or too long"),
    ...commonErrors,
    ...conflictError,
  },
});

export const deleteBlackout = defineRoute({
  method: "delete",
  path: "/api/offerings/{id}/blackouts/{blackout_id}",
  tags: ["offerings"],
  summary: "Remove a maintenance window not yet ended (one under way ends now); its slots become bookable again unless another window covers them",
  request: { params: BlackoutParams },
  responses: {
    200: json(z.object({ id: z.string(), removed: z.boolean().openapi({ description: "false: it had begun, so it ends now and stays in the history" }) }), "Removed"),
    ...commonErrors,
    ...conflictError,
  },
});
