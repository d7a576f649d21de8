// Idempotency records and the append-only audit log.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

// Idempotency-Key replays: the first response to (user, key) is stored in the same batch as the
// change it made, so a retry returns it and a different body under the same key is refused.
export const idempotency_keys = sqliteTable(
  "idempotency_keys",
  {
    user_id: text("user_id").notNull(),
    key: text("key").notNull(),
    request_hash: text("request_hash").notNull(),
    response_status: integer("response_status").notNull(),
    response_body: text("response_body").notNull(),
    created_at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.user_id, t.key] })],
);

// Append-only. `seq` is assigned in commit order inside the atomic batch that made the change;
// `hash` and `prev_hash` are filled later by the sealer (DESIGN §5), in seq order.
export const audit_events = sqliteTable(
  "audit_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    request_id: text("request_id").notNull(),
    actor_user_id: text("actor_user_id"),
    actor_org_id: text("actor_org_id"),
    action: text("action").notNull(),
    subject_type: text("subject_type").notNull(),
    subject_id: text("subject_id").notNull(),
    // The programme (if any) the subject belongs to, so auditors see only their agency's.
    programme_id: text("programme_id"),
    before_json: text("before_json"),
    after_json: text("after_json"),
    prev_hash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_events_subject_idx").on(t.subject_type, t.subject_id),
    index("audit_events_programme_idx").on(t.programme_id),
    uniqueIndex("audit_events_hash_unique").on(t.hash),
    // The sealing guard (src/db/audit-seal.ts): a row is sealed by an UPDATE whose prev_hash is a
    // sub-select that is empty unless the previous row is sealed with exactly the hash the sealer
    // chained from; an empty sub-select leaves prev_hash NULL and this CHECK fails the batch.
    check("audit_seal_chained", sql`${t.hash} IS NULL OR ${t.prev_hash} IS NOT NULL`),
  ],
);

export type AuditEvent = typeof audit_events.$inferSelect;

// Rate limits and throttles (sign-in attempts, sign-up, search, public objections): one row per
// key and fixed window. Taking a slot is one upsert whose CHECK refuses the slot past the limit,
// so the guard lives in the write itself and holds under any concurrency (src/db/rate-limit.ts).
export const rate_limits = sqliteTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    window_started_at: integer("window_started_at").notNull(),
    window_ends_at: integer("window_ends_at").notNull(),
    used: integer("used").notNull(),
    allowed: integer("allowed").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.window_started_at] }),
    check("rate_limit_exceeded", sql`${t.used} <= ${t.allowed}`),
    check("rate_limit_used_non_negative", sql`${t.used} >= 0`),
    index("rate_limits_window_end_idx").on(t.window_ends_at),
  ],
);

export type RateLimitRow = typeof rate_limits.$inferSelect;
