// Metered usage against what was booked and what the offering has (docs/anomalies.md).
import { sql } from "drizzle-orm";
import type { Booking } from "../../db/schema";
import { exceedsUnits, peakLoadMilli } from "../../domain/anomaly-rules";
import { shanghaiText } from "../../lib/time";
import { MAX_EVIDENCE_ROWS, type Candidate, type EvidenceRow } from "./evidence";
import type { SweepReads } from "./sweep-reads";

const MAX_USAGE_SPANS = 1_000;

/** More units in use at once than the booking booked, or than the offering physically has. */
export async function usageRules(reads: SweepReads, booking: Booking): Promise<Candidate[]> {
  if (!booking.programme_id) return [];
  const offering = await reads.offering(booking.offering_id);
  const spans = await reads.store.all<{ booking_id: string; provider_org_id: string; event_id: string; start: number; end: number; quantity_milli: number }>(sql`
    SELECT u.booking_id, u.provider_org_id, u.event_id, u.period_start_at AS start, u.period_end_at AS "end", u.quantity_milli
    FROM usage_events u JOIN bookings b ON b.id = u.booking_id
    WHERE b.offering_id = ${booking.offering_id} AND b.starts_at < ${booking.ends_at} AND b.ends_at > ${booking.starts_at}
      AND u.period_start_at < ${booking.ends_at} AND u.period_end_at > ${booking.starts_at}
    ORDER BY u.period_start_at LIMIT ${MAX_USAGE_SPANS}`);
  const typed = spans.map((s) => ({ ...s, start: Number(s.start), end: Number(s.end), quantity_milli: Number(s.quantity_milli) }));
  const own = typed.filter((s) => s.booking_id === booking.id);
  const out: Candidate[] = [];
  const base = { subject_kind: "booking" as const, subject_id: booking.id, programme_id: booking.programme_id };
  const eventRows = (list: typeof typed, at: number): EvidenceRow[] =>
    list
      .filter((s) => s.start <= at && s.end > at)
      .slice(0, MAX_EVIDENCE_ROWS)
      .map((s) => ({ kind: "usage_event", id: `${s.provider_org_id}/${s.event_id}`, label: `${s.event_id} · ${shanghaiText(s.start)}–${shanghaiText(s.end)} · ${s.quantity_milli / 1000}`, role: s.booking_id }));

  const ownPeak = peakLoadMilli(own, offering.unit_minutes);
  if (ownPeak && exceedsUnits(ownPeak.load_milli, booking.quantity)) {
    const units = Math.round(ownPeak.load_milli) / 1000;
    out.push({
      ...base,
      rule: "usage_above_booked",
      evidence: {
        summary_zh: `${shanghaiText(ownPeak.at)} 同时使用 ${units} 个单位，超过预约的 ${booking.quantity} 个`,
        summary_en: `${units} units in use at ${shanghaiText(ownPeak.at)}, more than the ${booking.quantity} booked`,
        rows: [await reads.bookingRow(booking, "booking"), ...eventRows(own, ownPeak.at)],
        figures: { peak_units: units, booked_units: booking.quantity },
      },
    });
  }
  const allPeak = peakLoadMilli(typed, offering.unit_minutes);
  if (allPeak && own.some((s) => s.start <= allPeak.at && s.end > allPeak.at) && exceedsUnits(allPeak.load_milli, offering.capacity_units)) {
    const units = Math.round(allPeak.load_milli) / 1000;
    out.push({
      ...base,
      rule: "usage_above_capacity",
      evidence: {
        summary_zh: `${shanghaiText(allPeak.at)} ${offering.name} 同时使用 ${units} 个单位，超过其容量 ${offering.capacity_units}`,
        summary_en: `${units} units of ${offering.name} in use at ${shanghaiText(allPeak.at)}, more than its capacity of ${offering.capacity_units}`,
        rows: [await reads.bookingRow(booking, "booking"), ...eventRows(typed, allPeak.at)],
        figures: { peak_units: units, capacity_units: offering.capacity_units },
      },
    });
  }
  return out;
}
