// Periodic work, run by the Workers cron trigger and by the Node server's timer alike.
// Each sweep is bounded and idempotent, so overlapping or repeated runs are harmless.
import { pruneRateLimits } from "../db/rate-limit";
import type { Store } from "../db/store";
import { sealAndCheckpoint, unsignedAuditSettings, type AuditSettings } from "./audit-log";
import { lapseOverdueBookings } from "./booking-lapse";
import { sweepExpiredVouchers } from "./expiry";

export async function runScheduled(store: Store, now: number, audit: AuditSettings = unsignedAuditSettings): Promise<void> {
  const expiry = await sweepExpiredVouchers(store, now);
  if (expiry.failed.length > 0) console.warn("voucher expiry sweep: some vouchers failed and stay active until the next run", expiry.failed);
  await lapseOverdueBookings(store, now);
  await pruneRateLimits(store, now);
  // Last, so the events the sweeps above appended are sealed (and checkpointed when due).
  await sealAndCheckpoint(store, audit, now);
}
