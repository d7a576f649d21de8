import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eq, sql } from "drizzle-orm";
import { auditMeta } from "../../db/atomic";
import { offerings } from "../../db/schema";
import type { UsageEventInput } from "../../domain/usage";
import { MAX_IMPORT_BYTES } from "../../domain/usage-files";
import type { AppEnv } from "../../lib/context";
import { badRequest } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDate, shanghaiMidnight } from "../../lib/time";
import { readVisibleBooking } from "../../services/booking-moves";
import { bookedMilliOf, readMeteredMilli } from "../../services/delivery";
import { recordUsage as record, type UsageWriter } from "../../services/usage";
import { importUsage as importFile } from "../../services/usage-import";
import type * as routes from "./usage.routes";

function writer(c: Context<AppEnv>, source: UsageWriter["source"]): UsageWriter {
  return { store: c.var.store, meta: auditMeta(c), provider_org_id: actorOf(c).org.id, source, now: c.var.now() };
}

export const recordUsage: RouteHandler<typeof routes.recordUsage, AppEnv> = async (c) => {
  const { events } = c.req.valid("json");
  const inputs: UsageEventInput[] = events.map((e) => ({
    event_id: e.event_id,
    booking_id: e.booking_id,
    period_start_at: Date.parse(e.period_start),
    period_end_at: Date.parse(e.period_end),
    quantity_milli: e.quantity_milli,
    reason: e.reason ?? null,
  }));
  return c.json(await record(writer(c, "api"), inputs, actorOf(c).user.id), 200);
};

export const importUsage: RouteHandler<typeof routes.importUsage, AppEnv> = async (c) => {
  const { format } = c.req.valid("query");
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength === 0) throw badRequest("empty_file", "文件为空 / The file is empty");
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw badRequest("file_too_large", "文件超过20 MB / The file is over 20 MB");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("not_utf8", "文件须为UTF-8编码 / The file must be UTF-8");
  }
  const actor = actorOf(c);
  return c.json(await importFile(writer(c, "csv"), text, format, actor.user.id), 200);
};

/** A bound on the days a usage view lists (a licence-month booking spans ~30). */
const MAX_DAYS = 400;

export const bookingUsage: RouteHandler<typeof routes.bookingUsage, AppEnv> = async (c) => {
  const store = c.var.store;
  const booking = await readVisibleBooking(store, actorOf(c), c.req.valid("param").id);
  const [offering] = await store.db.select({ unit: offerings.unit, unit_minutes: offerings.unit_minutes }).from(offerings).where(eq(offerings.id, booking.offering_id));
  if (!offering) throw new Error(`booking ${booking.id} lost its offering`);
  const metered = await store.all<{ on: string; metered_milli: number; events: number }>(sql`
    SELECT strftime('%Y-%m-%d', (period_start_at + ${SHANGHAI_OFFSET_MS}) / 1000, 'unixepoch') AS "on",
           sum(quantity_milli) AS metered_milli, count(*) AS events
    FROM usage_events WHERE booking_id = ${booking.id} GROUP BY 1 ORDER BY 1`);
  const byDay = new Map(metered.map((m) => [m.on, m]));
  const unitMs = offering.unit_minutes * 60_000;
  const days = [];
  for (let day = shanghaiMidnight(shanghaiDate(booking.starts_at)); day < booking.ends_at && days.length < MAX_DAYS; day += DAY_MS) {
    const on = shanghaiDate(day);
    const overlapMs = Math.max(0, Math.min(day + DAY_MS, booking.ends_at) - Math.max(day, booking.starts_at));
    const m = byDay.get(on);
    days.push({ on, booked_milli: Math.floor((booking.quantity * overlapMs * 1_000) / unitMs), metered_milli: Number(m?.metered_milli ?? 0), events: Number(m?.events ?? 0) });
  }
  const events = metered.reduce((n, m) => n + Number(m.events), 0);
  return c.json({ booking_id: booking.id, unit: offering.unit, booked_milli: bookedMilliOf(booking), metered_milli: await readMeteredMilli(store, booking.id), events, days }, 200);
};
