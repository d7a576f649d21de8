// Programmes (with versioned rules), voucher applications and vouchers.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { organisations } from "./people";

export const programmes = sqliteTable(
  "programmes",
  {
    id: text("id").primaryKey(),
    agency_org_id: text("agency_org_id").notNull().references(() => organisations.id),
    name: text("name").notNull(),
    // 申报指南: plain text shown to enterprises with its line breaks (never HTML); null when none.
    description: text("description"),
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

export type Programme = typeof programmes.$inferSelect;
export type VoucherApplication = typeof voucher_applications.$inferSelect;
export type Voucher = typeof vouchers.$inferSelect;
