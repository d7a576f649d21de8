// Maintenance windows (blackouts): added one at a time, as a weekly series, moved or removed.
// Every path names the bookings in the way and refuses, or cancels them only with force; the
// blocked slots and the window rows change in one batch (src/services/blackouts.ts).
import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { BOOKING_HORIZON_MS, blackoutSlotRange, slotFloor } from "../../domain/slots";
import { commit, retryOnGuard } from "../../db/atomic";
import type { ConstraintViolation } from "../../db/constraints";
import { blackouts, type Offering } from "../../db/schema";
import type { Store } from "../../db/store";
import type { AppEnv } from "../../lib/context";
import { conflict, notFound, unprocessable, type AppError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { DAY_MS, toShanghaiIso } from "../../lib/time";
import { blackoutUnchangedGuard, expandSeries, unblockUncoveredSlots } from "../../services/blackouts";
import { blockSlots } from "../../services/capacity";
import { clearTheWay, overfullSlots, presentBookingsInTheWay } from "../../services/offering-changes";
import { readOwnOffering } from "../../services/offerings";
import { isWriteLimit, tooManyBlackouts, upcomingBlackoutsGuards } from "../../services/write-limits";
import { explainOfferingGuard } from "./offering-rows";
import * as routes from "./blackouts.routes";

type Blackout = typeof blackouts.$inferSelect;

const present = (row: Blackout) => ({
  id: row.id,
  offering_id: row.offering_id,
  starts_at: toShanghaiIso(row.starts_at),
  ends_at: toShanghaiIso(row.ends_at),
  reason: row.reason,
});

/** A new window's time: not empty, not longer than MAX_BLACKOUT_DAYS, starting within the horizon. */
function checkWindow(from: number, to: number, now: number, startMayBePast: boolean): void {
  if (to <= from) throw unprocessable("empty_window", "结束时间须晚于开始时间 / The window must end after it starts");
  if (to - from > routes.MAX_BLACKOUT_DAYS * DAY_MS) {
    throw unprocessable("window_too_long", `维护时段最长${routes.MAX_BLACKOUT_DAYS}天 / A maintenance window may span at most ${routes.MAX_BLACKOUT_DAYS} days`);
  }
  if (!startMayBePast && from < now) throw unprocessable("blackout_in_past", "维护时段不能从过去开始 / A blackout cannot start in the past");
  if (to <= now) throw unprocessable("blackout_in_past", "维护时段须在未来结束 / A blackout must end in the future");
  if (from > now + BOOKING_HORIZON_MS) throw unprocessable("beyond_horizon", "维护时段须在一年内开始 / A blackout must start within a year");
}

const blackoutNoun = ["维护时段", "Maintenance window"] as const;

async function readOwnBlackout(store: Store, offering: Offering, blackoutId: string): Promise<Blackout> {
  const [row] = await store.db.select().from(blackouts).where(and(eq(blackouts.id, blackoutId), eq(blackouts.offering_id, offering.id)));
  if (!row) throw notFound(...blackoutNoun);
  return row;
}

function explainBlackoutGuard(v: ConstraintViolation): AppError {
  if (isWriteLimit(v)) return tooManyBlackouts();
  if (v.kind === "not_null" && v.name === "offerings.status") {
    return conflict("blackout_changed", "该维护时段刚被修改、删除或已结束，请刷新后重试 / The window was just changed, removed or has ended; reload and try again");
  }
  return explainOfferingGuard(v);
}

export const updateBlackout: RouteHandler<typeof routes.updateBlackout, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id, blackout_id } = c.req.valid("param");
  const body = c.req.valid("json");
  if (body.starts_at === undefined && body.ends_at === undefined && body.reason === undefined) {
    throw unprocessable("nothing_to_change", "请至少修改一项 / Change at least one field");
  }
  const now = c.var.now();
  const result = await retryOnGuard(async () => {
    const offering = await readOwnOffering(c.var.store, actor, id);
    if (offering.status === "retired") throw conflict("offering_retired", "该资源已下架 / The offering is retired");
    const before = await readOwnBlackout(c.var.store, offering, blackout_id);
    if (before.ends_at <= now) throw conflict("blackout_ended", "该维护时段已结束，不能修改 / The window has ended and cannot change");
    const from = body.starts_at ? Date.parse(body.starts_at) : before.starts_at;
    const to = body.ends_at ? Date.parse(body.ends_at) : before.ends_at;
    // A window under way keeps its start; a new start must not be in the past.
    checkWindow(from, to, now, from === before.starts_at);
    const after: Blackout = { ...before, starts_at: from, ends_at: to, reason: body.reason ?? before.reason };
    const oldSlots = blackoutSlotRange(before.starts_at, before.ends_at, offering.slot_minutes);
    const newSlots = blackoutSlotRange(from, to, offering.slot_minutes);
    const overfull = await overfullSlots(c.var.store, offering.id, 0, newSlots.from, newSlots.to);
    const way = await clearTheWay(c.var.store, offering, overfull, { force: body.force, code: "blackout_over_bookings", notice: body.notice ?? null, now });
    const unblockFrom = Math.max(oldSlots.from, slotFloor(now, offering.slot_minutes));
    await commit(
      c,
      [
        blackoutUnchangedGuard(before, now),
        ...way.statements,
        c.var.store.db.update(blackouts).set({ starts_at: after.starts_at, ends_at: after.ends_at, reason: after.reason }).where(eq(blackouts.id, before.id)),
        unblockUncoveredSlots(offering.id, unblockFrom, oldSlots.to, offering.slot_minutes),
        blockSlots(offering.id, newSlots.from, newSlots.to, offering.slot_minutes),
        ...upcomingBlackoutsGuards(offering, now),
      ],
      [...way.events, { action: "offering.blackout_changed", subject_type: "offering", subject_id: offering.id, before, after }],
    );
    return { after, cancelled: way.cancelled };
  }, explainBlackoutGuard);
  return c.json({ ...present(result.after), cancelled_bookings: await presentBookingsInTheWay(c.var.store, result.cancelled) }, 200);
};

