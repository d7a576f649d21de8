// Which agencies may look at an organisation's verification request and its files. Kept in one
// function so that organisation-read scoping elsewhere can call (or replace) it.
import { and, eq, sql } from "drizzle-orm";
import { programmes, voucher_applications, type Organisation } from "../db/schema";
import type { Store } from "../db/store";

/**
 * An agency reviews an SME that has applied (in any state) to one of the agency's programmes:
 * that is the agency about to give it public money. Providers are vetted by every agency
 * (provider approval is installation-wide), so any agency may review a provider.
 */
export async function agencyMayReviewOrganisation(store: Store, agencyOrgId: string, org: Pick<Organisation, "id" | "kind">): Promise<boolean> {
  if (org.kind === "provider") return true;
  if (org.kind !== "sme") return false;
  const [row] = await store.db
    .select({ one: sql<number>`1` })
    .from(voucher_applications)
    .innerJoin(programmes, eq(programmes.id, voucher_applications.programme_id))
    .where(and(eq(voucher_applications.sme_org_id, org.id), eq(programmes.agency_org_id, agencyOrgId)))
    .limit(1);
  return row !== undefined;
}
