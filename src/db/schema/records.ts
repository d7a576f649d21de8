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
// `hash` and `prev_hash` are filled later by the sealer (DESIGN §5), in seq order. What is stored
// is the event's canonical text (the bytes its hash covers, src/domain/audit-event.ts); every
// field is a VIRTUAL column read from that text, so no field can be changed apart from what was
// hashed. Migration 0018 (written by hand) made the table; the verifier checks its definition
// (AUDIT_EVENTS_TABLE_SQL) before trusting the text alone.
const field = (index: number) => sql.raw(`json_extract(\`canonical\`, '$[${index}]')`);
export const audit_events = sqliteTable(
  "audit_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    canonical: text("canonical").notNull(),
    at: integer("at").notNull().generatedAlwaysAs(field(2), { mode: "virtual" }),
    request_id: text("request_id").notNull().generatedAlwaysAs(field(3), { mode: "virtual" }),
    actor_user_id: text("actor_user_id").generatedAlwaysAs(field(4), { mode: "virtual" }),
    actor_org_id: text("actor_org_id").generatedAlwaysAs(field(5), { mode: "virtual" }),
    action: text("action").notNull().generatedAlwaysAs(field(6), { mode: "virtual" }),
    subject_type: text("subject_type").notNull().generatedAlwaysAs(field(7), { mode: "virtual" }),
    subject_id: text("subject_id").notNull().generatedAlwaysAs(field(8), { mode: "virtual" }),
    // The programme (if any) the subject belongs to, so auditors see only their agency's.
    programme_id: text("programme_id").generatedAlwaysAs(field(9), { mode: "virtual" }),
    before_json: text("before_json").generatedAlwaysAs(field(10), { mode: "virtual" }),
    after_json: text("after_json").generatedAlwaysAs(field(11), { mode: "virtual" }),
    prev_hash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_events_subject_idx").on(t.subject_type, t.subject_id),
    index("audit_events_programme_idx").on(t.programme_id),
    uniqueIndex("audit_events_hash_unique").on(t.hash),
    // The unsealed tail, for the sealer's seek to where sealing stops (src/db/audit-tree.ts).
    index("audit_events_unsealed_idx").on(t.seq).where(sql`${t.hash} IS NULL`),
    // The sealing guard (src/db/audit-tree.ts): a row is sealed by an UPDATE whose prev_hash is a
    // sub-select that is empty unless the previous row is sealed with exactly the hash the sealer
    // chained from; an empty sub-select leaves prev_hash NULL and this CHECK fails the batch.
    check("audit_seal_chained", sql`${t.hash} IS NULL OR ${t.prev_hash} IS NOT NULL`),
    check(
      "audit_event_canonical",
      sql`json_array_length(${t.canonical}) = 12 AND json_extract(${t.canonical}, '$[0]') = 'audit-event/v1' AND json_extract(${t.canonical}, '$[1]') = ${t.seq} AND json_type(${t.canonical}, '$[2]') = 'integer'`,
    ),
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