export const deleteBlackout: RouteHandler<typeof routes.deleteBlackout, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id, blackout_id } = c.req.valid("param");
  const now = c.var.now();
  const removed = await retryOnGuard(async () => {
    const offering = await readOwnOffering(c.var.store, actor, id);
    const before = await readOwnBlackout(c.var.store, offering, blackout_id);
    if (before.ends_at <= now) throw conflict("blackout_ended", "该维护时段已结束，保留为记录 / The window has ended and stays on record");
    const slots = blackoutSlotRange(before.starts_at, before.ends_at, offering.slot_minutes);
    // A window not yet begun goes; one under way ends now and stays in the history.
    const begun = before.starts_at < now;
    const change = begun
      ? c.var.store.db.update(blackouts).set({ ends_at: now }).where(eq(blackouts.id, before.id))
      : c.var.store.db.delete(blackouts).where(eq(blackouts.id, before.id));
    await commit(
      c,
      [
        blackoutUnchangedGuard(before, now),
        change,
        unblockUncoveredSlots(offering.id, Math.max(slots.from, slotFloor(now, offering.slot_minutes)), slots.to, offering.slot_minutes),
      ],
      [
        {
          action: begun ? "offering.blackout_ended_early" : "offering.blackout_removed",
          subject_type: "offering",
          subject_id: offering.id,
          before,
          after: begun ? { ...before, ends_at: now } : null,
        },
      ],
    );
    return !begun;
  }, explainBlackoutGuard);
  return c.json({ id: blackout_id, removed }, 200);
};

