// The one place that decides who may read a programme and who may change it (scopes
// "published" and "agency_programmes" in src/auth/access.ts for programme routes): the
// programme itself, its attachments and their downloads all ask here. Anyone else gets 404,
// so nothing about another agency's programmes leaks.
import { and, eq } from "drizzle-orm";
import { voucher_applications, type Programme } from "../db/schema";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";

/** The caller's agency runs the programme (the role is the route's grant, src/auth/access.ts). */
export const ownsProgramme = (actor: Actor, programme: Pick<Programme, "agency_org_id">) =>
  actor.org.kind === "agency" && programme.agency_org_id === actor.org.id;

/** Agency staff see their agency's programmes; others see open ones, and an SME also those it applied to. */
export async function maySeeProgramme(store: Store, actor: Actor, programme: Programme): Promise<boolean> {
  if (actor.org.kind === "agency") return ownsProgramme(actor, programme);
  if (programme.status === "open") return true;
  if (actor.org.kind !== "sme") return false;
  const [applied] = await store.db
    .select({ id: voucher_applications.id })
    .from(voucher_applications)
    .where(and(eq(voucher_applications.programme_id, programme.id), eq(voucher_applications.sme_org_id, actor.org.id)))
    .limit(1);
  return applied !== undefined;
}
