// The delivery sweep (Workers cron, the Node timer): bookings whose window has ended are
// delivered on the usage reported; one with no usage by its end + NO_USAGE_GRACE is delivered at
// zero (its hold released in full). Deliveries the SME neither confirmed nor disputed within the
// confirmation window are confirmed (silence confirms). Each booking is its own batch, guarded
// by its transitions, so overlapping sweeps or a party acting at the same moment move it once.
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { commitAs } from "../db/atomic";
import type { AuditMeta } from "../db/audit";
import { constraintViolation } from "../db/constraints";
import { bookings } from "../db/schema";
import type { Store } from "../db/store";
import { AppError } from "../lib/errors";
import { DAY_MS } from "../lib/time";
import type { MoveStatements } from "./booking-moves";
import { deliverStatements } from "./delivery";
import { confirmDeliveryStatements } from "./delivery-confirmation";
import { METERING_STATUSES } from "./usage";

export const DELIVERY_SWEEP_LIMIT = 100;
/** How long after its end a booking waits for usage before it is delivered at zero. */
export const NO_USAGE_GRACE_MS = 3 * DAY_MS;
export const ENDED_REASON = "预约已结束，按已报用量自动交付 / The booking ended; delivered automatically on the usage reported";
export const NO_USAGE_REASON = "结束后3天内未报告用量，按零交付并释放冻结补贴 / No usage reported within 3 days of the end: delivered at zero, the hold released";

export interface DeliverySweepResult {
  delivered: number;
  delivered_at_zero: number;
  confirmed: number;
  /** Moved by someone else between the read and the write. */
  skipped: number;
}

const sweepMeta = (now: number, what: string): AuditMeta => ({ at: now, request_id: `${what}-${now}`, actor_user_id: null, actor_org_id: null });

async function attempt(store: Store, meta: AuditMeta, move: () => Promise<MoveStatements> | MoveStatements): Promise<boolean> {
  try {
    const m = await move();
    await commitAs(store, meta, m.statements, m.events);
    return true;
  } catch (error) {
    if (constraintViolation(error) || error instanceof AppError) return false;
    throw error;
  }
}

export async function sweepDeliveries(store: Store, now: number): Promise<DeliverySweepResult> {
  const result: DeliverySweepResult = { delivered: 0, delivered_at_zero: 0, confirmed: 0, skipped: 0 };
  const hasUsage = sql<number>`EXISTS (SELECT 1 FROM usage_events e WHERE e.booking_id = ${bookings.id})`;
  const due = await store.db
    .select({ booking: bookings, has_usage: hasUsage })
    .from(bookings)
    .where(and(inArray(bookings.status, [...METERING_STATUSES]), lte(bookings.ends_at, now), sql`(${hasUsage} OR ${bookings.ends_at} + ${NO_USAGE_GRACE_MS} <= ${now})`))
    .orderBy(asc(bookings.ends_at))
    .limit(DELIVERY_SWEEP_LIMIT);
  for (const { booking, has_usage } of due) {
    const used = Boolean(has_usage);
    const ok = await attempt(store, sweepMeta(now, "deliver-sweep"), () => deliverStatements(store, booking, now, used ? ENDED_REASON : NO_USAGE_REASON));
    if (!ok) result.skipped++;
    else if (used) result.delivered++;
    else result.delivered_at_zero++;
  }
  const silent = await store.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.status, "delivered"), eq(bookings.confirmation_state, "pending"), lte(bookings.confirm_delivery_by_at, now)))
    .orderBy(asc(bookings.confirm_delivery_by_at))
    .limit(DELIVERY_SWEEP_LIMIT);
  for (const booking of silent) {
    const ok = await attempt(store, sweepMeta(now, "confirm-sweep"), () => confirmDeliveryStatements(store, booking, now, "sweep"));
    if (ok) result.confirmed++;
    else result.skipped++;
  }
  return result;
}
