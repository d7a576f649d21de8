// The inbox (one row per person and event) and the webhook outbox (one row per endpoint and
// event). Both are written by INSERT … SELECT statements inside the batch of the change they
// announce (src/services/announce.ts): a change that rolls back announces nothing, and a change
// that commits can never lose its announcement.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

export const notifications = sqliteTable(
  "notifications",
  {
    // "<event id>:<user id>": one event notifies a person at most once, even if announced twice.
    id: text("id").primaryKey(),
    event_id: text("event_id").notNull(),
    user_id: text("user_id").notNull(),
    org_id: text("org_id").notNull(),
    kind: text("kind").notNull(),
    subject_type: text("subject_type").notNull(),
    subject_id: text("subject_id").notNull(),
    // The web page it concerns, e.g. "/bookings/bkg_…".
    link: text("link").notNull(),
    title_zh: text("title_zh").notNull(),
    title_en: text("title_en").notNull(),
    body_zh: text("body_zh").notNull(),
    body_en: text("body_en").notNull(),
    read_at: integer("read_at"),
    created_at: createdAt(),
  },
  (t) => [
    index("notifications_inbox_idx").on(t.user_id, t.read_at, t.created_at),
    index("notifications_created_idx").on(t.created_at),
  ],
);

// A person's choice not to receive a kind (absent row: received).
export const notification_mutes = sqliteTable(
  "notification_mutes",
  {
    user_id: text("user_id").notNull(),
    kind: text("kind").notNull(),
    created_at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.user_id, t.kind] })],
);

// A reminder a sweep sent (a voucher's expiry at 30 and at 7 days, a request about to lapse): at
// most one row per kind and subject, whichever sweep inserts it first. The announcing statements
// of the same batch are written only where this row carries that batch's token, so sweeps that
// overlap or repeat remind once (src/services/reminders.ts).
export const reminders = sqliteTable(
  "reminders",
  {
    // "voucher.expiring:30", "voucher.expiring:7", "booking.lapsing".
    kind: text("kind").notNull(),
    subject_id: text("subject_id").notNull(),
    token: text("token").notNull(),
    created_at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.subject_id] }), index("reminders_created_idx").on(t.created_at)],
);

export const webhook_endpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull(),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    // JSON array of event types, or ["*"] for all.
    event_types_json: text("event_types_json").notNull(),
    // "whsec_" + base64 of 32 random bytes; after a rotation the previous secret keeps signing
    // (a second signature) until previous_secret_expires_at.
    secret: text("secret").notNull(),
    previous_secret: text("previous_secret"),
    previous_secret_expires_at: integer("previous_secret_expires_at"),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    disabled_reason: text("disabled_reason"),
    // The first failed attempt since the last success; an endpoint failing for days is disabled.
    failing_since: integer("failing_since"),
    created_by: text("created_by").notNull(),
    created_at: createdAt(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.org_id)],
);

// One per announced event and organisation: the body every endpoint of that organisation gets.
export const webhook_events = sqliteTable(
  "webhook_events",
  {
    // Commit order, for per-subject ordering of deliveries.
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    // The webhook-id header: the same on every retry of every delivery of this event.
    id: text("id").notNull(),
    org_id: text("org_id").notNull(),
    type: text("type").notNull(),
    subject_id: text("subject_id").notNull(),
    payload_json: text("payload_json").notNull(),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex("webhook_events_id_unique").on(t.id), index("webhook_events_created_idx").on(t.created_at)],
);

export const webhook_deliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    event_seq: integer("event_seq").notNull(),
    endpoint_id: text("endpoint_id").notNull(),
    subject_id: text("subject_id").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    next_attempt_at: integer("next_attempt_at").notNull(),
    // A sender claims a delivery until this instant, so two senders never post it at once.
    leased_until: integer("leased_until"),
    last_attempt_at: integer("last_attempt_at"),
    last_status_code: integer("last_status_code"),
    last_error: text("last_error"),
    last_latency_ms: integer("last_latency_ms"),
    created_at: createdAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_once_per_endpoint").on(t.event_seq, t.endpoint_id),
    index("webhook_deliveries_due_idx").on(t.status, t.next_attempt_at),
    index("webhook_deliveries_endpoint_idx").on(t.endpoint_id, t.subject_id, t.event_seq),
    check("webhook_deliveries_attempts_non_negative", sql`${t.attempts} >= 0`),
  ],
);

export type Notification = typeof notifications.$inferSelect;
export type WebhookEndpoint = typeof webhook_endpoints.$inferSelect;
export type WebhookEvent = typeof webhook_events.$inferSelect;
export type WebhookDelivery = typeof webhook_deliveries.$inferSelect;
