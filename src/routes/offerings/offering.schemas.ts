// An offering as a provider publishes and changes it, and as the API answers with it.
import { z } from "@hono/zod-openapi";
import { MAX_BOOKING_MINUTES, WeeklyHoursSchema } from "../../domain/slots";
import { text } from "../common";
import { AcceleratorModel, AccessMode, DurationUnits, MAX_CAPACITY_UNITS, MAX_UNIT_PRICE_FEN, Minutes, SensitivityLevel } from "./offering-fields";

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
