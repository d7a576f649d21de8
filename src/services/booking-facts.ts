// Reads the facts a booking's subsidy depends on: the SME's vouchers with their programme's
// current rules, balances and annual-cap use, and who is related to whom. Bounded queries only.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { VoucherFacts } from "../domain/booking-subsidy";
import { parseStoredRules } from "../domain/programme-rules";
import type { Declaration, PartyFacts } from "../domain/related-parties";
import { organisations, related_parties, type Organisation } from "../db/schema";
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

const available = (alias: string) =>
  sql.raw(`${alias}.credits_posted_fen - ${alias}.debits_posted_fen - ${alias}.debits_pending_fen`);

async function voucherRows(store: Store, smeOrgId: string, capYear: number, only: { voucher_id: string } | { active_at: number }) {
  const filter =
    "voucher_id" in only
      ? sql`v.id = ${only.voucher_id}`
      : sql`v.status = 'active' AND v.expires_at > ${only.active_at}`;
  return store.all<VoucherFactRow>(sql`
    SELECT v.id, v.sme_org_id, v.status, v.expires_at, v.programme_id,
      p.status AS programme_status, p.current_version, p.agency_org_id, pv.rules_json,
      ${available("a")} AS voucher_available_fen,
      ${available("pool")} AS pool_available_fen,
      coalesce(s.subsidy_fen, 0) AS annual_subsidy_used_fen
    FROM vouchers v
    JOIN programmes p ON p.id = v.programme_id
    JOIN programme_versions pv ON pv.programme_id = p.id AND pv.version = p.current_version
    JOIN ledger_accounts a ON a.id = v.account_id
    LEFT JOIN ledger_accounts pool ON pool.id = p.pool_account_id
    LEFT JOIN annual_subsidy s ON s.programme_id = v.programme_id AND s.sme_org_id = v.sme_org_id AND s.year = ${capYear}
    WHERE v.sme_org_id = ${smeOrgId} AND ${filter}
    ORDER BY v.expires_at, v.id
    LIMIT ${MAX_VOUCHERS_CONSIDERED}`);
}

function toFacts(row: VoucherFactRow): VoucherFacts {
  return {
    voucher: { id: row.id, sme_org_id: row.sme_org_id, status: row.status, expires_at: row.expires_at, programme_id: row.programme_id },
    programme: { id: row.programme_id, status: row.programme_status, current_version: row.current_version, agency_org_id: row.agency_org_id },
    rules: parseStoredRules(row.rules_json),
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
