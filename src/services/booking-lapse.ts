// The lapse sweep: requests a provider did not confirm by confirm_by_at give their capacity and
// hold back. Runs from the Workers cron (src/worker.ts) and `npm run cli -- lapse`. Each booking
// is its own batch, guarded by its status transition, so a provider confirming at the same
// moment wins or loses cleanly and a booking lapses at most once however many sweeps overlap.
import { and, asc, eq, lte } from "drizzle-orm";
import { commitAs } from "../db/atomic";
import { constraintViolation } from "../db/constraints";
import { bookings } from "../db/schema";
import type { Store } from "../db/store";
import { bookingNews } from "./booking-news";
import { releaseBookingStatements, releaseEvent, type Release } from "./bookings-release";

/** Bookings one sweep lapses at most; the next run takes the rest. */
export const LAPSE_SWEEP_LIMIT = 200;

export const LAPSE_REASON = "服务商未在确认期限内确认 / The provider did not confirm by the deadline";

export interface LapseResult {
  lapsed: number;
  /** Moved by someone else between the read and the write (confirmed, cancelled, another sweep). */
  skipped: number;
}

export async function lapseOverdueBookings(store: Store, now: number): Promise<LapseResult> {
  const overdue = await store.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.status, "requested"), lte(bookings.confirm_by_at, now)))
    .orderBy(asc(bookings.confirm_by_at))
    .limit(LAPSE_SWEEP_LIMIT);
  const result: LapseResult = { lapsed: 0, skipped: 0 };
  for (const booking of overdue) {
    const release: Release = { to: "lapsed", from: ["requested"], reason: LAPSE_REASON, ledger_code: "lapse", now };
    try {
      const statements = await releaseBookingStatements(store, booking, release);
      const news = await bookingNews(booking, { ...booking, status: "lapsed", status_reason: LAPSE_REASON }, { user_id: null, org_id: null }, now);
      await commitAs(store, { at: now, request_id: `lapse-${now}`, actor_user_id: null, actor_org_id: null }, [...statements, ...news], [releaseEvent(booking, release)]);
      result.lapsed += 1;
    } catch (error) {
      if (!constraintViolation(error)) throw error;
      result.skipped += 1;
    }
  }
  return result;
}
