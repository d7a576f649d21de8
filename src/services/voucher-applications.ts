// Reading the facts an eligibility check needs (src/domain/eligibility.ts decides) and the
// application row an eligible request becomes. Used by the API and by the demo seed.
import { and, eq } from "drizzle-orm";
import { annual_issuance, ledger_accounts, type Organisation, type Programme, type VoucherApplication } from "../db/schema";
import type { Store } from "../db/store";
import { checkEligibility, type Eligibility } from "../domain/eligibility";
import { availableFen } from "../domain/ledger";
import { shanghaiDate, shanghaiYear } from "../lib/time";
import type { RulesVersion } from "./programmes";

/** What is stored in eligibility_json: the decision, its reasons, and when and under which rules. */
export interface StoredEligibility extends Eligibility {
  checked_on: string;
  programme_version: number;
}

export async function issuedThisYearFen(store: Store, programmeId: string, smeOrgId: string, now: number): Promise<number> {
  const [row] = await store.db
    .select({ issued_fen: annual_issuance.issued_fen })
    .from(annual_issuance)
    .where(and(eq(annual_issuance.programme_id, programmeId), eq(annual_issuance.sme_org_id, smeOrgId), eq(annual_issuance.year, shanghaiYear(now))));
  return row?.issued_fen ?? 0;
}

export async function poolAvailableFen(store: Store, programme: Programme): Promise<number> {
  const [pool] = await store.db.select().from(ledger_accounts).where(eq(ledger_accounts.id, programme.pool_account_id));
  return pool ? availableFen(pool) : 0;
}

export async function assessEligibility(
  store: Store,
  programme: Programme,
  rules: RulesVersion,
  enterprise: Pick<Organisation, "id" | "region_code" | "size_class" | "credit_status">,
  /** null: the dry run before the form, with no amount yet (src/domain/eligibility.ts). */
  requestedFen: number | null,
  now: number,
): Promise<StoredEligibility> {
  const [issued, pool] = await Promise.all([issuedThisYearFen(store, programme.id, enterprise.id, now), poolAvailableFen(store, programme)]);
  const today = shanghaiDate(now);
  const eligibility = checkEligibility({
    programme_status: programme.status,
    rules: rules.rules,
    enterprise,
    today,
    requested_fen: requestedFen,
    issued_this_year_fen: issued,
    pool_available_fen: pool,
  });
  return { ...eligibility, checked_on: today, programme_version: rules.version };
}

export interface ApplicationInput {
  id: string;
  programme_id: string;
  sme_org_id: string;
  applicant_user_id: string;
  requested_fen: number;
  purpose: string;
  eligibility: StoredEligibility;
}

export function applicationRow(a: ApplicationInput, now: number): VoucherApplication {
  return {
    id: a.id,
    programme_id: a.programme_id,
    programme_version: a.eligibility.programme_version,
    sme_org_id: a.sme_org_id,
    applicant_user_id: a.applicant_user_id,
    requested_fen: a.requested_fen,
    purpose: a.purpose,
    status: "pending",
    eligibility_json: JSON.stringify(a.eligibility),
    approved_fen: null,
    decision_reason: null,
    decided_by: null,
    decided_at: null,
    voucher_id: null,
    created_at: now,
  };
}
