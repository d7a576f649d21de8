// Delivery settles on what was used (据实结算). In one atomic write:
//   - the booking moves to delivered (status transition guard) with its delivered gross,
//     subsidy and co-pay beside the quote, and awaits the SME's confirmation;
//   - the usage counter is frozen at the value the settlement was computed from (a batch
//     landing in between fails the write, which re-reads);
//   - the hold is posted for the subsidy on the metered gross, the rest returns to the voucher
//     and the annual-cap room comes back.
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import { assertMove, type MoveStatements } from "./booking-moves";
import { MOVES } from "../domain/booking-lifecycle";
import { ProgrammeRulesSchema, upgradeStoredRules } from "../domain/programme-rules";
import { bookedMilli, settleOnUsage, type UsageSettlement } from "../domain/usage";
import type { AuditInput } from "../db/audit";
import { transition } from "../db/guards";
import { booking_usage, bookings, programme_versions, type Booking } from "../db/schema";
import type { Store } from "../db/store";
import { conflict } from "../lib/errors";
import { DAY_MS, shanghaiText } from "../lib/time";
import { readHeldBooking, settleHold } from "./holds";

export const DEFAULT_CONFIRMATION_DAYS = 7;

interface QuoteTerms {
  unit_price_fen: number;
  duration_units: number;
  subsidy: { ratio_bp: number } | null;
}

export const quoteTerms = (b: Booking) => JSON.parse(b.quote_json) as QuoteTerms;

export const bookedMilliOf = (b: Booking) => bookedMilli(b.quantity, quoteTerms(b).duration_units);

export async function readMeteredMilli(store: Store, bookingId: string): Promise<number> {
  const [row] = await store.db.select({ metered_milli: booking_usage.metered_milli }).from(booking_usage).where(eq(booking_usage.booking_id, bookingId));
  return row?.metered_milli ?? 0;
}

/** The settlement for `meteredMilli` under the booking's quote: same price, ratio and rule version; never above the hold. */
export function settlementFor(b: Booking, meteredMilli: number): UsageSettlement {
  const q = quoteTerms(b);
  return settleOnUsage({ unit_price_fen: q.unit_price_fen, metered_milli: meteredMilli, ratio_bp: q.subsidy?.ratio_bp ?? 0, held_fen: b.hold_transfer_id ? b.subsidy_fen : 0 });
}

async function confirmationDays(store: Store, b: Booking): Promise<number> {
  if (!b.programme_id || b.programme_version === null) return DEFAULT_CONFIRMATION_DAYS;
  const [row] = await store.db
    .select({ rules_json: programme_versions.rules_json })
    .from(programme_versions)
    .where(sql`${programme_versions.programme_id} = ${b.programme_id} AND ${programme_versions.version} = ${b.programme_version}`);
  const rules = row ? ProgrammeRulesSchema.safeParse(upgradeStoredRules(JSON.parse(row.rules_json))) : null;
  return (rules?.success ? rules.data.confirmation_days : undefined) ?? DEFAULT_CONFIRMATION_DAYS;
}

/** The usage counter exists and still holds `meteredMilli`, or the statement fails (usage landed since the read). */
export function freezeUsage(store: Store, b: Booking, meteredMilli: number, setTo = meteredMilli): SQLWrapper[] {
  return [
    sql`INSERT INTO booking_usage (booking_id, metered_milli, booked_milli) VALUES (${b.id}, 0, ${bookedMilliOf(b)}) ON CONFLICT (booking_id) DO NOTHING`,
    store.db
      .update(booking_usage)
      .set({ metered_milli: sql`CASE WHEN ${booking_usage.metered_milli} = ${meteredMilli} THEN ${setTo} ELSE NULL END` })
      .where(eq(booking_usage.booking_id, b.id)),
  ];
}

/** Delivered on metered usage, from its start on. `reason` explains a delivery nobody asked for (the sweep). */
export async function deliverStatements(store: Store, booking: Booking, now: number, reason: string | null = null): Promise<MoveStatements> {
  assertMove(booking, "deliver");
  if (now < booking.starts_at) {
    throw conflict("not_started_yet", `预约于${shanghaiText(booking.starts_at)}开始，开始后才能交付 / The booking starts at ${shanghaiText(booking.starts_at)}; it can be delivered only from then`);
  }
  const metered = await readMeteredMilli(store, booking.id);
  const s = settlementFor(booking, metered);
  const days = await confirmationDays(store, booking);
  const delivered = {
    status: "delivered" as const,
    status_reason: reason ?? booking.status_reason,
    delivered_gross_fen: s.gross_fen,
    delivered_subsidy_fen: s.subsidy_fen,
    delivered_copay_fen: s.copay_fen,
    delivered_quantity_milli: metered,
    delivered_at: now,
    confirmation_state: "pending" as const,
    confirm_delivery_by_at: now + days * DAY_MS,
    updated_at: now,
  };
  const statements: SQLWrapper[] = [
    ...freezeUsage(store, booking, metered),
    store.db
      .update(bookings)
      .set({ ...delivered, status: transition(bookings.status, MOVES.deliver.from, "delivered") as never })
      .where(eq(bookings.id, booking.id)),
  ];
  if (booking.hold_transfer_id) {
    const { hold, held } = await readHeldBooking(store, booking);
    statements.push(...settleHold(store, hold, held, s.subsidy_fen, now));
  }
  const event: AuditInput = {
    action: "booking.delivered",
    subject_type: "booking",
    subject_id: booking.id,
    programme_id: booking.programme_id,
    before: { status: booking.status, gross_fen: booking.gross_fen, subsidy_fen: booking.subsidy_fen, copay_fen: booking.copay_fen },
    after: { ...delivered, returned_to_voucher_fen: booking.hold_transfer_id ? booking.subsidy_fen - s.subsidy_fen : 0 },
  };
  return { statements, events: [event], after: { ...booking, ...delivered } };
}
