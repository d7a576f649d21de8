// Periodic work, run by the Workers cron trigger and by the Node server's timer alike.
// Each sweep is bounded and idempotent, so overlapping or repeated runs are harmless.
import { pruneRateLimits } from "../db/rate-limit";
import type { Store } from "../db/store";
import { pruneWebhookHistory } from "../webhooks/delivery";
import { pruneNotifications } from "./inbox";
import { sealAndCheckpoint, unsignedAuditSettings, type AuditSettings } from "./audit-log";
import { lapseOverdueBookings } from "./booking-lapse";
import { sweepLapsedClaims } from "./claim-lapse";
import { sweepDeliveries } from "./delivery-sweep";
import { sweepExpiredVouchers } from "./expiry";
import { pruneReminders, sendReminders } from "./reminders";
import { sweepAnomalies } from "./anomalies";
import { DEFAULT_ANOMALY_SETTINGS, type AnomalySettings } from "../domain/anomaly-rules";

export async function runScheduled(
  store: Store,
  now: number,
  audit: AuditSettings = unsignedAuditSettings,
  anomalies: AnomalySettings = DEFAULT_ANOMALY_SETTINGS,
): Promise<void> {
  // Deliveries first: a booking that ended is settled on its usage before its voucher can expire.
  await sweepDeliveries(store, now);
  // Then unclaimed settlements past their claim deadline go back, while their voucher may still take them.
  await sweepLapsedClaims(store, now);
  const expiry = await sweepExpiredVouchers(store, now);
  if (expiry.failed.length > 0) console.warn("voucher expiry sweep: some vouchers failed and stay active until the next run", expiry.failed);
  await lapseOverdueBookings(store, now);
  // After expiry and lapses, so nothing ended this run is reminded of.
  await sendReminders(store, now);
  await pruneRateLimits(store, now);
  await pruneNotifications(store, now);
  await pruneReminders(store, now);
  await pruneWebhookHistory(store, now);
  // Anomaly flags read the audit log after the sweeps above wrote to it: one bounded step per
  // run; a failure is logged and retried next run, never passed on to anything else.
  try {
    await sweepAnomalies(store, now, anomalies);
  } catch (error) {
    console.warn("anomaly sweep failed; it resumes from the same place next run", error);
  }
  // Last, so the events the sweeps above appended are sealed (and checkpointed when due).
  await sealAndCheckpoint(store, audit, now);
}
