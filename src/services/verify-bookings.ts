// Invariant checks for capacity and bookings (DESIGN §4, invariant 4), appended to the checker
// in verify.ts. Each is one read-only statement, linear in the rows it reads.
import { sql } from "drizzle-orm";
import { HOLDS_CAPACITY } from "../domain/booking-lifecycle";
import type { InvariantCheck } from "./verify";

const holdingCapacity = sql.raw(HOLDS_CAPACITY.map((s) => `'${s}'`).join(", "));

function firstOffending(description: string, query: ReturnType<typeof sql>): InvariantCheck["run"] {
  return async (store) => {
    const [first] = await store.all<Record<string, unknown>>(sql`${query} LIMIT 1`);
    if (!first) return { ok: true, detail: description, first_failure: null };
    const { failures, ...row } = first;
    return { ok: false, detail: `${Number(failures)} violation(s): ${description}`, first_failure: row };
  };
}

/** Every slot's booked units equal the units of the bookings holding it, and fit its capacity. */
export const slotsMatchBookings: InvariantCheck = {
  name: "slots_match_bookings",
  run: firstOffending(
    "every slot holds exactly its live bookings' units, no more than its capacity (0 when blacked out)",
    sql`
      WITH RECURSIVE taken(offering_id, slot_start_at, quantity, ends_at, step) AS (
        SELECT b.offering_id, b.starts_at, b.quantity, b.ends_at, o.slot_minutes * 60000
        FROM bookings b JOIN offerings o ON o.id = b.offering_id
        WHERE b.status IN (${holdingCapacity})
        UNION ALL
        SELECT offering_id, slot_start_at + step, quantity, ends_at, step FROM taken WHERE slot_start_at + step < ends_at
      ), expected AS (
        SELECT offering_id, slot_start_at, sum(quantity) AS live_units FROM taken GROUP BY offering_id, slot_start_at
      ), compared AS (
        SELECT su.offering_id, su.slot_start_at, su.booked_units, su.capacity_units, su.blocked, coalesce(e.live_units, 0) AS live_units
        FROM slot_usage su LEFT JOIN expected e ON e.offering_id = su.offering_id AND e.slot_start_at = su.slot_start_at
        UNION ALL
        SELECT e.offering_id, e.slot_start_at, NULL, NULL, NULL, e.live_units FROM expected e
        WHERE NOT EXISTS (SELECT 1 FROM slot_usage su WHERE su.offering_id = e.offering_id AND su.slot_start_at = e.slot_start_at)
      )
      SELECT *, count(*) OVER () AS failures FROM compared
      WHERE booked_units IS NULL OR booked_units <> live_units
         OR booked_units > CASE WHEN blocked THEN 0 ELSE capacity_units END
      ORDER BY offering_id, slot_start_at`,
  ),
};

/** A booking's hold is pending while it lives, voided once released, posted (≤ held) once delivered. */
export const bookingsMatchHolds: InvariantCheck = {
  name: "bookings_match_holds",
  run: firstOffending(
    "each booking with a voucher has its hold: pending while live, voided when released, posted for the delivered subsidy (less any upheld dispute's reversal)",
    sql`
      SELECT b.id AS booking_id, b.status, b.subsidy_fen, b.delivered_subsidy_fen, h.id AS hold_id, h.kind AS hold_kind,
             h.amount_fen AS held_fen, r.kind AS resolution, r.amount_fen AS resolved_fen, count(*) OVER () AS failures
      FROM bookings b
      LEFT JOIN ledger_transfers h ON h.id = b.hold_transfer_id
      LEFT JOIN ledger_transfers r ON r.pending_id = b.hold_transfer_id
      WHERE b.hold_transfer_id IS NOT NULL AND (
            h.id IS NULL OR h.kind <> 'pending' OR h.amount_fen <> b.subsidy_fen OR h.subject_id IS NOT b.id
         OR (b.status IN ('requested', 'confirmed', 'in_use') AND r.id IS NOT NULL)
         OR (b.status IN ('cancelled', 'rejected', 'lapsed') AND r.kind IS NOT 'void_pending')
         OR (b.status IN ('delivered', 'settled') AND (r.kind IS NOT 'post_pending'
             OR r.amount_fen - coalesce((SELECT sum(x.amount_fen) FROM ledger_transfers x WHERE x.subject_id = b.id AND x.code = 'dispute_reversal'), 0) IS NOT b.delivered_subsidy_fen)))
      ORDER BY b.id`,
  ),
};
