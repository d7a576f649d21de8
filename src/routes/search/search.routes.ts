import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { MAX_SEARCH_OFFERINGS, MAX_SEARCH_WINDOW_DAYS } from "../../services/capacity-search";
import { QuoteSchema } from "../bookings/bookings.routes";
import { commonErrors, ErrorSchema, Instant, json, jsonBody, throttledError } from "../common";
import { AcceleratorModel, MAX_CAPACITY_UNITS, MAX_UNIT_PRICE_FEN } from "../offerings/offering-fields";

export const SearchBody = z
  .object({
    category: z.enum(["compute", "dataset", "simulation", "platform_service"]),
    accelerator_model: AcceleratorModel.optional().openapi({ description: 'A model such as "Ascend 910B"; leave out (or "any") for any' }),
    quantity: z.number().int().min(1).max(MAX_CAPACITY_UNITS).openapi({ description: "Accelerator cards for compute (node-hour offerings round up to whole nodes); seats, sessions or units otherwise" }),
    duration_hours: z.number().int().min(1).max(MAX_SEARCH_WINDOW_DAYS * 24),
    earliest_start_at: Instant,
    latest_end_at: Instant,
    max_unit_price_fen: z.number().int().min(0).max(MAX_UNIT_PRICE_FEN).optional().openapi({ description: "Per card-hour for compute, per unit otherwise" }),
    domestic_only: z.boolean().default(false),
    sort: z.enum(["cheapest", "earliest"]).default("cheapest").openapi({ description: "cheapest: least co-pay first; earliest: soonest start first" }),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .openapi("CapacityNeed");

const OptionSchema = z.object({
  rank: z.number(),
  offering: z.object({
    id: z.string(),
    name: z.string(),
    provider_org_id: z.string(),
    provider_name: z.string(),
    category: z.string(),
    unit: z.string(),
    unit_price_fen: z.number(),
    comparable_unit_price_fen: z.number().int().openapi({ description: "Per card-hour for compute (rounded up), per unit otherwise; the scale max_unit_price_fen filters on" }),
    accelerator_model: z.string().nullable(),
    cards_per_node: z.number().nullable(),
    domestic: z.boolean(),
    requires_confirmation: z.boolean(),
  }),
  starts_at: z.string(),
  ends_at: z.string(),
  quantity: z.number(),
  duration_units: z.number(),
  gross_fen: z.number(),
  subsidy_fen: z.number(),
  copay_fen: z.number(),
  voucher_id: z.string().nullable(),
  subsidy: QuoteSchema.shape.subsidy,
});

export const searchCapacity = defineRoute({
  method: "post",
  path: "/api/search/capacity",
  tags: ["search"],
  summary: `Match a need across every approved provider (算力撮合): ranked options with the earliest fitting start, gross, subsidy under your best voucher, co-pay. At most ${MAX_SEARCH_OFFERINGS} offerings over ${MAX_SEARCH_WINDOW_DAYS} days are considered`,
  request: jsonBody(SearchBody),
  responses: {
    200: json(
      z.object({
        considered_offerings: z.number(),
        truncated: z.boolean(),
        complete: z.boolean().openapi({ description: "false: the search stopped at its row or time budget; the options are those found so far, ranked" }),
        stopped_because: z.enum(["row_budget", "time_budget"]).nullable(),
        options: z.array(OptionSchema),
      }),
      "Ranked options",
    ),
    422: json(ErrorSchema, "A window that is empty, too long or beyond the booking horizon"),
    ...commonErrors,
    ...throttledError,
    503: json(ErrorSchema, "Too many searches waiting at once; retry after the Retry-After header"),
  },
});
