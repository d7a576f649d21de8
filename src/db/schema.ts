// The one source of truth for data. Migrations in drizzle/ are generated from this file.
//
// Conventions (read these before adding a column):
// - Field names are snake_case in SQL, in TypeScript and in the API, so a raw row from a batch
//   and a row from the query builder have the same shape.
// - Money is integer fen (`*_fen`); ratios are basis points (`*_bp`, 10000 = 100%).
// - Instants are integer milliseconds since the Unix epoch, UTC (`*_at`); calendar dates are
//   'YYYY-MM-DD' text in Asia/Shanghai (`*_on`).
// - Ids are text chosen by the application (`org_…`, `usr_…`), so one atomic batch can insert a
//   row and the audit event that names it without reading an id back.
// - Guards that money and capacity depend on are CHECK / UNIQUE / NOT NULL constraints with
//   names: a violated guard fails its statement, which rolls back the whole batch (DESIGN §4).
//   src/db/constraints.ts maps each name to the error a person sees.
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const createdAt = () => integer("created_at").notNull();

// ---------------------------------------------------------------- organisations and people

export const organisations = sqliteTable(
  "organisations",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["sme", "provider", "agency", "platform"] }).notNull(),
    name: text("name").notNull(),
    credit_code: text("credit_code").notNull(),
    region_code: text("region_code").notNull(),
    size_class: text("size_class", { enum: ["micro", "small", "medium", "large"] }).notNull(),
    founded_on: text("founded_on").notNull(),
    credit_status: text("credit_status", { enum: ["good", "blacklisted"] }).notNull().default("good"),
    address: text("address"),
    legal_representative: text("legal_representative"),
    // Providers only: an agency approves a provider before its offerings are visible.
    provider_status: text("provider_status", { enum: ["pending", "approved", "rejected", "suspended"] }),
    provider_status_reason: text("provider_status_reason"),
    created_at: createdAt(),
  },
  (t) => [
    uniqueIndex("organisations_credit_code_unique").on(t.credit_code),
    check("organisations_region_code_format", sql`length(${t.region_code}) = 6`),
    check(
      "organisations_provider_status_only_for_providers",
      sql`(${t.kind} = 'provider') = (${t.provider_status} IS NOT NULL)`,
    ),
  ],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull().references(() => organisations.id),
    email: text("email").notNull(),
    display_name: text("display_name").notNull(),
    password_hash: text("password_hash").notNull(),
    role: text("role", { enum: ["member", "admin", "reviewer", "finance", "auditor"] }).notNull(),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    created_at: createdAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), index("users_org_idx").on(t.org_id)],
);

// Lucia's design: the cookie carries a random token; only its SHA-256 (hex) is stored as the id.
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    user_id: text("user_id").notNull().references(() => users.id),
    expires_at: integer("expires_at").notNull(),
    created_at: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.user_id)],
);

// Failed-login counters, one row per throttled key ("account:<email>" or "address:<ip>").
export const login_throttle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  window_started_at: integer("window_started_at").notNull(),
  locked_until: integer("locked_until").notNull(),
});

// Declared related parties (shareholders, legal representative, other). Rules refuse subsidy
// when the two sides of a booking are related (DESIGN §1, Beijing and Shanghai rules).
export const related_parties = sqliteTable(
  "related_parties",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull().references(() => organisations.id),
    relation: text("relation", { enum: ["shareholder", "legal_representative", "affiliate", "other"] }).notNull(),
    party_name: text("party_name").notNull(),
    party_credit_code: text("party_credit_code"),
    created_at: createdAt(),
  },
  (t) => [index("related_parties_org_idx").on(t.org_id), index("related_parties_code_idx").on(t.party_credit_code)],
);

// ---------------------------------------------------------------- programmes and vouchers

export const programmes = sqliteTable(
  "programmes",
  {
    id: text("id").primaryKey(),
    agency_org_id: text("agency_org_id").notNull().references(() => organisations.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["compute", "data", "model", "general"] }).notNull(),
    status: text("status", { enum: ["draft", "open", "closed"] }).notNull(),
    current_version: integer("current_version").notNull(),
    budget_fen: integer("budget_fen").notNull(),
    pool_account_id: text("pool_account_id").notNull(),
    created_at: createdAt(),
  },
  (t) => [
    check("programmes_budget_non_negative", sql`${t.budget_fen} >= 0`),
    index("programmes_agency_idx").on(t.agency_org_id),
  ],
);

// A programme's rules are versioned: a booking keeps the version it was priced on.
// rules_json holds the zod-validated ProgrammeRules (src/domain/programme-rules.ts).
export const programme_versions = sqliteTable(
  "programme_versions",
  {
    programme_id: text("programme_id").notNull().references(() => programmes.id),
    version: integer("version").notNull(),
    rules_json: text("rules_json").notNull(),
    created_by: text("created_by").notNull(),
    created_at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.programme_id, t.version] })],
);

