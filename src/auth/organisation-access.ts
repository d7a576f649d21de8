// The one place that decides who may read an organisation (its facts and its related-party
// declarations): scope "related_organisations" in src/auth/access.ts names this function.
// DESIGN §2: nobody reads another organisation's data except an agency or auditor over its own
// programmes. An organisation is related to an agency's programmes when it applied to one,
// holds a voucher of one, is vetted by the agency (applied or decided), or is the provider on a
// booking under one. The platform admin operates the installation: it may read providers (it
// suspends them for fraud) and agencies (it creates them), not enterprises.
import { sql } from "drizzle-orm";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";

/** Whether `actor` may read organisation `orgId`. Callers answer 404 when not, so nothing leaks. */
export async function mayReadOrganisation(store: Store, actor: Actor, orgId: string): Promise<boolean> {
  if (orgId === actor.org.id) return true;
  if (actor.org.kind === "platform" && actor.user.role === "admin") return hasKind(store, orgId, ["provider", "agency"]);
  if (actor.org.kind === "agency") return relatedToAgency(store, actor.org.id, orgId);
  return false;
}

async function hasKind(store: Store, orgId: string, kinds: readonly string[]): Promise<boolean> {
  const [row] = await store.all<{ kind: string }>(sql`SELECT kind FROM organisations WHERE id = ${orgId}`);
  return row !== undefined && kinds.includes(row.kind);
}

async function relatedToAgency(store: Store, agencyOrgId: string, orgId: string): Promise<boolean> {
  const [row] = await store.all<{ related: number }>(sql`SELECT
    EXISTS (SELECT 1 FROM voucher_applications a JOIN programmes p ON p.id = a.programme_id
      WHERE a.sme_org_id = ${orgId} AND p.agency_org_id = ${agencyOrgId})
    OR EXISTS (SELECT 1 FROM vouchers v JOIN programmes p ON p.id = v.programme_id
      WHERE v.sme_org_id = ${orgId} AND p.agency_org_id = ${agencyOrgId})
    OR EXISTS (SELECT 1 FROM provider_vettings pv WHERE pv.provider_org_id = ${orgId} AND pv.agency_org_id = ${agencyOrgId})
    OR EXISTS (SELECT 1 FROM bookings b JOIN programmes p ON p.id = b.programme_id
      WHERE b.provider_org_id = ${orgId} AND p.agency_org_id = ${agencyOrgId}) AS related`);
  return Boolean(row?.related);
}
