// Ledger writes as statements for an atomic batch. Nothing here reads: callers read the accounts
// and pending transfers they need, compute amounts (src/domain), and put these statements in
// one batch with whatever else the request changes. Every guard is a constraint:
// - an account debited past its credits (vouchers, pools) fails `ledger_account_overdrawn`;
// - a transfer id used twice fails the primary key (a retried request moves money once);
// - a pending transfer posted or voided twice fails `ledger_transfers.pending_id` (unique);
// - posting more than was held, or a pending transfer that is not what the caller read, feeds
//   NULL into amount_fen (NOT NULL) and fails;
// - an unknown account fails the foreign key, so no transfer lands without its accounts moving.
// Each transfer records its programme, read from its accounts in the INSERT itself
// (`programmeOf`), so no caller can name the wrong one and reports find a programme's transfers
// through one index (ledger_transfers_programme_idx).
import { sql, type SQLWrapper } from "drizzle-orm";
import { assertFen } from "../domain/ledger";
import { annual_subsidy, ledger_accounts, ledger_transfers, type LedgerAccount, type LedgerTransfer } from "./schema";
import { statementShape, type Placeholders, type Store } from "./store";

export type AccountKind = LedgerAccount["kind"];

/** Which side of each kind may not exceed the other. */
const FLAGS: Record<AccountKind, { debits_must_not_exceed_credits: boolean; credits_must_not_exceed_debits: boolean }> = {
  // External money entering the system: its balance goes negative by the budgets it funds.
  budget_source: { debits_must_not_exceed_credits: false, credits_must_not_exceed_debits: false },
  programme_pool: { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: false },
  voucher: { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: false },
  provider_payable: { debits_must_not_exceed_credits: true, credits_must_not_exceed_debits: false },
  paid_out: { debits_must_not_exceed_credits: false, credits_must_not_exceed_debits: false },
};

export interface NewAccount {
  id: string;
  kind: AccountKind;
  programme_id?: string | null;
  org_id?: string | null;
}

function accountRow(account: NewAccount, now: number) {
  return {
    id: account.id,
    kind: account.kind,
    programme_id: account.programme_id ?? null,
    org_id: account.org_id ?? null,
    ...FLAGS[account.kind],
    created_at: now,
  };
}

export function accountInsert(store: Store, account: NewAccount, now: number): SQLWrapper {
  return store.db.insert(ledger_accounts).values(accountRow(account, now));
}

/** Creates the account unless it exists (accounts first needed mid-request, like a provider's payable). */
export function ensureAccount(_store: Store, account: NewAccount, now: number): SQLWrapper {
  return accountIfMissing(accountRow(account, now));
}

// The statements every booking's hold makes are compiled once and bound per call (statementShape).
const accountIfMissing = statementShape<ReturnType<typeof accountRow>>((v, db) =>
  db
    .insert(ledger_accounts)
    .values({
      id: v.id,
      kind: v.kind,
      programme_id: v.programme_id,
      org_id: v.org_id,
      debits_must_not_exceed_credits: v.debits_must_not_exceed_credits,
      credits_must_not_exceed_debits: v.credits_must_not_exceed_debits,
      created_at: v.created_at,
    })
    .onConflictDoNothing({ target: ledger_accounts.id }),
);

export interface TransferInput {
  /** Client-chosen and unique: derive it from what the money moves for ("hold:bkg_…"). */
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount_fen: number;
  code: string;
  subject_id?: string | null;
}

type Deltas = { pending: number; posted: number };

type Move = Deltas & { account_id: string };

const debitMove = statementShape<Move>((v, db) =>
  db
    .update(ledger_accounts)
    .set({
      debits_pending_fen: sql`${ledger_accounts.debits_pending_fen} + ${v.pending}`,
      debits_posted_fen: sql`${ledger_accounts.debits_posted_fen} + ${v.posted}`,
    })
    .where(sql`${ledger_accounts.id} = ${v.account_id}`),
);

const creditMove = statementShape<Move>((v, db) =>
  db
    .update(ledger_accounts)
    .set({
      credits_pending_fen: sql`${ledger_accounts.credits_pending_fen} + ${v.pending}`,
      credits_posted_fen: sql`${ledger_accounts.credits_posted_fen} + ${v.posted}`,
    })
    .where(sql`${ledger_accounts.id} = ${v.account_id}`),
);

function moveDebit(_store: Store, accountId: string, d: Deltas): SQLWrapper {
  return debitMove({ account_id: accountId, pending: d.pending, posted: d.posted });
}

