// Anomaly flags (docs/anomalies.md): patterns worth an agency reviewer's look, raised by the
// sweep from the audit log, never by the write that caused them. Conventions: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

export const ANOMALY_RULES = [
  "related_parties",
  "shared_contact",
  "usage_above_booked",
  "usage_above_capacity",
  "expiry_bunching",
  "provider_concentration",
  "invoice_reuse",
  "cancel_rebook",
] as const;
export const ANOMALY_SEVERITIES = ["low", "medium", "high"] as const;
export const ANOMALY_SUBJECTS = ["booking", "voucher", "claim", "organisation"] as const;

export const anomaly_flags = sqliteTable(
  "anomaly_flags",
  {
    id: text("id").primaryKey(),
    rule: text("rule", { enum: ANOMALY_RULES }).notNull(),
    severity: text("severity", { enum: ANOMALY_SEVERITIES }).notNull(),
    subject_kind: text("subject_kind", { enum: ANOMALY_SUBJECTS }).notNull(),
    subject_id: text("subject_id").notNull(),
    // The programme whose agency sees the flag (report-scope decides who that is).
    programme_id: text("programme_id").notNull(),
    /** JSON: { summary, rows: [{ kind, id, … }] }, the rows that raised it. */
    evidence_json: text("evidence_json").notNull(),
    // open → reviewed, once: the review's UPDATE yields NULL (refused by NOT NULL) otherwise.
    status: text("status", { enum: ["open", "reviewed"] }).notNull(),
    reviewed_by: text("reviewed_by"),
    reviewed_at: integer("reviewed_at"),
    review_note: text("review_note"),
    created_at: createdAt(),
  },
  (t) => [
    // Raised once: two sweeps computing the same flag insert with ON CONFLICT DO NOTHING here.
    uniqueIndex("anomaly_flags_once").on(t.rule, t.subject_kind, t.subject_id, t.programme_id),
    check("anomaly_flags_review_complete", sql`(${t.status} = 'reviewed') = (${t.reviewed_at} IS NOT NULL AND ${t.reviewed_by} IS NOT NULL AND ${t.review_note} IS NOT NULL)`),
    index("anomaly_flags_programme_idx").on(t.programme_id, t.created_at, t.id),
  ],
);

// Where the sweep got to in the audit log: one row, moved forward only (max of old and new).
export const anomaly_sweep = sqliteTable("anomaly_sweep", {
  id: text("id").primaryKey(),
  last_seq: integer("last_seq").notNull(),
  updated_at: integer("updated_at").notNull(),
});

export type AnomalyFlag = typeof anomaly_flags.$inferSelect;
