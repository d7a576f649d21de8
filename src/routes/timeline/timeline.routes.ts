// A provider's timeline: every offering × day over one or two weeks, with the bookings (by the
// enterprise's name), the maintenance windows and the free capacity, in one bounded read.
import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { CalendarDate, commonErrors, json } from "../common";

export const MAX_TIMELINE_DAYS = 14;
export const MAX_TIMELINE_OFFERINGS = 50;
/** Bookings and windows one answer carries; past it `truncated` is true. */
export const MAX_TIMELINE_ITEMS = 1_000;

export const TimelineQuery = z.object({
  from: CalendarDate.optional().openapi({ description: "First day (Asia/Shanghai); default today" }),
  days: z.coerce.number().int().min(1).max(MAX_TIMELINE_DAYS).default(7),
  limit: z.coerce.number().int().min(1).max(MAX_TIMELINE_OFFERINGS).default(MAX_TIMELINE_OFFERINGS),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

const DayCell = z.object({
  date: z.string(),
  state: z.enum(["closed", "blackout", "full", "busy", "free"]).openapi({
    description: "closed: no bookable hours; blackout: every bookable slot under maintenance; full: some slot has nothing free; busy: something booked; free: nothing booked",
  }),
  capacity_units: z.number(),
  booked_units_max: z.number().openapi({ description: "Most units booked in any slot of the day" }),
  free_units_min: z.number().nullable().openapi({ description: "Fewest free units in any bookable slot of the day; null when none is bookable" }),
  blackout_slots: z.number(),
  bookable_slots: z.number(),
});

export const getTimeline = defineRoute({
  method: "get",
  path: "/api/provider-timeline",
  tags: ["offerings"],
  summary: `Your offerings × days (at most ${MAX_TIMELINE_DAYS} days, ${MAX_TIMELINE_OFFERINGS} offerings a page): bookings with the enterprise's name, maintenance windows and free capacity per day`,
  request: { query: TimelineQuery },
  responses: {
    200: json(
      z.object({
        from: z.string(),
        to: z.string(),
        dates: z.array(z.string()),
        offerings: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            status: z.enum(["draft", "active", "paused", "retired"]),
            category: z.string(),
            unit: z.string(),
            slot_minutes: z.number(),
            capacity_units: z.number(),
            days: z.array(DayCell),
          }),
        ),
        bookings: z.array(
          z.object({
            id: z.string(),
            offering_id: z.string(),
            sme_name: z.string(),
            status: z.string(),
            quantity: z.number(),
            starts_at: z.string(),
            ends_at: z.string(),
          }),
        ),
        blackouts: z.array(z.object({ id: z.string(), offering_id: z.string(), starts_at: z.string(), ends_at: z.string(), reason: z.string() })),
        limit: z.number(),
        offset: z.number(),
        has_more: z.boolean().openapi({ description: "More offerings on the next page (offset + limit)" }),
        truncated: z.boolean().openapi({ description: `More than ${MAX_TIMELINE_ITEMS} bookings or windows in the range: choose fewer days` }),
      }),
      "The grid",
    ),
    ...commonErrors,
  },
});
