// A provider's changes that can collide with bookings: lower capacity, and blackouts. The write
// itself is guarded (slot_capacity_exceeded refuses capacity below what a slot holds, and any
// booked slot marked blocked); these reads only name the bookings in the way. Without `force`
// the change is refused with that list; with it, exactly those bookings are cancelled in the
// same batch (units back, holds voided, the reason recorded for the SME).
import { and, eq, gt, gte, lt, type SQLWrapper } from "drizzle-orm";
import { RELEASABLE } from "../domain/booking-lifecycle";
import { bookingsInTheWay, type OverfullSlot } from "../domain/capacity-conflicts";
import { MINUTE_MS } from "../domain/slots";
import type { AuditInput } from "../db/audit";
import { slot_usage, type Booking, type Offering } from "../db/schema";
import type { Store } from "../db/store";
import { conflict } from "../lib/errors";
import { toShanghaiIso } from "../lib/time";
import { liveBookingsOverlapping } from "./capacity";
import { releaseBookingStatements, releaseEvent, type Release } from "./bookings-release";

/** Cancellations one forced change may make (about 7 statements each, within one batch). */
export const MAX_FORCED_CANCELLATIONS = 20;
/** Bookings read to decide who is in the way. */
const MAX_BOOKINGS_EXAMINED = 2_000;
/** Slot rows read to find the overfull ones (a year of hourly slots fits). */
const MAX_SLOTS_EXAMINED = 10_000;

export const DEFAULT_NOTICE = "服务商调整容量或安排维护，预约已取消 / The provider changed capacity or scheduled maintenance; the booking was cancelled";

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

export const presentInTheWay = (b: Booking) => ({
  id: b.id,
  sme_org_id: b.sme_org_id,
  status: b.status,
  quantity: b.quantity,
  starts_at: toShanghaiIso(b.starts_at),
  ends_at: toShanghaiIso(b.ends_at),
  subsidy_fen: b.subsidy_fen,
});

export interface ClearedWay {
  statements: SQLWrapper[];
  events: AuditInput[];
  cancelled: Booking[];
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
  const details = { bookings: inTheWay.map(presentInTheWay), slots: overfull.slice(0, 50).map((s) => ({ ...s, slot_start_at: toShanghaiIso(s.slot_start_at) })) };
  if (!opts.force) {
    throw conflict(opts.code, `有${inTheWay.length}个已确认的预约与此变更冲突；可加 force 取消它们 / ${inTheWay.length} bookings are in the way; send force: true to cancel them with notice`, details);
  }
  if (inTheWay.some((b) => !RELEASABLE.includes(b.status))) {
    throw conflict("bookings_in_progress", "冲突的预约中有已开始使用的，不能取消 / Some bookings in the way have already started and cannot be cancelled", details);
  }
  const release: Release = { to: "cancelled", reason: opts.notice ?? DEFAULT_NOTICE, ledger_code: "provider_cancel", now: opts.now };
  const statements: SQLWrapper[] = [];
  for (const booking of inTheWay) statements.push(...(await releaseBookingStatements(store, booking, release)));
  const events = inTheWay.map((b) => releaseEvent(b, release, "booking.cancelled_by_provider"));
  return { statements, events, cancelled: inTheWay };
}
