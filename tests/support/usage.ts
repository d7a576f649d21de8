// Usage reported through the API, as a provider's metering system would.
import { sql } from "drizzle-orm";
import type { TestClient } from "./client";
import type { Harness } from "./harness-types";
import { cst } from "./bookings";
import { randomBase32 } from "../../src/lib/ids";

export interface UsageLine {
  booking_id: string;
  /** Beijing local "2026-03-03T10:00". */
  from: string;
  to: string;
  quantity_milli: number;
  event_id?: string;
  reason?: string;
}

export const usageEvent = (u: UsageLine) => ({
  event_id: u.event_id ?? `evt-${randomBase32(8)}`,
  booking_id: u.booking_id,
  period_start: cst(u.from),
  period_end: cst(u.to),
  quantity_milli: u.quantity_milli,
  ...(u.reason ? { reason: u.reason } : {}),
});

export function postUsage(provider: TestClient, lines: UsageLine[]) {
  return provider.post("/api/usage", { events: lines.map(usageEvent) });
}

/** Reports usage that must be accepted in full. */
export async function reportUsage(provider: TestClient, lines: UsageLine[]) {
  const res = await postUsage(provider, lines);
  if (res.status !== 200 || res.body.accepted !== lines.length) throw new Error(`usage not accepted: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function meteredMilli(harness: Harness, bookingId: string): Promise<number | null> {
  const [row] = await harness.store.all<{ metered_milli: number }>(sql`SELECT metered_milli FROM booking_usage WHERE booking_id = ${bookingId}`);
  return row ? Number(row.metered_milli) : null;
}

export function importFile(provider: TestClient, body: string, format?: "csv" | "slurm") {
  return provider.call("POST", `/api/usage/import${format ? `?format=${format}` : ""}`, body, { "Content-Type": "text/csv" });
}