export const voucher_applications = sqliteTable(
  "voucher_applications",
  {
    id: text("id").primaryKey(),
    programme_id: text("programme_id").notNull().references(() => programmes.id),
    programme_version: integer("programme_version").notNull(),
    sme_org_id: text("sme_org_id").notNull().references(() => organisations.id),
    applicant_user_id: text("applicant_user_id").notNull(),
    requested_fen: integer("requested_fen").notNull(),
    purpose: text("purpose").notNull(),
    status: text("status", { enum: ["pending", "approved", "rejected", "withdrawn"] }).notNull(),
    eligibility_json: text("eligibility_json").notNull(),
    approved_fen: integer("approved_fen"),
    decision_reason: text("decision_reason"),
    decided_by: text("decided_by"),
    decided_at: integer("decided_at"),
    voucher_id: text("voucher_id"),
    created_at: createdAt(),
  },
  (t) => [
    check("voucher_applications_requested_positive", sql`${t.requested_fen} > 0`),
    check(
      "voucher_applications_approved_within_request",
      sql`${t.approved_fen} IS NULL OR (${t.approved_fen} > 0 AND ${t.approved_fen} <= ${t.requested_fen})`,
    ),
    index("voucher_applications_programme_idx").on(t.programme_id, t.status),
    index("voucher_applications_sme_idx").on(t.sme_org_id),
    // One open application per enterprise and programme: a second waits for the first's decision.
    uniqueIndex("voucher_applications_one_pending")
      .on(t.programme_id, t.sme_org_id)
      .where(sql`${t.status} = 'pending'`),
  ],
);

export const vouchers = sqliteTable(
  "vouchers",
  {
    id: text("id").primaryKey(),
    programme_id: text("programme_id").notNull().references(() => programmes.id),
    programme_version: integer("programme_version").notNull(),
    sme_org_id: text("sme_org_id").notNull().references(() => organisations.id),
    application_id: text("application_id").notNull(),
    account_id: text("account_id").notNull(),
    face_value_fen: integer("face_value_fen").notNull(),
    issued_at: integer("issued_at").notNull(),
    expires_at: integer("expires_at").notNull(),
    status: text("status", { enum: ["active", "expired", "revoked"] }).notNull(),
    status_reason: text("status_reason"),
    created_at: createdAt(),
  },
  (t) => [
    uniqueIndex("vouchers_application_unique").on(t.application_id),
    check("vouchers_face_value_positive", sql`${t.face_value_fen} > 0`),
    check("vouchers_expiry_after_issue", sql`${t.expires_at} > ${t.issued_at}`),
    index("vouchers_sme_idx").on(t.sme_org_id, t.status),
    index("vouchers_expiry_idx").on(t.status, t.expires_at),
  ],
);

// ---------------------------------------------------------------- ledger (TigerBeetle's model)

// An account's balance moves only through transfers. Flags say which side may not exceed the
// other, and the CHECKs make the database refuse any write that breaks them.
export const ledger_accounts = sqliteTable(
  "ledger_accounts",
  {
    id: text("id").primaryKey(),
    kind: text("kind", {
      enum: ["budget_source", "programme_pool", "voucher", "provider_payable", "paid_out"],
    }).notNull(),
    programme_id: text("programme_id"),
    org_id: text("org_id"),
    debits_pending_fen: integer("debits_pending_fen").notNull().default(0),
    debits_posted_fen: integer("debits_posted_fen").notNull().default(0),
    credits_pending_fen: integer("credits_pending_fen").notNull().default(0),
    credits_posted_fen: integer("credits_posted_fen").notNull().default(0),
    debits_must_not_exceed_credits: integer("debits_must_not_exceed_credits", { mode: "boolean" }).notNull(),
    credits_must_not_exceed_debits: integer("credits_must_not_exceed_debits", { mode: "boolean" }).notNull(),
    created_at: createdAt(),
  },
  (t) => [
    check(
      "ledger_amounts_non_negative",
      sql`${t.debits_pending_fen} >= 0 AND ${t.debits_posted_fen} >= 0 AND ${t.credits_pending_fen} >= 0 AND ${t.credits_posted_fen} >= 0`,
    ),
    check(
      "ledger_account_overdrawn",
      sql`NOT ${t.debits_must_not_exceed_credits} OR ${t.debits_pending_fen} + ${t.debits_posted_fen} <= ${t.credits_posted_fen}`,
    ),
    check(
      "ledger_account_overcredited",
      sql`NOT ${t.credits_must_not_exceed_debits} OR ${t.credits_pending_fen} + ${t.credits_posted_fen} <= ${t.debits_posted_fen}`,
    ),
    uniqueIndex("ledger_accounts_one_pool_per_programme")
      .on(t.programme_id)
      .where(sql`${t.kind} = 'programme_pool'`),
    uniqueIndex("ledger_accounts_one_payable_per_provider_programme")
      .on(t.programme_id, t.org_id)
      .where(sql`${t.kind} = 'provider_payable'`),
    uniqueIndex("ledger_accounts_one_source_per_agency")
      .on(t.org_id)
      .where(sql`${t.kind} = 'budget_source'`),
  ],
);

