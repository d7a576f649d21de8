// Which bookings stand in the way of a capacity cut or a blackout. Pure.
//
// A provider who lowers capacity (or blacks out slots, capacity 0) over slots that hold more
// booked units than the new limit is refused with this list; if it forces the change, exactly
// these bookings are cancelled. The list is the fewest bookings that must go under one fair,
// explainable rule: the most recently made booking is bumped first (first come, first kept),
// and a booking is bumped only while a slot it covers is still over the new limit.

export interface LiveBooking {
  id: string;
  starts_at: number;
  ends_at: number;
  quantity: number;
  created_at: number;
}

export interface OverfullSlot {
  slot_start_at: number;
  booked_units: number;
  /** The limit after the change (0 for a blackout). */
  limit_units: number;
}

/**
 * The bookings to cancel, most recent first; null when `bookings` (a bounded read) do not hold
 * enough units to bring every slot within its limit.
 */
export function bookingsInTheWay<B extends LiveBooking>(slots: readonly OverfullSlot[], bookings: readonly B[]): B[] | null {
  const excess = new Map<number, number>();
  for (const slot of slots) {
    if (slot.booked_units > slot.limit_units) excess.set(slot.slot_start_at, slot.booked_units - slot.limit_units);
  }
  const newestFirst = [...bookings].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
  const bumped: B[] = [];
  for (const booking of newestFirst) {
    if (excess.size === 0) break;
    const covered = [...excess.keys()].filter((start) => start >= booking.starts_at && start < booking.ends_at);
    if (covered.length === 0) continue;
    bumped.push(booking);
    for (const start of covered) {
      const left = (excess.get(start) as number) - booking.quantity;
      if (left > 0) excess.set(start, left);
      else excess.delete(start);
    }
  }
  return excess.size > 0 ? null : bumped;
}
