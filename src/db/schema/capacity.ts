// Offerings, blackouts, per-slot capacity counters and bookings.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { organisations } from "./people";

export const offerings = sqliteTable(
  "offerings",
  {
    id: text("id").primaryKey(),
    provider_org_id: text("provider_org_id").notNull().references(() => organisations.id),
    category: text("category", { enum: ["compute", "dataset", "simulation", "platform_service"] }).notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    region_code: text("region_code").notNull(),
    status: text("status", { enum: ["draft", "active", "paused", "retired"] }).notNull(),
    // Pricing: unit_price_fen buys one unit for unit_minutes (card-hour: 60, seat-day: 1440,
    // licence-month: 43200). Capacity is counted per slot of slot_minutes (60 or 1440), which
    // divides unit_minutes; a booking's duration is a whole number of units.
    unit: text("unit").notNull(),
    unit_minutes: integer("unit_minutes").notNull(),
    unit_price_fen: integer("unit_price_fen").notNull(),
    slot_minutes: integer("slot_minutes").notNull(),
    capacity_units: integer("capacity_units").notNull(),
    min_duration_units: integer("min_duration_units").notNull(),
    max_duration_units: integer("max_duration_units").notNull(),
    lead_time_minutes: integer("lead_time_minutes").notNull(),
    cancellation_notice_minutes: integer("cancellation_notice_minutes").notNull(),
    requires_confirmation: integer("requires_confirmation", { mode: "boolean" }).notNull(),
    // Weekly bookable hours as JSON: { "1": [[9, 18]], … } keyed by ISO weekday (1 = Monday),
    // hours in Asia/Shanghai; null means around the clock.
    weekly_hours_json: text("weekly_hours_json"),
    // Category details.
    domestic: integer("domestic", { mode: "boolean" }).notNull().default(false),
    accelerator_model: text("accelerator_model"),
    cards_per_node: integer("cards_per_node"),
    licence_terms: text("licence_terms"),
    access_mode: text("access_mode", { enum: ["download", "sandbox"] }),
    sensitivity_level: text("sensitivity_level", { enum: ["public", "internal", "sensitive"] }),
    created_at: createdAt(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    check("offerings_price_non_negative", sql`${t.unit_price_fen} >= 0`),
    check("offerings_capacity_non_negative", sql`${t.capacity_units} >= 0`),
    check("offerings_slot_minutes", sql`${t.slot_minutes} IN (60, 1440)`),
    check("offerings_unit_whole_slots", sql`${t.unit_minutes} > 0 AND ${t.unit_minutes} % ${t.slot_minutes} = 0`),
    check(
      "offerings_duration_bounds",
      sql`${t.min_duration_units} >= 1 AND ${t.max_duration_units} >= ${t.min_duration_units}`,
    ),
    index("offerings_provider_idx").on(t.provider_org_id),
    index("offerings_category_idx").on(t.category, t.status),
  ],
);

export const blackouts = sqliteTable(
  "blackouts",
  {
    id: text("id").primaryKey(),
    offering_id: text("offering_id").notNull().references(() => offerings.id),
    starts_at: integer("starts_at").notNull(),
    ends_at: integer("ends_at").notNull(),
    reason: text("reason").notNull(),
    created_at: createdAt(),
  },
  (t) => [
    check("blackouts_range", sql`${t.ends_at} > ${t.starts_at}`),
    index("blackouts_offering_idx").on(t.offering_id, t.starts_at),
    // Capacity search reads the blackouts still to end, never the whole history.
    index("blackouts_offering_end_idx").on(t.offering_id, t.ends_at),
  ],
);

// The capacity guard: one row per offering and slot that anything has touched. A booking adds
// its quantity to every slot of its range in the same batch as its voucher hold; a blackout
// marks slots blocked. The CHECK refuses the write that would overbook any slot.
export const slot_usage = sqliteTable(
  "slot_usage",
  {
    offering_id: text("offering_id").notNull(),
    slot_start_at: integer("slot_start_at").notNull(),
    booked_units: integer("booked_units").notNull(),
    capacity_units: integer("capacity_units").notNull(),
    blocked: integer("blocked", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.offering_id, t.slot_start_at] }),
    check("slot_booked_non_negative", sql`${t.booked_units} >= 0`),
    check(
      "slot_capacity_exceeded",
      sql`${t.booked_units} <= CASE WHEN ${t.blocked} THEN 0 ELSE ${t.capacity_units} END`,
    ),
    // Capacity search reads booked slots here and blocked ones from blackouts, so a blacked-out
    // month costs it one row, not one per slot. The units are in the index, so the search's test
    // (free units short of the need) is answered from the index alone, without a lookup per slot.
    index("slot_usage_free_idx").on(t.offering_id, t.slot_start_at, t.booked_units, t.capacity_units).where(sql`${t.blocked} = 0`),
  ],
);

