// The capacity guard (DESIGN §4, invariant 4) as statements for an atomic batch. A booking adds
// its quantity to every slot of its range in ONE statement: an INSERT … SELECT over a recursive
// CTE of slot starts that upserts slot_usage; the CHECK slot_capacity_exceeded (booked ≤
// capacity, or 0 when blocked) fails the statement, and so the whole batch, when any slot would
// be overbooked. Never "check availability, then insert": reads only explain a refusal.
//
// Each statement binds at most 7 parameters, well under D1's 100 per statement.
import { and, asc, gte, inArray, lt, gt, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { HOLDS_CAPACITY } from "../domain/booking-lifecycle";
import { MINUTE_MS, type SlotRow } from "../domain/slots";
import { bookings, slot_usage, type Booking } from "../db/schema";
import { perStore, statementShape, type Placeholders, type Store } from "../db/store";

interface SlotRange {
  offering_id: string;
  from: number;
  to: number;
  /** The slot length in ms. */
  step: number;
  booked: number;
  blocked: number;
}

/** Upserts one row per slot of [from, to) with `booked` added, or marked blocked. */
function upsertSlotsSql(v: Placeholders<SlotRange>, onConflict: SQL): SQL {
  // `WHERE true`: SQLite needs it to parse ON CONFLICT after an INSERT … SELECT.
  return sql`WITH RECURSIVE slots(slot_start_at) AS (
      SELECT ${v.from} UNION ALL SELECT slot_start_at + ${v.step} FROM slots WHERE slot_start_at + ${v.step} < ${v.to}
    )
    INSERT INTO slot_usage (offering_id, slot_start_at, booked_units, capacity_units, blocked)
    SELECT ${v.offering_id}, slot_start_at, ${v.booked}, (SELECT capacity_units FROM offerings WHERE id = ${v.offering_id}), ${v.blocked}
    FROM slots WHERE true
    ON CONFLICT (offering_id, slot_start_at) DO UPDATE SET ${onConflict}`;
}

// Every booking takes its units with this one: compiled once, bound per booking (statementShape).
const takeUnits = statementShape<SlotRange>((v) => upsertSlotsSql(v, sql`booked_units = slot_usage.booked_units + excluded.booked_units`));
const markBlocked = statementShape<SlotRange>((v) => upsertSlotsSql(v, sql`blocked = 1`));

/** Takes `quantity` units in every slot of [startsAt, endsAt). */
export function reserveSlots(b: Pick<Booking, "offering_id" | "starts_at" | "ends_at" | "quantity">, slotMinutes: number): SQLWrapper {
  return takeUnits({ offering_id: b.offering_id, from: b.starts_at, to: b.ends_at, step: slotMinutes * MINUTE_MS, booked: b.quantity, blocked: 0 });
}

/** Gives the units back. The rows exist (the reservation made them); booked never goes below 0. */
export function releaseSlots(b: Pick<Booking, "offering_id" | "starts_at" | "ends_at" | "quantity">): SQLWrapper {
  return sql`UPDATE slot_usage SET booked_units = booked_units - ${b.quantity}
    WHERE offering_id = ${b.offering_id} AND slot_start_at >= ${b.starts_at} AND slot_start_at < ${b.ends_at}`;
}

/** Marks [from, to) (aligned) blocked; the CHECK refuses it while any of those slots is booked. */
export function blockSlots(offeringId: string, from: number, to: number, slotMinutes: number): SQLWrapper {
  return markBlocked({ offering_id: offeringId, from, to, step: slotMinutes * MINUTE_MS, booked: 0, blocked: 1 });
}

/** New capacity for slots starting at or after `from`; the CHECK refuses it below what is booked. */
export function setCapacityFrom(offeringId: string, from: number, capacityUnits: number): SQLWrapper {
  return sql`UPDATE slot_usage SET capacity_units = ${capacityUnits} WHERE offering_id = ${offeringId} AND slot_start_at >= ${from}`;
}

// Every booking, quote and availability reads its slots: compiled once per store, bound per call.
const slotRowsRead = perStore((store) =>
  store.db
    .select({
      slot_start_at: slot_usage.slot_start_at,
      booked_units: slot_usage.booked_units,
      capacity_units: slot_usage.capacity_units,
      blocked: slot_usage.blocked,
    })
    .from(slot_usage)
    .where(
      and(
        sql`${slot_usage.offering_id} = ${sql.placeholder("offering_id")}`,
        gte(slot_usage.slot_start_at, sql.placeholder("from")),
        lt(slot_usage.slot_start_at, sql.placeholder("to")),
      ),
    )
    .orderBy(asc(slot_usage.slot_start_at))
    .prepare(),
);

export async function readSlotRows(store: Store, offeringId: string, from: number, to: number): Promise<SlotRow[]> {
  return slotRowsRead(store).all({ offering_id: offeringId, from, to });
}

/** Bookings holding capacity of this offering in any slot of [from, to). Bounded by the caller's range. */
export async function liveBookingsOverlapping(store: Store, offeringId: string, from: number, to: number, limit: number): Promise<Booking[]> {
  return store.db
    .select()
    .from(bookings)
    .where(
      and(
        sql`${bookings.offering_id} = ${offeringId}`,
        lt(bookings.starts_at, to),
        gt(bookings.ends_at, from),
        inArray(bookings.status, [...HOLDS_CAPACITY]),
      ),
    )
    .orderBy(asc(bookings.starts_at))
    .limit(limit);
}
