// Programmes: their rows, rule versions and money. Creating one funds its pool from the agency's
// budget source in the same batch; a top-up does the same later. The pool's CHECK
// (ledger_account_overdrawn) is what keeps a programme from issuing more than its budget.
import { and, desc, eq, sql, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import type { AuditInput } from "../db/audit";
import { staysIn } from "../db/guards";
import { accountInsert, ensureAccount, postedTransfer } from "../db/ledger";
import { ledger_accounts, programme_versions, programmes, users, type LedgerAccount, type Programme } from "../db/schema";
import type { Store } from "../db/store";
import { availableFen } from "../domain/ledger";
import { ProgrammeRulesSchema, parseStoredRules, type ProgrammeRules } from "../domain/programme-rules";
import { randomBase32 } from "../lib/ids";

/** Transfer codes that move money in and out of a pool. */
export const POOL_CODES = { budget: "budget", issue: "issue", expire: "expire", revoke: "revoke" } as const;

/** A programme's budget may not grow past this (100 billion yuan): keeps every sum a safe integer. */
export const MAX_BUDGET_FEN = 10_000_000_000_000;

export interface NewProgramme {
  id: string;
  agency_org_id: string;
  name: string;
  /** 申报指南: plain text; none when absent or null. */
  description?: string | null;
  kind: Programme["kind"];
  budget_fen: number;
  rules: ProgrammeRules;
  status: Programme["status"];
  created_by: string;
}

/** The programme, its first rule version, the pool and the budget transfer into it, for one batch. */
export function createProgrammeStatements(store: Store, p: NewProgramme, now: number): { statements: SQLWrapper[]; events: AuditInput[]; row: Programme } {
  const pool = accountIds.programmePool(p.id);
  const source = accountIds.budgetSource(p.agency_org_id);
  const row: Programme = {
    id: p.id,
    agency_org_id: p.agency_org_id,
    name: p.name,
    description: p.description ?? null,
    kind: p.kind,
    status: p.status,
    current_version: 1,
    budget_fen: p.budget_fen,
    pool_account_id: pool,
    created_at: now,
  };
  const statements = [
    store.db.insert(programmes).values(row),
    store.db.insert(programme_versions).values({ programme_id: p.id, version: 1, rules_json: JSON.stringify(p.rules), created_by: p.created_by, created_at: now }),
    ensureAccount(store, { id: source, kind: "budget_source", org_id: p.agency_org_id }, now),
    accountInsert(store, { id: pool, kind: "programme_pool", programme_id: p.id, org_id: p.agency_org_id }, now),
    ...postedTransfer(store, { id: `budget:${p.id}`, debit_account_id: source, credit_account_id: pool, amount_fen: p.budget_fen, code: POOL_CODES.budget, subject_id: p.id }, now),
  ];
  const events: AuditInput[] = [
    { action: "programme.created", subject_type: "programme", subject_id: p.id, programme_id: p.id, after: { ...row, rules: p.rules } },
    { action: "programme.budget_funded", subject_type: "programme", subject_id: p.id, programme_id: p.id, after: { amount_fen: p.budget_fen, from: source, to: pool } },
  ];
  return { statements, events, row };
}

/** Statuses whose budget may still grow: a closed programme's may not. */
export const TOPPED_UP_WHILE: readonly Programme["status"][] = ["draft", "open"];

/**
 * More budget: the programme's budget_fen and the pool grow together, in one batch. The status
 * keeps its value only while draft or open; a closed programme's becomes NULL, which NOT NULL
 * refuses (programmes.status), so a close landing after the read still stops the whole batch.
 */
export function topUpStatements(store: Store, programme: Programme, amountFen: number, now: number): { statements: SQLWrapper[]; transfer_id: string } {
  const transfer_id = `budget:${programme.id}:${randomBase32(10)}`;
  return {
    transfer_id,
    statements: [
      store.db
        .update(programmes)
        .set({ budget_fen: sql`${programmes.budget_fen} + ${amountFen}`, status: staysIn(programmes.status, TOPPED_UP_WHILE) })
        .where(eq(programmes.id, programme.id)),
      ...postedTransfer(
        store,
        { id: transfer_id, debit_account_id: accountIds.budgetSource(programme.agency_org_id), credit_account_id: programme.pool_account_id, amount_fen: amountFen, code: POOL_CODES.budget, subject_id: programme.id },
        now,
      ),
    ],
  };
}

export async function readProgramme(store: Store, id: string): Promise<Programme | undefined> {
  const [row] = await store.db.select().from(programmes).where(eq(programmes.id, id));
  return row;
}

export interface RulesVersion {
  version: number;
  rules: ProgrammeRules;
  created_by: string;
  created_at: number;
}

/** One version's rules, parsed (they were validated when written; parsing again asserts it). */
export async function readRules(store: Store, programmeId: string, version: number): Promise<RulesVersion> {
  const [row] = await store.db
    .select()
    .from(programme_versions)
    .where(and(eq(programme_versions.programme_id, programmeId), eq(programme_versions.version, version)));
  if (!row) throw new Error(`programme ${programmeId} has no rules version ${version}`);
  return { version, rules: parseStoredRules(row.rules_json), created_by: row.created_by, created_at: row.created_at };
}

/** The most versions a programme shows (newest first), each with its full rules; older ones are still kept, and audited. */
export const MAX_LISTED_VERSIONS = 50;

/** The newest versions with their rules and who published them (name read with a join). */
export async function listVersions(store: Store, programmeId: string) {
  const rows = await store.db
    .select({
      version: programme_versions.version,
      rules_json: programme_versions.rules_json,
      created_by: programme_versions.created_by,
      created_by_name: users.display_name,
      created_at: programme_versions.created_at,
    })
    .from(programme_versions)
    .leftJoin(users, eq(users.id, programme_versions.created_by))
    .where(eq(programme_versions.programme_id, programmeId))
    .orderBy(desc(programme_versions.version))
    .limit(MAX_LISTED_VERSIONS);
  return rows.map(({ rules_json, ...v }) => ({ ...v, rules: parseStoredRules(rules_json) }));
}

export interface PoolFigures {
  account_id: string;
  budget_fen: number;
  /** Face value issued to vouchers. */
  issued_fen: number;
  /** Returned by expired and revoked vouchers. */
  returned_fen: number;
  /** What can still be issued. */
  available_fen: number;
}

/**
 * Columns to select with a programme (joined to its pool account) for its pool figures. The sums
 * are correlated sub-selects on the indexed account columns, so a page of programmes binds no
 * list of ids (D1 allows 100 bound parameters a statement).
 */
export const poolColumns = {
  pool: ledger_accounts,
  issued_fen: sql<number>`coalesce((SELECT sum(t.amount_fen) FROM ledger_transfers t WHERE t.debit_account_id = ${programmes.pool_account_id} AND t.code = ${POOL_CODES.issue}), 0)`,
  returned_fen: sql<number>`coalesce((SELECT sum(t.amount_fen) FROM ledger_transfers t WHERE t.credit_account_id = ${programmes.pool_account_id} AND t.code IN (${POOL_CODES.expire}, ${POOL_CODES.revoke})), 0)`,
};

export const poolJoin = eq(ledger_accounts.id, programmes.pool_account_id);

export function poolFigures(programme: Programme, row: { pool: LedgerAccount; issued_fen: number; returned_fen: number }): PoolFigures {
  return {
    account_id: programme.pool_account_id,
    budget_fen: programme.budget_fen,
    issued_fen: Number(row.issued_fen),
    returned_fen: Number(row.returned_fen),
    available_fen: availableFen(row.pool),
  };
}

export async function readProgrammeWithPool(store: Store, id: string) {
  const [row] = await store.db.select({ programme: programmes, ...poolColumns }).from(programmes).innerJoin(ledger_accounts, poolJoin).where(eq(programmes.id, id));
  return row && { programme: row.programme, pool: poolFigures(row.programme, row) };
}
