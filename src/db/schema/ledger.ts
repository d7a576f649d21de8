// The ledger (TigerBeetle's model) and the per-enterprise annual counters that guard caps.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

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
    // The programme whose accounts the transfer moves (every account but an agency's budget
    // source belongs to one programme, and no transfer crosses programmes). Written by the
    // transfer's own INSERT from its accounts (src/db/ledger.ts), never by a caller; reports
    // read one programme's transfers through the index below.
    programme_id: text("programme_id"),
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
    // A programme's transfers by code and kind, then instant. It also carries every column the
    // reports read (amount, subject, id: src/services/reports.ts), so they never touch the table.
    index("ledger_transfers_programme_idx").on(t.programme_id, t.code, t.kind, t.created_at, t.amount_fen, t.subject_id, t.id),
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

export type LedgerAccount = typeof ledger_accounts.$inferSelect;
export type LedgerTransfer = typeof ledger_transfers.$inferSelect;