export const bookings = sqliteTable(
  "bookings",
  {
    id: text("id").primaryKey(),
    offering_id: text("offering_id").notNull().references(() => offerings.id),
    provider_org_id: text("provider_org_id").notNull(),
    sme_org_id: text("sme_org_id").notNull(),
    created_by: text("created_by").notNull(),
    quantity: integer("quantity").notNull(),
    starts_at: integer("starts_at").notNull(),
    ends_at: integer("ends_at").notNull(),
    status: text("status", {
      enum: ["requested", "confirmed", "in_use", "delivered", "settled", "cancelled", "rejected", "lapsed"],
    }).notNull(),
    status_reason: text("status_reason"),
    gross_fen: integer("gross_fen").notNull(),
    subsidy_fen: integer("subsidy_fen").notNull(),
    copay_fen: integer("copay_fen").notNull(),
    // The voucher hold; null when booked at full price.
    voucher_id: text("voucher_id"),
    programme_id: text("programme_id"),
    programme_version: integer("programme_version"),
    hold_transfer_id: text("hold_transfer_id"),
    // Calendar year (Asia/Shanghai) whose annual cap the hold counts against.
    cap_year: integer("cap_year"),
    quote_json: text("quote_json").notNull(),
    confirm_by_at: integer("confirm_by_at"),
    delivered_subsidy_fen: integer("delivered_subsidy_fen"),
    // Settlement on metered usage (据实结算), beside the quote: set on delivery, redone (by
    // reversal transfers) when the agency upholds a dispute. delivered gross = subsidy + co-pay.
    delivered_gross_fen: integer("delivered_gross_fen"),
    delivered_copay_fen: integer("delivered_copay_fen"),
    delivered_quantity_milli: integer("delivered_quantity_milli"),
    delivered_at: integer("delivered_at"),
    // The SME confirms or disputes a delivery by confirm_delivery_by_at (silence confirms).
    confirmation_state: text("confirmation_state", { enum: ["pending", "confirmed", "disputed"] }),
    confirm_delivery_by_at: integer("confirm_delivery_by_at"),
    dispute_reason: text("dispute_reason"),
    dispute_resolution: text("dispute_resolution", { enum: ["upheld", "dismissed"] }),
    // The Slurm account (sacct Account) whose jobs count as this booking's usage.
    slurm_account: text("slurm_account"),
    created_at: createdAt(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    check("bookings_quantity_positive", sql`${t.quantity} > 0`),
    check("bookings_range", sql`${t.ends_at} > ${t.starts_at}`),
    check("bookings_money_adds_up", sql`${t.gross_fen} = ${t.subsidy_fen} + ${t.copay_fen}`),
    check("bookings_money_non_negative", sql`${t.subsidy_fen} >= 0 AND ${t.copay_fen} >= 0`),
    check(
      "bookings_hold_iff_voucher",
      sql`(${t.voucher_id} IS NULL) = (${t.hold_transfer_id} IS NULL)`,
    ),
    index("bookings_offering_idx").on(t.offering_id, t.starts_at),
    index("bookings_sme_idx").on(t.sme_org_id, t.created_at),
    index("bookings_provider_idx").on(t.provider_org_id, t.status),
    // A programme's bookings still running at or after an instant (a report's utilisation window).
    index("bookings_programme_idx").on(t.programme_id, t.ends_at),
    index("bookings_slurm_account_idx").on(t.provider_org_id, t.slurm_account),
  ],
);

export type Offering = typeof offerings.$inferSelect;
export type Booking = typeof bookings.$inferSelect;
