// The reminder sweep: a voucher expiring within 30 days and within 7 days, and a booking request
// whose confirmation deadline is less than 2 hours away, each remind the people concerned once.
// Runs with the other sweeps (src/services/scheduled.ts) every minute on Node and on the Workers
// cron, possibly twice at once.
//
// Once-only lives in the write: each reminder's batch inserts its row in `reminders` (primary key
// kind + subject) with a token of its own, and its announcements are written only where the row
// carries that token. Two sweeps that read the same candidates both write; the first inserts the
// row and announces, the second's insert does nothing and neither do its announcements, even for
// a person who joined or unmuted the kind in between. The row is inserted only while the subject
// is still in the state reminded of (the voucher active, the request still waiting).
import { and, asc, eq, gt, lte, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { bookings, reminders, vouchers } from "../db/schema";
import type { Store } from "../db/store";
import { randomBase32 } from "../lib/ids";
import { DAY_MS, HOUR_MS } from "../lib/time";
import { bookingLapsingNews } from "./booking-news";
import { voucherNews } from "./voucher-news";

/** Vouchers are reminded when they have at most this many days left (each threshold once). */
export const EXPIRY_REMINDER_DAYS = [30, 7] as const;
/** A request waiting for the provider is reminded when its deadline is this close. */
export const LAPSE_REMINDER_MS = 2 * HOUR_MS;
/** Reminders of each kind one run sends at most; the next run takes the rest. */
export const REMINDER_SWEEP_LIMIT = 200;
/** Reminder rows are kept this long: far past any voucher's last reminder or request's deadline. */
export const REMINDER_RETENTION_MS = 180 * DAY_MS;

export interface PlannedReminder {
  kind: string;
  subject_id: string;
  statements: SQLWrapper[];
}

function reminderRow(kind: string, subjectId: string, token: string, stillDue: SQLWrapper, now: number): SQLWrapper {
  return sql`INSERT INTO reminders (kind, subject_id, token, created_at)
    SELECT ${kind}, ${subjectId}, ${token}, ${now} WHERE EXISTS (${stillDue})
    ON CONFLICT DO NOTHING RETURNING subject_id`;
}

const sentBy = (kind: string, subjectId: string, token: string) =>
  sql`EXISTS (SELECT 1 FROM reminders r WHERE r.kind = ${kind} AND r.subject_id = ${subjectId} AND r.token = ${token})`;

const notYet = (kind: string, subject: SQLWrapper) => sql`NOT EXISTS (SELECT 1 FROM reminders r WHERE r.kind = ${kind} AND r.subject_id = ${subject})`;

/**
 * One reminder's batch: its `reminders` row, inserted only while `stillDue` holds, then the
 * announcements `news` builds, written only where that row carries this batch's token.
 */
async function planned(
  kind: string,
  subjectId: string,
  stillDue: SQLWrapper,
  news: (once: { once_key: string; only_if: SQL }) => Promise<SQLWrapper[]>,
  now: number,
): Promise<PlannedReminder> {
  const token = randomBase32(10);
  return {
    kind,
    subject_id: subjectId,
    statements: [reminderRow(kind, subjectId, token, stillDue, now), ...(await news({ once_key: `${kind}:${subjectId}`, only_if: sentBy(kind, subjectId, token) }))],
  };
}

/** Reads the due reminders and builds each one's batch (nothing is written). */
export async function planReminders(store: Store, now: number): Promise<PlannedReminder[]> {
  const plan: PlannedReminder[] = [];
  // The 30-day threshold covers (7, 30] days left, the 7-day one (0, 7]: a voucher issued with
  // less than 30 days, or first seen inside 7, gets only the reminder that fits.
  for (const [i, days] of EXPIRY_REMINDER_DAYS.entries()) {
    const nearer = EXPIRY_REMINDER_DAYS[i + 1] ?? 0;
    const kind = `voucher.expiring:${days}`;
    const due = await store.db
      .select()
      .from(vouchers)
      .where(and(eq(vouchers.status, "active"), gt(vouchers.expires_at, now + nearer * DAY_MS), lte(vouchers.expires_at, now + days * DAY_MS), notYet(kind, vouchers.id)))
      .orderBy(asc(vouchers.expires_at), asc(vouchers.id))
      .limit(REMINDER_SWEEP_LIMIT);
    for (const voucher of due) {
      const stillActive = sql`SELECT 1 FROM vouchers WHERE id = ${voucher.id} AND status = 'active'`;
      plan.push(await planned(kind, voucher.id, stillActive, (once) => voucherNews(voucher, { kind: "voucher.expiring", days, ...once }, now), now));
    }
  }
  const lapsing = await store.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.status, "requested"), gt(bookings.confirm_by_at, now), lte(bookings.confirm_by_at, now + LAPSE_REMINDER_MS), notYet("booking.lapsing", bookings.id)))
    .orderBy(asc(bookings.confirm_by_at), asc(bookings.id))
    .limit(REMINDER_SWEEP_LIMIT);
  for (const booking of lapsing) {
    const stillWaiting = sql`SELECT 1 FROM bookings WHERE id = ${booking.id} AND status = 'requested'`;
    plan.push(await planned("booking.lapsing", booking.id, stillWaiting, (once) => bookingLapsingNews(booking, once, now), now));
  }
  return plan;
}

/** Commits one planned reminder; true when this batch is the one that sent it. */
export async function commitReminder(store: Store, reminder: PlannedReminder): Promise<boolean> {
  const [inserted] = await store.batch(reminder.statements);
  return (inserted?.length ?? 0) > 0;
}

export interface ReminderReport {
  sent: number;
  /** Sent by another sweep first, or the subject moved on (voucher ended, request answered). */
  skipped: number;
}

export async function sendReminders(store: Store, now: number): Promise<ReminderReport> {
  const report: ReminderReport = { sent: 0, skipped: 0 };
  for (const reminder of await planReminders(store, now)) {
    if (await commitReminder(store, reminder)) report.sent += 1;
    else report.skipped += 1;
  }
  return report;
}

export async function pruneReminders(store: Store, now: number): Promise<void> {
  await store.batch([store.db.delete(reminders).where(lte(reminders.created_at, now - REMINDER_RETENTION_MS))]);
}
