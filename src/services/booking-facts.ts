// Reads the facts a booking's subsidy depends on: the SME's vouchers with their programme's
// current rules, balances and annual-cap use, and who is related to whom. Bounded queries only.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { VoucherFacts } from "../domain/booking-subsidy";
import { parseStoredRules, type ProgrammeRules } from "../domain/programme-rules";
import type { Declaration, PartyFacts } from "../domain/related-parties";
import { annual_subsidy, ledger_accounts, organisations, programme_versions, programmes, related_parties, vouchers, type Organisation } from "../db/schema";
import { perStore, type Store } from "../db/store";

/** Vouchers one search weighs per option; an SME rarely holds more than a few. */
export const MAX_VOUCHERS_CONSIDERED = 20;
/** Matches the declaration limit in src/routes/organisations. */
const MAX_DECLARATIONS = 500;

interface VoucherFactRow {
  id: string;
  sme_org_id: string;
  status: string;
  expires_at: number;
  programme_id: string;
  programme_status: string;
  current_version: number;
  agency_org_id: string;
  rules_json: string;
  voucher_available_fen: number;
  pool_available_fen: number | null;
  annual_subsidy_used_fen: number;
}

// The voucher's own account and its programme's pool, both ledger accounts.
const pool = alias(ledger_accounts, "pool");
const availableOf = (account: typeof ledger_accounts | typeof pool) =>
  sql<number>`${account.credits_posted_fen} - ${account.debits_posted_fen} - ${account.debits_pending_fen}`;

/**
 * The SME's vouchers with everything their terms depend on, in one read. Compiled once per store
 * with placeholders (drizzle's `.prepare()`, on both drivers): this is on every booking and quote,
 * and building the SQL again each time cost more than running it.
 */
function voucherFactsQuery(store: Store, filter: SQL) {
  return store.db
    .select({
      id: vouchers.id,
      sme_org_id: vouchers.sme_org_id,
      status: vouchers.status,
      expires_at: vouchers.expires_at,
      programme_id: vouchers.programme_id,
      programme_status: programmes.status,
      current_version: programmes.current_version,
      agency_org_id: programmes.agency_org_id,
      rules_json: programme_versions.rules_json,
      voucher_available_fen: availableOf(ledger_accounts),
      pool_available_fen: sql<number | null>`${availableOf(pool)}`,
      annual_subsidy_used_fen: sql<number>`coalesce(${annual_subsidy.subsidy_fen}, 0)`,
    })
    .from(vouchers)
    .innerJoin(programmes, eq(programmes.id, vouchers.programme_id))
    .innerJoin(programme_versions, and(eq(programme_versions.programme_id, programmes.id), eq(programme_versions.version, programmes.current_version)))
    .innerJoin(ledger_accounts, eq(ledger_accounts.id, vouchers.account_id))
    .leftJoin(pool, eq(pool.id, programmes.pool_account_id))
    .leftJoin(
      annual_subsidy,
      and(eq(annual_subsidy.programme_id, vouchers.programme_id), eq(annual_subsidy.sme_org_id, vouchers.sme_org_id), eq(annual_subsidy.year, sql.placeholder("cap_year"))),
    )
    .where(and(eq(vouchers.sme_org_id, sql.placeholder("sme_org_id")), filter))
    .orderBy(vouchers.expires_at, vouchers.id)
    .limit(MAX_VOUCHERS_CONSIDERED)
    .prepare();
}

const oneVoucherRead = perStore((store) => voucherFactsQuery(store, sql`${vouchers.id} = ${sql.placeholder("voucher_id")}`));
const activeVouchersRead = perStore((store) => voucherFactsQuery(store, sql`${vouchers.status} = 'active' AND ${vouchers.expires_at} > ${sql.placeholder("active_at")}`));

async function voucherRows(store: Store, smeOrgId: string, capYear: number, only: { voucher_id: string } | { active_at: number }): Promise<VoucherFactRow[]> {
  return "voucher_id" in only
    ? oneVoucherRead(store).all({ sme_org_id: smeOrgId, cap_year: capYear, voucher_id: only.voucher_id })
    : activeVouchersRead(store).all({ sme_org_id: smeOrgId, cap_year: capYear, active_at: only.active_at });
}

/**
 * Parsed rules by their stored text. A programme version's rules never change once written, and
 * the same few versions are parsed on every booking and quote. Frozen, because callers share it.
 */
