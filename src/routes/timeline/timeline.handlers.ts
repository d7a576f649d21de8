import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, eq, gt, gte, inArray, lt } from "drizzle-orm";
import { bookingsOnOwnOfferings, ownLiveOfferings } from "../../auth/provider-scope";
import { HOLDS_CAPACITY } from "../../domain/booking-lifecycle";
import { availability, parseWeeklyHours, type SlotRow } from "../../domain/slots";
import { blackouts, bookings, offerings, organisations, slot_usage, type Offering } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { actorOf } from "../../lib/route";
import { DAY_MS, shanghaiDate, shanghaiMidnight, toShanghaiIso } from "../../lib/time";
import * as routes from "./timeline.routes";

type DayState = "closed" | "blackout" | "full" | "busy" | "free";

/** One day of one offering, summarised from its slots (weekly hours, blocked flags, booked units). */
function dayCells(offering: Offering, rows: SlotRow[], from: number, dates: readonly string[]) {
  const hours = parseWeeklyHours(offering.weekly_hours_json);
  // now = 0 and no lead time: the provider sees every slot's state, past ones included.
  const slots = availability({ ...offering, lead_time_minutes: 0, hours, rows, from, to: from + dates.length * DAY_MS, now: 0 });
  return dates.map((date, i) => {
    const start = from + i * DAY_MS;
    const day = slots.filter((s) => s.slot_start_at >= start && s.slot_start_at < start + DAY_MS);
    const bookable = day.filter((s) => s.state === "open" || s.state === "full");
    const blackoutSlots = day.filter((s) => s.state === "blackout").length;
    const bookedMax = Math.max(0, ...day.map((s) => s.booked_units));
    const freeMin = bookable.length ? Math.min(...bookable.map((s) => s.free_units)) : null;
    let state: DayState = "free";
    if (bookable.length === 0) state = blackoutSlots > 0 ? "blackout" : "closed";
    else if (freeMin === 0) state = "full";
    else if (bookedMax > 0) state = "busy";
    return {
      date,
      state,
      capacity_units: offering.capacity_units,
      booked_units_max: bookedMax,
      free_units_min: freeMin,
      blackout_slots: blackoutSlots,
      bookable_slots: bookable.length,
    };
  });
}

export const getTimeline: RouteHandler<typeof routes.getTimeline, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const q = c.req.valid("query");
  const db = c.var.store.db;
  const firstDate = q.from ?? shanghaiDate(c.var.now());
  const from = shanghaiMidnight(firstDate);
  const to = from + q.days * DAY_MS;
  const dates = Array.from({ length: q.days }, (_, i) => shanghaiDate(from + i * DAY_MS));

  const page = await db
    .select()
    .from(offerings)
    .where(ownLiveOfferings(actor))
    .orderBy(asc(offerings.name), asc(offerings.id))
    .limit(q.limit + 1)
    .offset(q.offset);
  const own = page.slice(0, q.limit);
  const ids = own.map((o) => o.id);
  const empty = { from: toShanghaiIso(from), to: toShanghaiIso(to), dates, limit: q.limit, offset: q.offset, has_more: page.length > q.limit };
  if (ids.length === 0) return c.json({ ...empty, offerings: [], bookings: [], blackouts: [], truncated: false }, 200);

  const [slotRows, bookingRows, blackoutRows] = await Promise.all([
    db
      .select({ offering_id: slot_usage.offering_id, slot_start_at: slot_usage.slot_start_at, booked_units: slot_usage.booked_units, capacity_units: slot_usage.capacity_units, blocked: slot_usage.blocked })
      .from(slot_usage)
      .where(and(inArray(slot_usage.offering_id, ids), lt(slot_usage.slot_start_at, to), gte(slot_usage.slot_start_at, from)))
      .orderBy(asc(slot_usage.offering_id), asc(slot_usage.slot_start_at))
      // At most 50 offerings × 14 days × 24 hourly slots.
      .limit(routes.MAX_TIMELINE_OFFERINGS * (routes.MAX_TIMELINE_DAYS + 1) * 24),
    db
      .select({
        id: bookings.id,
        offering_id: bookings.offering_id,
        sme_name: organisations.name,
        status: bookings.status,
        quantity: bookings.quantity,
        starts_at: bookings.starts_at,
        ends_at: bookings.ends_at,
      })
      .from(bookings)
      .innerJoin(organisations, eq(organisations.id, bookings.sme_org_id))
      .where(and(bookingsOnOwnOfferings(actor), inArray(bookings.offering_id, ids), lt(bookings.starts_at, to), gt(bookings.ends_at, from), inArray(bookings.status, [...HOLDS_CAPACITY])))
      .orderBy(asc(bookings.starts_at), asc(bookings.id))
      .limit(routes.MAX_TIMELINE_ITEMS + 1),
    db
      .select()
      .from(blackouts)
      .where(and(inArray(blackouts.offering_id, ids), lt(blackouts.starts_at, to), gt(blackouts.ends_at, from)))
      .orderBy(asc(blackouts.starts_at), asc(blackouts.id))
      .limit(routes.MAX_TIMELINE_ITEMS + 1),
  ]);

  const rowsBy = new Map<string, SlotRow[]>();
  for (const { offering_id, ...row } of slotRows) {
    const list = rowsBy.get(offering_id) ?? [];
    list.push(row);
    rowsBy.set(offering_id, list);
  }
  return c.json(
    {
      ...empty,
      offerings: own.map((o) => ({
        id: o.id,
        name: o.name,
        status: o.status,
        category: o.category,
        unit: o.unit,
        slot_minutes: o.slot_minutes,
        capacity_units: o.capacity_units,
        days: dayCells(o, rowsBy.get(o.id) ?? [], from, dates),
      })),
      bookings: bookingRows.slice(0, routes.MAX_TIMELINE_ITEMS).map((b) => ({ ...b, starts_at: toShanghaiIso(b.starts_at), ends_at: toShanghaiIso(b.ends_at) })),
      blackouts: blackoutRows
        .slice(0, routes.MAX_TIMELINE_ITEMS)
        .map((b) => ({ id: b.id, offering_id: b.offering_id, starts_at: toShanghaiIso(b.starts_at), ends_at: toShanghaiIso(b.ends_at), reason: b.reason })),
      truncated: bookingRows.length > routes.MAX_TIMELINE_ITEMS || blackoutRows.length > routes.MAX_TIMELINE_ITEMS,
    },
    200,
  );
};
