// Releasing one booking: cancel, reject, lapse, a provider's forced capacity change, or the
// voucher-expiry sweep. The statements go into the caller's atomic batch:
//   1. the status moves from an allowed state, or the statement fails (src/db/guards.ts), so a
//      booking is released at most once even when two releases race;
//   2. its units go back to every slot of its range;
//   3. its voucher hold (if any) is voided and the annual-cap room given back.
import { eq, type SQLWrapper } from "drizzle-orm";
import { RELEASABLE, type BookingStatus } from "../domain/booking-lifecycle";
import type { AuditInput } from "../db/audit";
import { transition } from "../db/guards";
import { bookings, type Booking } from "../db/schema";
import type { Store } from "../db/store";
import { toShanghaiIso } from "../lib/time";
import { releaseSlots } from "./capacity";
import { readHeldBooking, releaseHold } from "./holds";

export type ReleasedStatus = "cancelled" | "rejected" | "lapsed";

export interface Release {
  to: ReleasedStatus;
  /** States it may leave; default: not yet started (requested, confirmed). */
  from?: readonly BookingStatus[];
  /** Shown to both parties ("服务商维护 / Provider maintenance", "券已过期 / Voucher expired"). */
  reason: string | null;
  /** Ledger code of the void transfer; default: the new status. */
  ledger_code?: string;
  now: number;
}

/** The statements that release `booking` (read just before). */
export async function releaseBookingStatements(store: Store, booking: Booking, release: Release): Promise<SQLWrapper[]> {
  const from = release.from ?? RELEASABLE;
  const statements: SQLWrapper[] = [
    store.db
      .update(bookings)
      .set({
        status: transition(bookings.status, from, release.to) as never,
        status_reason: release.reason,
        updated_at: release.now,
      })
      .where(eq(bookings.id, booking.id)),
    releaseSlots(booking),
  ];
  if (booking.hold_transfer_id) statements.push(...(await holdRelease(store, booking, release)));
  return statements;
}

async function holdRelease(store: Store, booking: Booking, release: Release): Promise<SQLWrapper[]> {
  const { hold, held } = await readHeldBooking(store, booking);
  return releaseHold(store, hold, held, release.ledger_code ?? release.to, release.now);
}

/** The audit event for a release, for the same batch. */
export function releaseEvent(booking: Booking, release: Release, action = `booking.${release.to}`): AuditInput {
  return {
    action,
    subject_type: "booking",
    subject_id: booking.id,
    programme_id: booking.programme_id,
    before: { status: booking.status },
    after: {
      status: release.to,
      status_reason: release.reason,
      released_units: booking.quantity,
      range: [toShanghaiIso(booking.starts_at), toShanghaiIso(booking.ends_at)],
      voided_hold_fen: booking.hold_transfer_id ? booking.subsidy_fen : 0,
    },
  };
}
