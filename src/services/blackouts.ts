// Maintenance windows (blackouts) changed after they were added: moved, re-timed, removed, and
// recurring series expanded into concrete windows. A window blocks every slot it touches
// (slot_usage.blocked, refused by slot_capacity_exceeded while any of them is booked); the rows
// of `blackouts` and the blocked flags are written together in one batch, always.
//
// Removing or moving a window unblocks its old slots in the same statement that checks no other
// window of the offering still covers them (NOT EXISTS in the UPDATE), so two overlapping windows
// never unblock each other's time. The window's row is guarded in the write: a change to a window
// that a concurrent request already removed or that has ended fails the batch.
import { sql, type SQLWrapper } from "drizzle-orm";
import { MINUTE_MS } from "../domain/slots";
import { SHANGHAI_OFFSET_MS, DAY_MS, HOUR_MS, shanghaiMidnight } from "../lib/time";
import { providerIsPublished } from "./vetting";

/** Clears `blocked` on the slots of [from, to) that no window of the offering still overlaps. */
export function unblockUncoveredSlots(offeringId: string, from: number, to: number, slotMinutes: number): SQLWrapper {
  const step = slotMinutes * MINUTE_MS;
  return sql`UPDATE slot_usage SET blocked = 0
    WHERE offering_id = ${offeringId} AND slot_start_at >= ${from} AND slot_start_at < ${to} AND blocked = 1
      AND NOT EXISTS (SELECT 1 FROM blackouts b WHERE b.offering_id = slot_usage.offering_id
        AND b.starts_at < slot_usage.slot_start_at + ${step} AND b.ends_at > slot_usage.slot_start_at)`;
}

/**
 * Fails the batch (NOT NULL on offerings.status) unless the window is still on this offering as
 * it was read (same start and end, so the slots the change unblocks are the right ones) and has
 * not ended at `now`: a no-op write on the offering's row otherwise.
 */
export function blackoutUnchangedGuard(read: { id: string; offering_id: string; starts_at: number; ends_at: number }, now: number): SQLWrapper {
  return sql`UPDATE offerings SET status = CASE WHEN EXISTS (SELECT 1 FROM blackouts
      WHERE id = ${read.id} AND offering_id = ${read.offering_id} AND starts_at = ${read.starts_at} AND ends_at = ${read.ends_at}
        AND ends_at > ${now}) THEN status ELSE NULL END
    WHERE id = ${read.offering_id}`;
}

/**
 * Fails the batch (NOT NULL on offerings.status) unless the offering's provider is published
 * (approved by an agency, not suspended): ends every write that makes an offering active.
 */
export function publishedProviderGuard(offeringId: string, providerOrgId: string): SQLWrapper {
  return sql`UPDATE offerings SET status = CASE WHEN ${providerIsPublished(
    sql`(SELECT provider_status FROM organisations WHERE id = ${providerOrgId})`,
    sql`${providerOrgId}`,
  )} THEN status ELSE NULL END
    WHERE id = ${offeringId}`;
}

export interface SeriesRule {
  weekdays: readonly number[];
  start_hour: number;
  end_hour: number;
  from_date: string;
  until_date: string;
}

export type SeriesExpansion = { ok: true; windows: { starts_at: number; ends_at: number }[] } | { ok: false; reason: "too_many"; count: number };

/**
 * The concrete windows of a weekly rule, in Asia/Shanghai: every day from from_date to
 * until_date (inclusive) whose ISO weekday is listed, start_hour to end_hour. Windows that start
 * before `now` are left out. Stops counting past `max` (the caller refuses the rule).
 */
export function expandSeries(rule: SeriesRule, now: number, max: number): SeriesExpansion {
  const weekdays = new Set(rule.weekdays);
  const windows: { starts_at: number; ends_at: number }[] = [];
  const last = shanghaiMidnight(rule.until_date);
  for (let day = shanghaiMidnight(rule.from_date); day <= last; day += DAY_MS) {
    const weekday = ((new Date(day + SHANGHAI_OFFSET_MS).getUTCDay() + 6) % 7) + 1;
    if (!weekdays.has(weekday)) continue;
    const starts_at = day + rule.start_hour * HOUR_MS;
    if (starts_at < now) continue;
    windows.push({ starts_at, ends_at: day + rule.end_hour * HOUR_MS });
    if (windows.length > max) return { ok: false, reason: "too_many", count: windows.length };
  }
  return { ok: true, windows };
}
