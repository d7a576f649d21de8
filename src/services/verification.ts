// Verifying an organisation's declared facts against its business licence (营业执照).
// States: unverified → submitted → verified | rejected; a rejected organisation may submit again.
// Guards live in the writes: each move is a transition() that writes NULL into the NOT NULL state
// when the row has moved on, a submission needs a licence row (sub-select), and the partial
// unique index organisations_one_verified_per_credit_code lets one organisation per credit code
// be verified.
import { and, asc, desc, eq, ne, sql, type SQLWrapper } from "drizzle-orm";
import { transition } from "../db/guards";
import { files, organisations, type Organisation, type StoredFile } from "../db/schema";
import type { Store } from "../db/store";

export type VerificationState = Organisation["verification_state"];
export type Missing = "business_licence" | "submission" | "agency_review";

/** The facts a verifier checks and may correct. */
export interface VerifiableFacts {
  credit_code: string;
  name: string;
  region_code: string;
  size_class: Organisation["size_class"];
  founded_on: string;
}

export const SUPERSEDED_REASON = "该统一社会信用代码已核验为另一机构所有 / Another organisation was verified as the holder of this credit code";

export async function latestLicence(store: Store, orgId: string): Promise<StoredFile | undefined> {
  const [row] = await store.db
    .select()
    .from(files)
    .where(and(eq(files.org_id, orgId), eq(files.purpose, "business_licence")))
    .orderBy(desc(files.created_at), desc(files.id))
    .limit(1);
  return row;
}

/** What still stands between the organisation and being verified, in order. */
export function missingFor(state: VerificationState, hasLicence: boolean): Missing[] {
  if (state === "verified") return [];
  const missing: Missing[] = [];
  if (!hasLicence) missing.push("business_licence");
  missing.push(state === "submitted" ? "agency_review" : "submission");
  return missing;
}

export async function verificationSummary(store: Store, org: Organisation) {
  const licence = org.verification_state === "verified" ? undefined : await latestLicence(store, org.id);
  return {
    state: org.verification_state,
    reason: org.verification_reason,
    submitted_at: org.verification_submitted_at,
    verified_at: org.verified_at,
    missing: missingFor(org.verification_state, org.verification_state === "verified" || licence !== undefined),
  };
}

/** Every organisation registered with the credit code, first registrant first. */
export function registrantsOf(store: Store, creditCode: string) {
  return store.db
    .select({
      id: organisations.id,
      kind: organisations.kind,
      name: organisations.name,
      verification_state: organisations.verification_state,
      verification_reason: organisations.verification_reason,
      created_at: organisations.created_at,
    })
    .from(organisations)
    .where(eq(organisations.credit_code, creditCode))
    .orderBy(asc(organisations.created_at), asc(organisations.id))
    .limit(100);
}

const licenceOnFile = (orgId: string) =>
  sql`EXISTS (SELECT 1 FROM ${files} WHERE ${files.org_id} = ${orgId} AND ${files.purpose} = 'business_licence')`;

/** unverified | rejected → submitted, only with a licence on file (else NULL: NOT NULL fails). */
export function submitStatement(store: Store, orgId: string, facts: Partial<Omit<VerifiableFacts, "credit_code">>, now: number): SQLWrapper {
  return store.db
    .update(organisations)
    .set({
      ...facts,
      verification_state: sql`CASE WHEN ${licenceOnFile(orgId)} THEN ${transition(organisations.verification_state, ["unverified", "rejected"], "submitted")} ELSE NULL END`,
      verification_reason: null,
      verification_submitted_at: now,
    })
    .where(eq(organisations.id, orgId));
}

export interface Decision {
  orgId: string;
  by: string;
  note: string | null;
}

/**
 * Verifying: submitted → verified with the checked (possibly corrected) facts, and every other
 * organisation registered with the same credit code rejected with a reason, in one batch.
 * Without `supersede`, an organisation already verified for the code stays, and the partial
 * unique index fails the batch (organisation verified elsewhere); with it, that one is
 * demoted too (a squatter verified by mistake).
 */
export function verifyStatements(store: Store, d: Decision & { facts: VerifiableFacts; supersede: boolean }, now: number): SQLWrapper[] {
  const others = and(
    eq(organisations.credit_code, d.facts.credit_code),
    ne(organisations.id, d.orgId),
    d.supersede ? ne(organisations.verification_state, "rejected") : sql`${organisations.verification_state} IN ('unverified', 'submitted')`,
  );
  return [
    store.db
      .update(organisations)
      .set({ verification_state: "rejected", verification_reason: SUPERSEDED_REASON, verified_by: d.by, verified_at: now })
      .where(others),
    store.db
      .update(organisations)
      .set({
        ...d.facts,
        verification_state: transition(organisations.verification_state, ["submitted"], "verified"),
        verification_reason: d.note,
        verified_by: d.by,
        verified_at: now,
      })
      .where(eq(organisations.id, d.orgId)),
  ];
}

/** submitted → rejected, with the reason the organisation reads. */
export function rejectStatement(store: Store, d: Decision & { reason: string }, now: number): SQLWrapper {
  return store.db
    .update(organisations)
    .set({
      verification_state: transition(organisations.verification_state, ["submitted"], "rejected"),
      verification_reason: d.reason,
      verified_by: d.by,
      verified_at: now,
    })
    .where(eq(organisations.id, d.orgId));
}

/** For the approval batch: keeps the SME's state only while it is verified (else NOT NULL fails). */
export function stillVerifiedStatement(store: Store, orgId: string): SQLWrapper {
  return store.db
    .update(organisations)
    .set({ verification_state: sql`CASE WHEN ${organisations.verification_state} = 'verified' THEN 'verified' ELSE NULL END` })
    .where(eq(organisations.id, orgId));
}