function moveCredit(_store: Store, accountId: string, d: Deltas): SQLWrapper {
  return creditMove({ account_id: accountId, pending: d.pending, posted: d.posted });
}

/**
 * The programme of a transfer between two accounts: the one their programme_id names (an agency's
 * budget source has none; every other account has one). Read in the transfer's own INSERT, after
 * the batch's earlier statements created any account it needs.
 */
function programmeOf(debitAccountId: unknown, creditAccountId: unknown) {
  return sql`coalesce((SELECT ${ledger_accounts.programme_id} FROM ${ledger_accounts} WHERE ${ledger_accounts.id} = ${debitAccountId}), (SELECT ${ledger_accounts.programme_id} FROM ${ledger_accounts} WHERE ${ledger_accounts.id} = ${creditAccountId}))`;
}

type TransferRow = Omit<TransferInput, "subject_id"> & { subject_id: string | null; kind: LedgerTransfer["kind"]; pending_id: string | null; created_at: number };

function transferValues(v: Placeholders<TransferRow>, amount: unknown) {
  return {
    id: v.id,
    debit_account_id: v.debit_account_id,
    credit_account_id: v.credit_account_id,
    amount_fen: amount as number,
    kind: v.kind,
    pending_id: v.pending_id,
    code: v.code,
    subject_id: v.subject_id,
    programme_id: programmeOf(v.debit_account_id, v.credit_account_id) as never,
    created_at: v.created_at,
  };
}

/** A transfer of a plain amount (pending or posted): compiled once, bound per call. */
const plainTransfer = statementShape<TransferRow>((v, db) => db.insert(ledger_transfers).values(transferValues(v, v.amount_fen)));

function insertTransfer(store: Store, t: TransferInput, kind: LedgerTransfer["kind"], now: number, pendingId: string | null = null, amount: unknown = t.amount_fen): SQLWrapper {
  const row: TransferRow = { id: t.id, debit_account_id: t.debit_account_id, credit_account_id: t.credit_account_id, amount_fen: t.amount_fen, kind, pending_id: pendingId, code: t.code, subject_id: t.subject_id ?? null, created_at: now };
  if (amount === t.amount_fen) return plainTransfer(row);
  // A guarded amount (a sub-select) is part of the text: built afresh.
  return store.db.insert(ledger_transfers).values(transferValues(row, amount));
}

/** Moves money at once (budget into a pool, a voucher's issue, a payout, an expiry's return). */
export function postedTransfer(store: Store, t: TransferInput, now: number): SQLWrapper[] {
  assertFen(t.amount_fen, "transfer amount");
  return [
    insertTransfer(store, t, "posted", now),
    moveDebit(store, t.debit_account_id, { pending: 0, posted: t.amount_fen }),
    moveCredit(store, t.credit_account_id, { pending: 0, posted: t.amount_fen }),
  ];
}

/** Reserves money (a booking's voucher hold): counted against the debit account's balance at once. */
export function pendingTransfer(store: Store, t: TransferInput, now: number): SQLWrapper[] {
  assertFen(t.amount_fen, "hold amount");
  return [
    insertTransfer(store, t, "pending", now),
    moveDebit(store, t.debit_account_id, { pending: t.amount_fen, posted: 0 }),
    moveCredit(store, t.credit_account_id, { pending: t.amount_fen, posted: 0 }),
  ];
}

/**
 * The amount to record, or NULL (failing NOT NULL) unless the pending transfer is still exactly
 * what the caller read and `amount` does not exceed it.
 */
function guardedAmount(pending: LedgerTransfer, amount: number) {
  return sql`(SELECT ${amount} FROM ${ledger_transfers} WHERE ${ledger_transfers.id} = ${pending.id} AND ${ledger_transfers.kind} = 'pending' AND ${ledger_transfers.amount_fen} = ${pending.amount_fen} AND ${amount} <= ${ledger_transfers.amount_fen})`;
}

/** Settles a hold for `amount_fen` ≤ the held amount; the rest returns to the debit account. */
export function postPendingTransfer(
  store: Store,
  pending: LedgerTransfer,
  post: { id: string; amount_fen: number; code: string },
  now: number,
): SQLWrapper[] {
  assertFen(post.amount_fen, "posted amount");
  if (pending.kind !== "pending") throw new Error(`transfer ${pending.id} is not pending`);
  if (post.amount_fen > pending.amount_fen) throw new Error("cannot post more than was held");
  const t = { ...post, debit_account_id: pending.debit_account_id, credit_account_id: pending.credit_account_id, subject_id: pending.subject_id };
  return [
    insertTransfer(store, t, "post_pending", now, pending.id, guardedAmount(pending, post.amount_fen)),
    moveDebit(store, pending.debit_account_id, { pending: -pending.amount_fen, posted: post.amount_fen }),
    moveCredit(store, pending.credit_account_id, { pending: -pending.amount_fen, posted: post.amount_fen }),
  ];
}

