// Maintenance windows (blackouts) of an offering: one at a time or as a weekly series, moved or removed.
import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { CalendarDate, commonErrors, conflictError, ErrorSchema, IdParam, Instant, json, jsonBody, text } from "../common";
import { BookingInTheWay } from "./offering-fields";

export const MAX_BLACKOUT_DAYS = 92;

export const BlackoutBody = z
  .object({
    starts_at: Instant,
    ends_at: Instant,
    reason: text(500, { multiline: true }).openapi({ example: "机房年度检修 Annual data-centre maintenance" }),
    force: z.boolean().default(false),
    notice: text(500, { multiline: true }).optional(),
  })
  .openapi("NewBlackout");

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
