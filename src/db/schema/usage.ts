// Usage a provider reports for its bookings (据实结算: subsidy is paid on what was used).
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { bookings } from "./capacity";

// Immutable. The primary key (provider, event id) is the dedup key, claimed in the same atomic
// write as the usage it counts: a retried batch can never count an event twice, and a failed
// write claims nothing. Corrections are new events with a negative quantity and a reason.
export const usage_events = sqliteTable(
  "usage_events",
  {
    provider_org_id: text("provider_org_id").notNull(),
    event_id: text("event_id").notNull(),
    booking_id: text("booking_id").notNull().references(() => bookings.id),
    period_start_at: integer("period_start_at").notNull(),
    period_end_at: integer("period_end_at").notNull(),
    // Thousandths of the offering's unit (card-hours, seat-days …): 1.5 card-hours = 1500.
    quantity_milli: integer("quantity_milli").notNull(),
    reason: text("reason"),
    source: text("source", { enum: ["api", "csv", "slurm", "dispute"] }).notNull(),
    // The write that recorded it: the counters are moved by sums over one batch's events.
    batch_id: text("batch_id").notNull(),
    recorded_by: text("recorded_by"),
    created_at: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.provider_org_id, t.event_id] }),
    check("usage_period_range", sql`${t.period_end_at} > ${t.period_start_at}`),
    check("usage_quantity_non_zero", sql`${t.quantity_milli} <> 0`),
    check("usage_correction_has_reason", sql`${t.quantity_milli} > 0 OR ${t.reason} IS NOT NULL`),
    index("usage_events_booking_idx").on(t.booking_id, t.period_start_at),
    index("usage_events_batch_idx").on(t.batch_id),
  ],
);

// One counter per booking that has usage: the guard against reporting more than was booked
// (usage_above_booked) and against corrections taking the total below zero (usage_below_zero).
export const booking_usage = sqliteTable(
  "booking_usage",
  {
    booking_id: text("booking_id").primaryKey().references(() => bookings.id),
    metered_milli: integer("metered_milli").notNull(),
    booked_milli: integer("booked_milli").notNull(),
  },
  (t) => [
    check("usage_below_zero", sql`${t.metered_milli} >= 0`),
    check("usage_above_booked", sql`${t.metered_milli} <= ${t.booked_milli}`),
  ],
);

export type UsageEvent = typeof usage_events.$inferSelect;