const parsedRules = new Map<string, ProgrammeRules>();
function rulesOf(rulesJson: string): ProgrammeRules {
  let rules = parsedRules.get(rulesJson);
  if (!rules) {
    rules = deepFreeze(parseStoredRules(rulesJson));
    if (parsedRules.size >= 256) parsedRules.delete(parsedRules.keys().next().value as string);
    parsedRules.set(rulesJson, rules);
  }
  return rules;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function toFacts(row: VoucherFactRow): VoucherFacts {
  return {
    voucher: { id: row.id, sme_org_id: row.sme_org_id, status: row.status, expires_at: row.expires_at, programme_id: row.programme_id },
    programme: { id: row.programme_id, status: row.programme_status, current_version: row.current_version, agency_org_id: row.agency_org_id },
    rules: rulesOf(row.rules_json),
    voucher_available_fen: row.voucher_available_fen,
    annual_subsidy_used_fen: row.annual_subsidy_used_fen,
    programme_budget_left_fen: Math.max(0, row.pool_available_fen ?? 0),
  };
}

/** One voucher of this SME (whatever its state, so the refusal can say why), or undefined. */
export async function readVoucherFacts(store: Store, smeOrgId: string, voucherId: string, capYear: number): Promise<VoucherFacts | undefined> {
  const [row] = await voucherRows(store, smeOrgId, capYear, { voucher_id: voucherId });
  return row && toFacts(row);
}

/** The SME's active, unexpired vouchers, soonest expiry first. */
export async function readActiveVoucherFacts(store: Store, smeOrgId: string, capYear: number, now: number): Promise<VoucherFacts[]> {
  return (await voucherRows(store, smeOrgId, capYear, { active_at: now })).map(toFacts);
}

// A booking under a programme that excludes related parties reads both parties' declarations.
const declarationsRead = perStore((store) =>
  store.db
    .select({ relation: related_parties.relation, party_name: related_parties.party_name, party_credit_code: related_parties.party_credit_code })
    .from(related_parties)
    .where(eq(related_parties.org_id, sql.placeholder("org_id")))
    .limit(MAX_DECLARATIONS)
    .prepare(),
);

async function declarationsOf(store: Store, orgId: string): Promise<Declaration[]> {
  return declarationsRead(store).all({ org_id: orgId });
}

export async function readPartyFacts(store: Store, org: Organisation): Promise<PartyFacts> {
  return { name: org.name, credit_code: org.credit_code, legal_representative: org.legal_representative, declarations: await declarationsOf(store, org.id) };
}

/**
 * Party facts of several providers, keeping only declarations that could link them to `sme`
 * (naming it, or a party it declared); enough for findRelation, without reading every declaration.
 */
export async function readProviderPartyFacts(store: Store, sme: PartyFacts & { id: string }, providerIds: readonly string[]): Promise<Map<string, PartyFacts>> {
  const facts = new Map<string, PartyFacts>();
  if (providerIds.length === 0) return facts;
  const squash = (column: unknown) => sql`lower(replace(trim(${column}), ' ', ''))`;
  const candidate = sql`(
    ${related_parties.party_credit_code} = ${sme.credit_code}
    OR ${squash(related_parties.party_name)} = ${squash(sql`${sme.name}`)}
    OR ${related_parties.party_credit_code} IN (SELECT party_credit_code FROM related_parties WHERE org_id = ${sme.id} AND party_credit_code IS NOT NULL)
    OR ${squash(related_parties.party_name)} IN (SELECT ${squash(sql.raw("party_name"))} FROM related_parties WHERE org_id = ${sme.id}))`;
  // Chunks of 80 ids: D1 binds at most 100 parameters per statement.
  for (let i = 0; i < providerIds.length; i += 80) {
    const chunk = providerIds.slice(i, i + 80);
    const orgs = await store.db.select().from(organisations).where(inArray(organisations.id, chunk));
    for (const org of orgs) facts.set(org.id, { name: org.name, credit_code: org.credit_code, legal_representative: org.legal_representative, declarations: [] });
    const rows = await store.db
      .select({ org_id: related_parties.org_id, relation: related_parties.relation, party_name: related_parties.party_name, party_credit_code: related_parties.party_credit_code })
      .from(related_parties)
      .where(and(inArray(related_parties.org_id, chunk), candidate))
      .limit(MAX_DECLARATIONS);
    for (const row of rows) (facts.get(row.org_id)?.declarations as Declaration[] | undefined)?.push(row);
  }
  return facts;
}
