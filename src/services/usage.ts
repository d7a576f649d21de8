// Recording usage a provider reports. One write per batch (≤ MAX_USAGE_BATCH events):
//   1. the accepted events are inserted; their primary key (provider, event id) is the dedup key,
//      so a concurrent or retried batch fails the UNIQUE and re-reads (its events are then
//      duplicates) — the key is never claimed apart from the usage it dedups;
//   2. each touched booking's counter grows by the batch's net quantity; its CHECKs refuse a
//      total above what was booked or below zero, and a booking that left confirmed/in use since
//      the read (delivered, cancelled) feeds NULL into metered_milli and fails the batch.
// Events travel as one JSON parameter (json_each), so a batch of 1,000 is three statements and
// stays within D1's bound-parameter limit.
import { sql, type SQLWrapper } from "drizzle-orm";
import { commitAs, retryOnGuard } from "../db/atomic";
import type { AuditInput, AuditMeta } from "../db/audit";
import type { ConstraintViolation } from "../db/constraints";
import type { Store } from "../db/store";
import { judgeUsage, MILLI, type BookingForUsage, type UsageEventInput, type UsageJudgement } from "../domain/usage";
import { conflict, type AppError } from "../lib/errors";

export type UsageSource = "api" | "csv" | "slurm";

export interface UsageWriter {
  store: Store;
  meta: AuditMeta;
  provider_org_id: string;
  source: UsageSource;
  now: number;
}

/** Statuses in which a booking takes usage. */
export const METERING_STATUSES = ["confirmed", "in_use"] as const;

const inJson = (values: readonly string[]) => sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;

export async function readBookingsForUsage(store: Store, bookingIds: readonly string[]): Promise<Map<string, BookingForUsage>> {
  const map = new Map<string, BookingForUsage>();
  const unique = [...new Set(bookingIds)];
  for (let i = 0; i < unique.length; i += 1_000) {
    const rows = await store.all<BookingForUsage>(sql`
      SELECT b.id, b.provider_org_id, b.status, b.starts_at, b.ends_at, b.quantity,
             b.quantity * ((b.ends_at - b.starts_at) / (o.unit_minutes * 60000)) * ${MILLI} AS booked_milli,
             coalesce(u.metered_milli, 0) AS metered_milli, o.capacity_units, o.unit_minutes
      FROM bookings b JOIN offerings o ON o.id = b.offering_id LEFT JOIN booking_usage u ON u.booking_id = b.id
      WHERE b.id IN ${inJson(unique.slice(i, i + 1_000))}`);
    for (const r of rows) map.set(r.id, { ...r, booked_milli: Number(r.booked_milli), metered_milli: Number(r.metered_milli) });
  }
  return map;
}

export async function readPriorEvents(store: Store, providerOrgId: string, eventIds: readonly string[]): Promise<Map<string, UsageEventInput>> {
  const map = new Map<string, UsageEventInput>();
  const unique = [...new Set(eventIds)];
  for (let i = 0; i < unique.length; i += 1_000) {
    const rows = await store.all<UsageEventInput>(sql`
      SELECT event_id, booking_id, period_start_at, period_end_at, quantity_milli, reason FROM usage_events
      WHERE provider_org_id = ${providerOrgId} AND event_id IN ${inJson(unique.slice(i, i + 1_000))}`);
    for (const r of rows) map.set(r.event_id, r);
  }
  return map;
}

/** The statements that record accepted events under `batchId` and move their bookings' counters. */
export function usageStatements(w: UsageWriter, batchId: string, accepted: readonly UsageEventInput[], bookingsById: ReadonlyMap<string, BookingForUsage>, recordedBy: string | null): SQLWrapper[] {
  const events = accepted.map((e) => ({ e: e.event_id, b: e.booking_id, s: e.period_start_at, t: e.period_end_at, q: e.quantity_milli, r: e.reason }));
  const counters = [...new Set(accepted.map((e) => e.booking_id))].map((id) => ({ b: id, m: bookingsById.get(id)?.booked_milli ?? 0 }));
  const metering = sql.raw(METERING_STATUSES.map((s) => `'${s}'`).join(", "));
  return [
    sql`INSERT INTO usage_events (provider_org_id, event_id, booking_id, period_start_at, period_end_at, quantity_milli, reason, source, batch_id, recorded_by, created_at)
        SELECT ${w.provider_org_id}, json_extract(value, '$.e'), json_extract(value, '$.b'), json_extract(value, '$.s'), json_extract(value, '$.t'),
               json_extract(value, '$.q'), json_extract(value, '$.r'), ${w.source}, ${batchId}, ${recordedBy}, ${w.now}
        FROM json_each(${JSON.stringify(events)})`,
    sql`INSERT INTO booking_usage (booking_id, metered_milli, booked_milli)
        SELECT json_extract(value, '$.b'), 0, json_extract(value, '$.m') FROM json_each(${JSON.stringify(counters)}) WHERE true
        ON CONFLICT (booking_id) DO NOTHING`,
    sql`UPDATE booking_usage SET metered_milli = CASE
          WHEN (SELECT b.status FROM bookings b WHERE b.id = booking_usage.booking_id) IN (${metering})
          THEN metered_milli + (SELECT sum(e.quantity_milli) FROM usage_events e WHERE e.batch_id = ${batchId} AND e.booking_id = booking_usage.booking_id)
          ELSE NULL END
        WHERE booking_id IN (SELECT e.booking_id FROM usage_events e WHERE e.batch_id = ${batchId})`,
  ];
}

export interface UsageSummary {
  accepted: number;
  duplicate: number;
  refused: number;
  results: UsageJudgement["outcomes"];
}

export function summarise(judged: UsageJudgement): UsageSummary {
  let accepted = 0;
  let duplicate = 0;
  for (const o of judged.outcomes) {
    if (o.result === "accepted") accepted++;
    else if (o.result === "duplicate") duplicate++;
  }
  return { accepted, duplicate, refused: judged.outcomes.length - accepted - duplicate, results: judged.outcomes };
}

/**
 * Reads, judges and writes one batch; a guard failing (another batch committed in between)
 * re-reads and judges again, so the events it raced with come back as duplicates.
 */
export async function recordUsage(w: UsageWriter, events: readonly UsageEventInput[], recordedBy: string | null): Promise<UsageSummary> {
  return retryOnGuard(async () => {
    const bookingsById = await readBookingsForUsage(w.store, events.map((e) => e.booking_id));
    const prior = await readPriorEvents(w.store, w.provider_org_id, events.map((e) => e.event_id));
    const judged = judgeUsage(events, { provider_org_id: w.provider_org_id, bookings: bookingsById, prior, now: w.now });
    if (judged.accepted.length > 0) {
      const batchId = `usage-${crypto.randomUUID()}`;
      const event: AuditInput = {
        action: "usage.recorded",
        subject_type: "usage_batch",
        subject_id: batchId,
        after: { source: w.source, accepted: judged.accepted.length, quantity_milli_by_booking: Object.fromEntries(judged.delta_by_booking) },
      };
      await commitAs(w.store, w.meta, usageStatements(w, batchId, judged.accepted, bookingsById, recordedBy), [event]);
    }
    return summarise(judged);
  }, explainUsageGuard);
}

export function explainUsageGuard(v: ConstraintViolation): AppError {
  return conflict("usage_changed", `用量或预约状态刚被其他请求改变，请重试（${v.name}）/ Usage or the booking's state was just changed by another request; retry (${v.name})`);
}
