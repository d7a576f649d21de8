// Programmes: their rows, rule versions and money. Creating one funds its pool from the agency's
// budget source in the same batch; a top-up does the same later. The pool's CHECK
// (ledger_account_overdrawn) is what keeps a programme from issuing more than its budget.
import { and, desc, eq, inArray, sql, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import type { AuditInput } from "../db/audit";
import { accountInsert, ensureAccount, postedTransfer } from "../db/ledger";
import { ledger_accounts, ledger_transfers, programme_versions, programmes, type Programme } from "../db/schema";
import type { Store } from "../db/store";
import { availableFen } from "../domain/ledger";
import { ProgrammeRulesSchema, type ProgrammeRules } from "../domain/programme-rules";
import { randomBase32 } from "../lib/ids";

/** Transfer codes that move money in and out of a pool. */
export const POOL_CODES = { budget: "budget", issue: "issue", expire: "expire", revoke: "revoke" } as const;

/** A programme's budget may not grow past this (100 billion yuan): keeps every sum a safe integer. */
export const MAX_BUDGET_FEN = 10_000_000_000_000;

export interface NewProgramme {
  id: string;
  agency_org_id: string;
  name: string;
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

/** More budget: the programme's budget_fen and the pool grow together, in one batch. */
export function topUpStatements(store: Store, programme: Programme, amountFen: number, now: number): { statements: SQLWrapper[]; transfer_id: string } {
  const transfer_id = `budget:${programme.id}:${randomBase32(10)}`;
  return {
    transfer_id,
    statements: [
      store.db
        .update(programmes)
        .set({ budget_fen: sql`${programmes.budget_fen} + ${amountFen}` })
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
  return { version, rules: ProgrammeRulesSchema.parse(JSON.parse(row.rules_json)), created_by: row.created_by, created_at: row.created_at };
}

/** The most versions a programme shows; edits beyond that are still kept, and audited. */
export const MAX_LISTED_VERSIONS = 100;

export async function listVersions(store: Store, programmeId: string) {
  return store.db
    .select({ version: programme_versions.version, created_by: programme_versions.created_by, created_at: programme_versions.created_at })
    .from(programme_versions)
    .where(eq(programme_versions.programme_id, programmeId))
    .orderBy(desc(programme_versions.version))
    .limit(MAX_LISTED_VERSIONS);
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

/** Pool figures for several programmes in two bounded queries. */
export async function poolFigures(store: Store, rows: readonly Programme[]): Promise<Map<string, PoolFigures>> {
  const figures = new Map<string, PoolFigures>();
  if (rows.length === 0) return figures;
  const poolIds = rows.map((p) => p.pool_account_id);
  const accounts = await store.db.select().from(ledger_accounts).where(inArray(ledger_accounts.id, poolIds));
  const flows = await store.db
    .select({
      pool: sql<string>`CASE WHEN ${inArray(ledger_transfers.debit_account_id, poolIds)} THEN ${ledger_transfers.debit_account_id} ELSE ${ledger_transfers.credit_account_id} END`,
      code: ledger_transfers.code,
      amount_fen: sql<number>`sum(${ledger_transfers.amount_fen})`,
    })
    .from(ledger_transfers)
    .where(and(sql`(${inArray(ledger_transfers.debit_account_id, poolIds)} OR ${inArray(ledger_transfers.credit_account_id, poolIds)})`, inArray(ledger_transfers.code, [POOL_CODES.issue, POOL_CODES.expire, POOL_CODES.revoke])))
    .groupBy(sql`1`, ledger_transfers.code);
  for (const p of rows) {
    const account = accounts.find((a) => a.id === p.pool_account_id);
    const sum = (codes: string[]) => flows.filter((f) => f.pool === p.pool_account_id && codes.includes(f.code)).reduce((s, f) => s + Number(f.amount_fen), 0);
    figures.set(p.id, {
      account_id: p.pool_account_id,
      budget_fen: p.budget_fen,
      issued_fen: sum([POOL_CODES.issue]),
      returned_fen: sum([POOL_CODES.expire, POOL_CODES.revoke]),
      available_fen: account ? availableFen(account) : 0,
    });
  }
  return figures;
}
