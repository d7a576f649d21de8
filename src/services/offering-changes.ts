// A provider's changes that can collide with bookings: lower capacity, and blackouts. The write
// itself is guarded (slot_capacity_exceeded refuses capacity below what a slot holds, and any
// booked slot marked blocked); these reads only name the bookings in the way. Without `force`
// the change is refused with that list; with it, exactly those bookings are cancelled in the
// same batch (units back, holds voided, the reason recorded for the SME).
import { and, desc, eq, gt, gte, inArray, lt, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { RELEASABLE, type BookingStatus } from "../domain/booking-lifecycle";
import { bookingsInTheWay, type OverfullSlot } from "../domain/capacity-conflicts";
import { MINUTE_MS, openHoursOfWeek, type WeeklyHours } from "../domain/slots";
import type { AuditInput } from "../db/audit";
import { bookings, organisations, slot_usage, type Booking, type Offering } from "../db/schema";
import type { Store } from "../db/store";
import { conflict } from "../lib/errors";
import { toShanghaiIso } from "../lib/time";
import { liveBookingsOverlapping } from "./capacity";
import { bookingNews } from "./booking-news";
import { releaseBookingStatements, releaseEvent, type Release } from "./bookings-release";

/** Cancellations one forced change may make (about 7 statements each, within one batch). */
export const MAX_FORCED_CANCELLATIONS = 20;
/** Bookings read to decide who is in the way. */
const MAX_BOOKINGS_EXAMINED = 2_000;
/** Slot rows read to find the overfull ones (a year of hourly slots fits). */
const MAX_SLOTS_EXAMINED = 10_000;
/** Bookings that keep an offering from retiring until they end. */
const LIVE_UNTIL_END: readonly BookingStatus[] = ["requested", "confirmed", "in_use"];

export const DEFAULT_NOTICE = "服务商调整容量或安排维护，预约已取消 / The provider changed capacity or scheduled maintenance; the booking was cancelled";
export const HOURS_NOTICE = "服务商调整了开放时间，预约时段已不在开放时间内，预约已取消 / The provider changed its opening hours, which no longer cover the booking; the booking was cancelled";
export const RETIRED_NOTICE = "服务商已下架该资源，预约已取消 / The provider retired the offering; the booking was cancelled";

/** Slots from `from` (and before `to`, if given) holding more than `limitUnits`. */
export async function overfullSlots(store: Store, offeringId: string, limitUnits: number, from: number, to: number | null): Promise<OverfullSlot[]> {
  const rows = await store.db
    .select({ slot_start_at: slot_usage.slot_start_at, booked_units: slot_usage.booked_units })
    .from(slot_usage)
    .where(
      and(
        eq(slot_usage.offering_id, offeringId),
        gte(slot_usage.slot_start_at, from),
        to === null ? undefined : lt(slot_usage.slot_start_at, to),
        gt(slot_usage.booked_units, limitUnits),
      ),
    )
    .orderBy(slot_usage.slot_start_at)
    .limit(MAX_SLOTS_EXAMINED);
  return rows.map((row) => ({ ...row, limit_units: limitUnits }));
}

/**
 * True (in SQL) when `slotStart`'s hour of the week (Asia/Shanghai, 0 = Monday 00:00) is not one
 * of `hours`'s open ones for slots of `slotMinutes`: shanghaiWeekdayHour in integer arithmetic.
 * The open hours are at most 168 small integers computed here, written into the statement (D1
 * binds at most 100 parameters to one).
 */
function closedUnder(slotStart: SQLWrapper, hours: WeeklyHours, slotMinutes: number): SQL {
  const open = openHoursOfWeek(hours, slotMinutes);
  const keys = open.length ? open.map((k) => String(Math.trunc(k))).join(", ") : "-1";
  return sql`((((${slotStart} + 28800000) / 86400000) + 3) % 7) * 24 + ((${slotStart} + 28800000) % 86400000) / 3600000 NOT IN (${sql.raw(keys)})`;
}

/**
 * Booked slots from `from` on that new weekly `hours` would close, each "over" a limit of 0:
 * every booking covering one is in the way (clearTheWay names them).
 */
export async function bookedSlotsClosedBy(store: Store, offering: Offering, hours: WeeklyHours, from: number): Promise<OverfullSlot[]> {
  const rows = await store.db
    .select({ slot_start_at: slot_usage.slot_start_at, booked_units: slot_usage.booked_units })
    .from(slot_usage)
    .where(and(eq(slot_usage.offering_id, offering.id), gte(slot_usage.slot_start_at, from), gt(slot_usage.booked_units, 0), closedUnder(slot_usage.slot_start_at, hours, offering.slot_minutes)))
    .orderBy(slot_usage.slot_start_at)
    .limit(MAX_SLOTS_EXAMINED);
  return rows.map((row) => ({ ...row, limit_units: 0 }));
}

/**
 * The guard of an hours change, for the offering's own UPDATE: true (in SQL) while no slot from
 * `from` on outside the new `hours` holds booked units, evaluated when the batch runs, after
 * its own cancellations. A booking committed between the change's read and its write makes it
 * false, and the change fails instead of stranding the booking outside the hours.
 */
export function noBookingsOutside(offering: Pick<Offering, "id" | "slot_minutes">, hours: WeeklyHours, from: number): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM slot_usage su WHERE su.offering_id = ${offering.id} AND su.slot_start_at >= ${from} AND su.booked_units > 0
    AND ${closedUnder(sql`su.slot_start_at`, hours, offering.slot_minutes)})`;
}

/** Slots in both lists keep the lower limit: a slot a cut leaves 2 units and new hours close is closed. */
export function mergeOverfull(a: readonly OverfullSlot[], b: readonly OverfullSlot[]): OverfullSlot[] {
  const bySlot = new Map<number, OverfullSlot>();
  for (const slot of [...a, ...b]) {
    const seen = bySlot.get(slot.slot_start_at);
    if (!seen || slot.limit_units < seen.limit_units) bySlot.set(slot.slot_start_at, slot);
  }
  return [...bySlot.values()].sort((x, y) => x.slot_start_at - y.slot_start_at);
}

const presentInTheWay = (b: Booking, names: ReadonlyMap<string, string>) => ({
  id: b.id,
  sme_org_id: b.sme_org_id,
  sme_name: names.get(b.sme_org_id) ?? b.sme_org_id,
  status: b.status,
  quantity: b.quantity,
  starts_at: toShanghaiIso(b.starts_at),
  ends_at: toShanghaiIso(b.ends_at),
  subsidy_fen: b.subsidy_fen,
});

/** Bookings in the way (or cancelled by a forced change) as the provider reads them: with each enterprise's name. */
export async function presentBookingsInTheWay(store: Store, rows: readonly Booking[]) {
  const ids = [...new Set(rows.map((b) => b.sme_org_id))];
  const named = ids.length ? await store.db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inArray(organisations.id, ids)) : [];
  const names = new Map(named.map((o) => [o.id, o.name]));
  return rows.map((b) => presentInTheWay(b, names));
}

export interface ClearedWay {
  statements: SQLWrapper[];
  events: AuditInput[];
  cancelled: Booking[];
}

const STATUS_WORDS: Partial<Record<BookingStatus, { zh: string; en: string }>> = {
  requested: { zh: "待确认", en: "requested" },
  confirmed: { zh: "已确认", en: "confirmed" },
  in_use: { zh: "使用中", en: "in use" },
};

/** "2个已确认、1个待确认 / 2 confirmed, 1 requested": the statuses actually in the way. */
function countByStatus(inTheWay: readonly Booking[]): { zh: string; en: string } {
  const counts = new Map<BookingStatus, number>();
  for (const b of inTheWay) counts.set(b.status, (counts.get(b.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => ({ n, words: STATUS_WORDS[status] ?? { zh: status, en: status } }));
  return { zh: parts.map((p) => `${p.n}个${p.words.zh}`).join("、"), en: parts.map((p) => `${p.n} ${p.words.en}`).join(", ") };
}

/**
 * The refusal naming the bookings in the way, in words a person can act on. `details.force` tells
 * a program whether sending force: true would go through (not when some booking is in use).
 */
async function refusal(store: Store, code: string, inTheWay: readonly Booking[], extra: Record<string, unknown>) {
  const n = inTheWay.length;
  const counts = countByStatus(inTheWay);
  const inUse = inTheWay.filter((b) => !RELEASABLE.includes(b.status)).length;
  const remedy =
    inUse > 0
      ? { zh: `其中${inUse}个正在使用，不能取消，请待其结束后再操作`, en: `${inUse} of them are in use and cannot be cancelled; try again once they end` }
      : { zh: "可强制执行以取消这些预约，并通知相关企业", en: "You may force it, which cancels these bookings and tells the SMEs why" };
  const message = `有${n}个预约（${counts.zh}）与此变更冲突；${remedy.zh} / ${n} ${n === 1 ? "booking" : "bookings"} (${counts.en}) ${n === 1 ? "is" : "are"} in the way. ${remedy.en}`;
  return conflict(code, message, { bookings: await presentBookingsInTheWay(store, inTheWay), ...extra, force: inUse === 0 });
}

/**
 * Statements cancelling `inTheWay` through the release path (units back, holds voided once, the
 * reason recorded), or the refusal `code` when not forced. Bookings in use are never cancelled.
 */
async function cancelOrRefuse(store: Store, inTheWay: Booking[], extra: Record<string, unknown>, opts: { force: boolean; code: string; notice: string | null; now: number }): Promise<ClearedWay> {
  if (!opts.force) throw await refusal(store, opts.code, inTheWay, extra);
  if (inTheWay.some((b) => !RELEASABLE.includes(b.status))) {
    throw conflict("bookings_in_progress", "冲突的预约中有已开始使用的，不能取消 / Some bookings in the way have already started and cannot be cancelled", { bookings: await presentBookingsInTheWay(store, inTheWay), ...extra, force: false });
  }
  const release: Release = { to: "cancelled", reason: opts.notice ?? DEFAULT_NOTICE, ledger_code: "provider_cancel", now: opts.now };
  const statements: SQLWrapper[] = [];
  for (const booking of inTheWay) {
    statements.push(...(await releaseBookingStatements(store, booking, release)));
    const after: Booking = { ...booking, status: "cancelled", status_reason: release.reason };
    statements.push(...(await bookingNews(booking, after, { user_id: null, org_id: booking.provider_org_id }, opts.now)));
  }
  const events = inTheWay.map((b) => releaseEvent(b, release, "booking.cancelled_by_provider"));
  return { statements, events, cancelled: inTheWay };
}

/**
 * Statements cancelling the bookings in the way of bringing `overfull` within limits, or the
 * refusal: `code` names the change ("capacity_below_bookings", "blackout_over_bookings").
 */
export async function clearTheWay(store: Store, offering: Offering, overfull: readonly OverfullSlot[], opts: { force: boolean; code: string; notice: string | null; now: number }): Promise<ClearedWay> {
  if (overfull.length === 0) return { statements: [], events: [], cancelled: [] };
  const from = (overfull[0] as OverfullSlot).slot_start_at;
  const to = (overfull[overfull.length - 1] as OverfullSlot).slot_start_at + offering.slot_minutes * MINUTE_MS;
  const live = await liveBookingsOverlapping(store, offering.id, from, to, MAX_BOOKINGS_EXAMINED);
  const inTheWay = bookingsInTheWay(overfull, live);
  if (!inTheWay || inTheWay.length > MAX_FORCED_CANCELLATIONS) {
    throw conflict("too_many_bookings_in_the_way", `与此变更冲突的预约超过${MAX_FORCED_CANCELLATIONS}个，请分段操作 / More than ${MAX_FORCED_CANCELLATIONS} bookings are in the way; change a shorter period at a time`);
  }
  const slots = overfull.slice(0, 50).map((s) => ({ ...s, slot_start_at: toShanghaiIso(s.slot_start_at) }));
  return cancelOrRefuse(store, inTheWay, { slots }, opts);
}

/**
 * Retiring an offering: every live booking not yet ended is in the way (newest first). The
 * booking write's guard on the offering's updated_at refuses bookings made after this read.
 */
export async function clearForRetirement(store: Store, offering: Offering, opts: { force: boolean; notice: string | null; now: number }): Promise<ClearedWay> {
  const live = await store.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.offering_id, offering.id), gt(bookings.ends_at, opts.now), inArray(bookings.status, [...LIVE_UNTIL_END])))
    .orderBy(desc(bookings.created_at), desc(bookings.id))
    .limit(MAX_FORCED_CANCELLATIONS + 1);
  if (live.length === 0) return { statements: [], events: [], cancelled: [] };
  if (live.length > MAX_FORCED_CANCELLATIONS) {
    throw conflict(
      "too_many_bookings_in_the_way",
      `仍有超过${MAX_FORCED_CANCELLATIONS}个预约未结束，不能一次下架；可先暂停该资源，待预约减少后再下架 / More than ${MAX_FORCED_CANCELLATIONS} bookings have yet to end; pause the offering now and retire it once fewer remain`,
    );
  }
  return cancelOrRefuse(store, live, {}, { ...opts, notice: opts.notice ?? RETIRED_NOTICE, code: "retire_over_bookings" });
}
