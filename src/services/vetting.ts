// Which agencies approve which providers (DESIGN §2: vetting is per agency). Offerings are
// published while their provider is approved by at least one agency and not suspended by the
// platform; a programme subsidises only providers its own agency approves.
import { and, asc, eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { transition } from "../db/guards";
import { organisations, provider_vettings, type Organisation, type ProviderVetting } from "../db/schema";
import { perStore, type Store } from "../db/store";

/** SQL true when the provider (an organisations column or id expression) may be booked at all. */
export function providerIsPublished(providerStatus: SQL | typeof organisations.provider_status, providerId: SQL | typeof organisations.id): SQL {
  return sql`(${providerStatus} = 'active' AND EXISTS (SELECT 1 FROM provider_vettings pv
    WHERE pv.provider_org_id = ${providerId} AND pv.status = 'approved'))`;
}

// A booking asks about one provider: that query is compiled once per store, bound per call.
const oneProviderApprovers = perStore((store) =>
  store.db
    .select({ agency_org_id: provider_vettings.agency_org_id, provider_org_id: provider_vettings.provider_org_id })
    .from(provider_vettings)
    .where(and(eq(provider_vettings.provider_org_id, sql.placeholder("provider_org_id")), eq(provider_vettings.status, "approved")))
    .prepare(),
);

/** For each provider, the agencies that approve it now. Chunks of 80 ids (D1 binds ≤ 100 per statement). */
export async function readApprovingAgencies(store: Store, providerIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const approvers = new Map<string, Set<string>>(providerIds.map((id) => [id, new Set<string>()]));
  const [only] = providerIds;
  if (providerIds.length === 1 && only !== undefined) {
    for (const row of await oneProviderApprovers(store).all({ provider_org_id: only })) approvers.get(row.provider_org_id)?.add(row.agency_org_id);
    return approvers;
  }
  for (let i = 0; i < providerIds.length; i += 80) {
    const rows = await store.db
      .select({ agency_org_id: provider_vettings.agency_org_id, provider_org_id: provider_vettings.provider_org_id })
      .from(provider_vettings)
      .where(and(inArray(provider_vettings.provider_org_id, providerIds.slice(i, i + 80)), eq(provider_vettings.status, "approved")));
    for (const row of rows) approvers.get(row.provider_org_id)?.add(row.agency_org_id);
  }
  return approvers;
}

export type VettingStatus = ProviderVetting["status"];

/** How a provider's vetting reads to someone: one status and the reason given for it. */
export interface VettingView {
  provider_status: VettingStatus | null;
  provider_status_reason: string | null;
}

const NOT_A_PROVIDER: VettingView = { provider_status: null, provider_status_reason: null };

/** The provider's rows at every agency (bounded: one per agency). */
export function readVettingsOf(store: Store, providerOrgId: string): Promise<ProviderVetting[]> {
  return store.db.select().from(provider_vettings).where(eq(provider_vettings.provider_org_id, providerOrgId)).orderBy(asc(provider_vettings.created_at)).limit(MAX_AGENCIES);
}

export async function readVetting(store: Store, agencyOrgId: string, providerOrgId: string): Promise<ProviderVetting | undefined> {
  const [row] = await store.db
    .select()
    .from(provider_vettings)
    .where(and(eq(provider_vettings.agency_org_id, agencyOrgId), eq(provider_vettings.provider_org_id, providerOrgId)));
  return row;
}

/** Agencies one installation serves; a bound on any per-provider list of vettings. */
export const MAX_AGENCIES = 1_000;

/**
 * The provider's standing across agencies, as the provider and the platform see it: suspended by
 * the platform; else approved somewhere (it may publish); else suspended, rejected or pending.
 */
export function summaryView(provider: Organisation, vettings: readonly ProviderVetting[]): VettingView {
  if (provider.kind !== "provider") return NOT_A_PROVIDER;
  if (provider.provider_status === "suspended") return { provider_status: "suspended", provider_status_reason: provider.provider_status_reason };
  for (const status of ["approved", "suspended", "rejected"] as const) {
    const latest = vettings.filter((v) => v.status === status).sort((a, b) => (b.decided_at ?? 0) - (a.decided_at ?? 0))[0];
    if (latest) return { provider_status: status, provider_status_reason: latest.reason };
  }
  return { provider_status: "pending", provider_status_reason: null };
}

/** One agency's view: its own decision (pending when it has none), unless the platform suspended the provider. */
export function agencyView(provider: Organisation, vetting: ProviderVetting | undefined): VettingView {
  if (provider.kind !== "provider") return NOT_A_PROVIDER;
  if (provider.provider_status === "suspended") return { provider_status: "suspended", provider_status_reason: provider.provider_status_reason };
  return { provider_status: vetting?.status ?? "pending", provider_status_reason: vetting?.reason ?? null };
}

/** The view of `org` for `viewer`: an agency sees its own decision, everyone else the summary. */
export async function vettingViewFor(store: Store, org: Organisation, viewer: Pick<Organisation, "id" | "kind">): Promise<VettingView> {
  if (org.kind !== "provider") return NOT_A_PROVIDER;
  if (viewer.kind === "agency") return agencyView(org, await readVetting(store, viewer.id, org.id));
  return summaryView(org, await readVettingsOf(store, org.id));
}

/** Whether the provider may publish offerings: not suspended by the platform, approved by some agency. */
export async function mayPublish(store: Store, provider: Organisation): Promise<boolean> {
  if (provider.kind !== "provider" || provider.provider_status !== "active") return false;
  const [row] = await store.db
    .select({ agency_org_id: provider_vettings.agency_org_id })
    .from(provider_vettings)
    .where(and(eq(provider_vettings.provider_org_id, provider.id), eq(provider_vettings.status, "approved")))
    .limit(1);
  return row !== undefined;
}

/**
 * One statement that lists a newly registered provider, pending, with every agency that exists
 * now (it applies to each at sign-up; agencies created later it applies to through
 * POST /api/provider-vettings). One INSERT … SELECT, however many agencies there are.
 */
export function applyToEveryAgency(store: Store, providerOrgId: string, now: number): SQL {
  return sql`INSERT INTO provider_vettings (agency_org_id, provider_org_id, status, created_at, updated_at)
    SELECT id, ${providerOrgId}, 'pending', ${now}, ${now} FROM organisations WHERE kind = 'agency'`;
}

export interface VettingDecision {
  agency_org_id: string;
  provider_org_id: string;
  status: Exclude<VettingStatus, "pending">;
  reason: string | null;
  decided_by: string;
  decided_at: number;
}

/**
 * The write of one agency's decision, guarded on the state read: a first decision inserts
 * (the primary key refuses a second concurrent one), a later one moves the row only from the
 * status read (transition() yields NULL otherwise, refused by NOT NULL). Either way a decision
 * made in between fails the batch, and nothing else (no other agency's row) is touched.
 */
export function decisionStatement(store: Store, before: ProviderVetting | undefined, d: VettingDecision): SQLWrapper {
  const db = store.db;
  if (!before) return db.insert(provider_vettings).values({ ...d, created_at: d.decided_at, updated_at: d.decided_at });
  return db
    .update(provider_vettings)
    .set({ status: transition(provider_vettings.status, [before.status], d.status) as never, reason: d.reason, decided_by: d.decided_by, decided_at: d.decided_at, updated_at: d.decided_at })
    .where(and(eq(provider_vettings.agency_org_id, d.agency_org_id), eq(provider_vettings.provider_org_id, d.provider_org_id)));
}