/** Releases a hold entirely (cancel, reject, lapse, voucher expiry). */
export function voidPendingTransfer(store: Store, pending: LedgerTransfer, voidId: string, code: string, now: number): SQLWrapper[] {
  if (pending.kind !== "pending") throw new Error(`transfer ${pending.id} is not pending`);
  const t = { id: voidId, code, amount_fen: pending.amount_fen, debit_account_id: pending.debit_account_id, credit_account_id: pending.credit_account_id, subject_id: pending.subject_id };
  return [
    insertTransfer(store, t, "void_pending", now, pending.id, guardedAmount(pending, pending.amount_fen)),
    moveDebit(store, pending.debit_account_id, { pending: -pending.amount_fen, posted: 0 }),
    moveCredit(store, pending.credit_account_id, { pending: -pending.amount_fen, posted: 0 }),
  ];
}

/**
 * The counter rows' cap_fen is NOT NULL (the CHECK compares against it); a programme without the
 * annual limit counts under this, which no sum of fen reaches.
 */
export const NO_ANNUAL_LIMIT_FEN = Number.MAX_SAFE_INTEGER;

export interface AnnualKey {
  programme_id: string;
  sme_org_id: string;
  /** Calendar year in Asia/Shanghai of the hold (src/lib/time.ts shanghaiYear). */
  year: number;
}

/**
 * Counts subsidy against an enterprise's annual cap (negative to give room back). The CHECK
 * `annual_cap_exceeded` refuses the batch that would pass the cap.
 */
export function annualSubsidyChange(store: Store, key: AnnualKey, deltaFen: number, capFen: number | null): SQLWrapper {
  if (deltaFen < 0) return annualSubsidyGiveBack(store, key, deltaFen);
  return annualSubsidyCount({ programme_id: key.programme_id, sme_org_id: key.sme_org_id, year: key.year, subsidy_fen: deltaFen, cap_fen: capFen ?? NO_ANNUAL_LIMIT_FEN });
}

const annualSubsidyCount = statementShape<AnnualKey & { subsidy_fen: number; cap_fen: number }>((v, db) =>
  db
    .insert(annual_subsidy)
    .values({ programme_id: v.programme_id, sme_org_id: v.sme_org_id, year: v.year, subsidy_fen: v.subsidy_fen, cap_fen: v.cap_fen })
    .onConflictDoUpdate({
      target: [annual_subsidy.programme_id, annual_subsidy.sme_org_id, annual_subsidy.year],
      set: {
        subsidy_fen: sql`${annual_subsidy.subsidy_fen} + excluded.subsidy_fen`,
        // A release keeps the cap it counted under; a new hold counts under the current rules.
        cap_fen: sql`CASE WHEN excluded.subsidy_fen > 0 THEN excluded.cap_fen ELSE ${annual_subsidy.cap_fen} END`,
      },
    }),
);

/**
 * Gives annual-cap room back (a voided or partly settled hold). SQLite checks an upsert's CHECKs
 * on the proposed row before it resolves the conflict, so a negative delta in VALUES would fail
 * `annual_subsidy_non_negative` even when the counter exists. The proposed row therefore carries
 * the counter's new value, read in the same statement: NULL (failing NOT NULL) when no counter
 * exists, and refused by the CHECK when more is given back than was counted.
 */
function annualSubsidyGiveBack(store: Store, key: AnnualKey, deltaFen: number): SQLWrapper {
  const counter = sql`FROM ${annual_subsidy} WHERE ${annual_subsidy.programme_id} = ${key.programme_id} AND ${annual_subsidy.sme_org_id} = ${key.sme_org_id} AND ${annual_subsidy.year} = ${key.year}`;
  return store.db
    .insert(annual_subsidy)
    .values({
      ...key,
      subsidy_fen: sql`(SELECT ${annual_subsidy.subsidy_fen} + ${deltaFen} ${counter})` as never,
      cap_fen: sql`(SELECT ${annual_subsidy.cap_fen} ${counter})` as never,
    })
    .onConflictDoUpdate({
      target: [annual_subsidy.programme_id, annual_subsidy.sme_org_id, annual_subsidy.year],
      set: { subsidy_fen: sql`excluded.subsidy_fen` },
    });
}