export const createBlackout: RouteHandler<typeof routes.createBlackout, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const now = c.var.now();
  const window = { from: Date.parse(body.starts_at), to: Date.parse(body.ends_at) };
  checkWindow(window.from, window.to, now, false);
  const result = await retryOnGuard(async () => {
    const offering = await readOwnOffering(c.var.store, actor, id);
    if (offering.status === "retired") throw conflict("offering_retired", "该资源已下架 / The offering is retired");
    const slots = blackoutSlotRange(window.from, window.to, offering.slot_minutes);
    const overfull = await overfullSlots(c.var.store, offering.id, 0, slots.from, slots.to);
    const way = await clearTheWay(c.var.store, offering, overfull, { force: body.force, code: "blackout_over_bookings", notice: body.notice ?? null, now });
    const row = { id: newId("blk"), offering_id: offering.id, starts_at: window.from, ends_at: window.to, reason: body.reason, created_at: now };
    const capped = upcomingBlackoutsGuards(offering, now);
    await commit(c, [...way.statements, blockSlots(offering.id, slots.from, slots.to, offering.slot_minutes), c.var.store.db.insert(blackouts).values(row), ...capped], [
      ...way.events,
      { action: "offering.blackout_added", subject_type: "offering", subject_id: offering.id, after: row },
    ]);
    return { row, cancelled: way.cancelled };
  }, (v) => (isWriteLimit(v) ? tooManyBlackouts() : explainOfferingGuard(v)));
  const { row, cancelled } = result;
  return c.json(
    {
      id: row.id,
      offering_id: row.offering_id,
      starts_at: toShanghaiIso(row.starts_at),
      ends_at: toShanghaiIso(row.ends_at),
      reason: row.reason,
      cancelled_bookings: await presentBookingsInTheWay(c.var.store, cancelled),
    },
    201,
  );
};


export const createBlackoutSeries: RouteHandler<typeof routes.createBlackoutSeries, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const now = c.var.now();
  if (body.end_hour <= body.start_hour) throw unprocessable("empty_window", "结束时刻须晚于开始时刻 / The window must end after it starts");
  if (body.until_date < body.from_date) throw unprocessable("empty_range", "截止日期须不早于开始日期 / The last day cannot come before the first");
  if ((Date.parse(body.until_date) - Date.parse(body.from_date)) / DAY_MS >= routes.MAX_SERIES_DAYS) {
    throw unprocessable("range_too_long", `重复维护最长${routes.MAX_SERIES_DAYS}天 / A recurring window may span at most ${routes.MAX_SERIES_DAYS} days`);
  }
  const expansion = expandSeries(body, now, routes.MAX_SERIES_WINDOWS);
  if (!expansion.ok) {
    throw unprocessable("too_many_windows", `一次最多生成${routes.MAX_SERIES_WINDOWS}个维护时段，请缩短日期范围 / At most ${routes.MAX_SERIES_WINDOWS} windows at once; choose a shorter range`);
  }
  const windows = expansion.windows;
  if (windows.length === 0) throw unprocessable("no_windows", "此范围内没有符合条件的未来日期 / No future day in the range matches the weekdays");
  const last = windows[windows.length - 1] as { starts_at: number };
  if (last.starts_at > now + BOOKING_HORIZON_MS) throw unprocessable("beyond_horizon", "维护时段须在一年内开始 / A blackout must start within a year");
  const result = await retryOnGuard(async () => {
    const offering = await readOwnOffering(c.var.store, actor, id);
    if (offering.status === "retired") throw conflict("offering_retired", "该资源已下架 / The offering is retired");
    const rows: Blackout[] = windows.map((w) => ({ id: newId("blk"), offering_id: offering.id, starts_at: w.starts_at, ends_at: w.ends_at, reason: body.reason, created_at: now }));
    const overfull = [];
    for (const row of rows) {
      const slots = blackoutSlotRange(row.starts_at, row.ends_at, offering.slot_minutes);
      overfull.push(...(await overfullSlots(c.var.store, offering.id, 0, slots.from, slots.to)));
    }
    const way = await clearTheWay(c.var.store, offering, overfull, { force: body.force, code: "blackout_over_bookings", notice: body.notice ?? null, now });
    const writes = rows.flatMap((row) => {
      const slots = blackoutSlotRange(row.starts_at, row.ends_at, offering.slot_minutes);
      return [blockSlots(offering.id, slots.from, slots.to, offering.slot_minutes), c.var.store.db.insert(blackouts).values(row)];
    });
    await commit(c, [...way.statements, ...writes, ...upcomingBlackoutsGuards(offering, now)], [
      ...way.events,
      ...rows.map((row) => ({ action: "offering.blackout_added", subject_type: "offering", subject_id: offering.id, after: row })),
    ]);
    return { rows, cancelled: way.cancelled };
  }, explainBlackoutGuard);
  return c.json({ blackouts: result.rows.map(present), cancelled_bookings: await presentBookingsInTheWay(c.var.store, result.cancelled) }, 201);
};