// Immutable. `id` is chosen by the client (e.g. "hold:<booking id>"), so a retried request can
// never move money twice. A post or void names its pending transfer; the unique index on
// pending_id lets each pending transfer be resolved at most once.
export const ledger_transfers = sqliteTable(
  "ledger_transfers",
  {
    id: text("id").primaryKey(),
    debit_account_id: text("debit_account_id").notNull().references(() => ledger_accounts.id),
    credit_account_id: text("credit_account_id").notNull().references(() => ledger_accounts.id),
    amount_fen: integer("amount_fen").notNull(),
    kind: text("kind", { enum: ["posted", "pending", "post_pending", "void_pending"] }).notNull(),
    pending_id: text("pending_id"),
    // Why the money moved: budget, issue, hold, deliver, release, payout, expire, revoke, …
    code: text("code").notNull(),
    // What the money moved for (booking, voucher, claim id), for the audit trail.
    subject_id: text("subject_id"),
    created_at: createdAt(),
  },
  (t) => [
    check("ledger_transfer_amount_non_negative", sql`${t.amount_fen} >= 0`),
    check("ledger_transfer_distinct_accounts", sql`${t.debit_account_id} <> ${t.credit_account_id}`),
    check(
      "ledger_transfer_pending_reference",
      sql`(${t.kind} IN ('post_pending', 'void_pending')) = (${t.pending_id} IS NOT NULL)`,
    ),
    uniqueIndex("ledger_transfers_pending_resolved_once").on(t.pending_id),
    index("ledger_transfers_debit_idx").on(t.debit_account_id),
    index("ledger_transfers_credit_idx").on(t.credit_account_id),
    index("ledger_transfers_subject_idx").on(t.subject_id),
  ],
);

// Subsidy an enterprise has taken from a programme in one calendar year (Asia/Shanghai).
// The counter moves in the same batch as the hold it counts; the CHECK is the annual-cap guard.
export const annual_subsidy = sqliteTable(
  "annual_subsidy",
  {
    programme_id: text("programme_id").notNull(),
    sme_org_id: text("sme_org_id").notNull(),
    year: integer("year").notNull(),
    subsidy_fen: integer("subsidy_fen").notNull(),
    cap_fen: integer("cap_fen").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programme_id, t.sme_org_id, t.year] }),
    check("annual_subsidy_non_negative", sql`${t.subsidy_fen} >= 0`),
    check("annual_cap_exceeded", sql`${t.subsidy_fen} <= ${t.cap_fen}`),
  ],
);

// Voucher face value issued to an enterprise by a programme in one calendar year (Asia/Shanghai)
// of issue: the annual cap applies to quota drawn (Zhejiang: CNY 20k a draw, CNY 100k a year) as
// well as to subsidy spent. Moves in the approval's batch; the CHECK is the guard. Expiry and
// revocation do not give the room back: the quota was drawn.
export const annual_issuance = sqliteTable(
  "annual_issuance",
  {
    programme_id: text("programme_id").notNull(),
    sme_org_id: text("sme_org_id").notNull(),
    year: integer("year").notNull(),
    issued_fen: integer("issued_fen").notNull(),
    cap_fen: integer("cap_fen").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programme_id, t.sme_org_id, t.year] }),
    check("annual_issuance_non_negative", sql`${t.issued_fen} >= 0`),
    check("annual_issue_cap_exceeded", sql`${t.issued_fen} <= ${t.cap_fen}`),
  ],
);

// ---------------------------------------------------------------- offerings and capacity

export const offerings = sqliteTable(
  "offerings",
  {
    id: text("id").primaryKey(),
    provider_org_id: text("provider_org_id").notNull().references(() => organisations.id),
    category: text("category", { enum: ["compute", "dataset", "simulation", "platform_service"] }).notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    region_code: text("region_code").notNull(),
    status: text("status", { enum: ["active", "paused", "retired"] }).notNull(),
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
  ],
);

// ---------------------------------------------------------------- requests and audit

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
  ],
);

export type Organisation = typeof organisations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Programme = typeof programmes.$inferSelect;
export type VoucherApplication = typeof voucher_applications.$inferSelect;
export type Voucher = typeof vouchers.$inferSelect;
export type LedgerAccount = typeof ledger_accounts.$inferSelect;
export type LedgerTransfer = typeof ledger_transfers.$inferSelect;
export type Offering = typeof offerings.$inferSelect;
export type Booking = typeof bookings.$inferSelect;
export type AuditEvent = typeof audit_events.$inferSelect;
