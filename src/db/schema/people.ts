// Organisations, their people, sessions and declared related parties.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

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
    // A contact telephone as declared at sign-up; compared across booking parties (docs/anomalies.md).
    contact_phone: text("contact_phone"),
    // Providers only: the installation-wide status that only the platform admin changes
    // (suspended for fraud: no new bookings at all). Each agency's own approval of a provider
    // is a row of provider_vettings (src/db/schema/vetting.ts).
    provider_status: text("provider_status", { enum: ["active", "suspended"] }),
    provider_status_reason: text("provider_status_reason"),
    // Verification of the declared facts (credit code, name, region, size, founding date) by an
    // agency from the business licence (docs/verification-and-files.md). Sign-up starts
    // 'unverified'; organisations made by the operator (CLI, seed) start 'verified'.
    verification_state: text("verification_state", { enum: ["unverified", "submitted", "verified", "rejected"] })
      .notNull()
      .default("unverified"),
    verification_reason: text("verification_reason"),
    verification_submitted_at: integer("verification_submitted_at"),
    verified_by: text("verified_by"),
    verified_at: integer("verified_at"),
    created_at: createdAt(),
  },
  (t) => [
    // Anyone may register a credit code (codes are public, so the first registrant is not
    // necessarily its owner); at most one organisation per code is ever verified.
    index("organisations_credit_code_idx").on(t.credit_code),
    uniqueIndex("organisations_one_verified_per_credit_code")
      .on(t.credit_code)
      .where(sql`${t.verification_state} = 'verified'`),
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

export type Organisation = typeof organisations.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
