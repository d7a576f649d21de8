// Who sees which offering: everyone signed in sees active offerings of published providers
// (approved by at least one agency, not suspended by the platform: scope "published"); a
// provider also sees all of its own. Anything else is "not found", so unpublished offerings do
// not leak their existence, nor their state.
import { and, eq, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { availability, parseWeeklyHours, slotCeil, slotFloor } from "../domain/slots";
import { offerings, organisations, type Offering, type Organisation } from "../db/schema";
import { perStore, type Store } from "../db/store";
import type { Actor } from "../lib/context";
import { notFound } from "../lib/errors";
import { toShanghaiIso } from "../lib/time";
import { readSlotRows } from "./capacity";
import { providerIsPublished } from "./vetting";

export const OFFERING_NOUN = ["资源", "Offering"] as const;

/** Rows of `offerings` joined with their provider that `actor` may see. */
export function visibleTo(actor: Actor): SQL {
  return visibleToOrg(actor.org.id);
}

function visibleToOrg(orgId: string | Placeholder): SQL {
  return or(
    and(eq(offerings.status, "active"), providerIsPublished(organisations.provider_status, organisations.id)),
    eq(offerings.provider_org_id, orgId),
  ) as SQL;
}

// Every booking and quote reads its offering: compiled once per store, bound per call.
const visibleOfferingRead = perStore((store) =>
  store.db
    .select({ offering: offerings, provider: organisations })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.provider_org_id))
    .where(and(eq(offerings.id, sql.placeholder("id")), visibleToOrg(sql.placeholder("org_id"))))
    .prepare(),
);

export interface OfferingWithProvider {
  offering: Offering;
  provider: Organisation;
}

export async function readVisibleOffering(store: Store, actor: Actor, id: string): Promise<OfferingWithProvider> {
  const [row] = await visibleOfferingRead(store).all({ id, org_id: actor.org.id });
  if (!row) throw notFound(...OFFERING_NOUN);
  return row;
}

/** The provider's own offering, for changes; another provider's is "not found". */
export async function readOwnOffering(store: Store, actor: Actor, id: string): Promise<Offering> {
  const [row] = await store.db
    .select()
    .from(offerings)
    .where(and(eq(offerings.id, id), sql`${offerings.provider_org_id} = ${actor.org.id}`));
  if (!row) throw notFound(...OFFERING_NOUN);
  return row;
}

export function presentOffering(o: Offering, provider?: Pick<Organisation, "name">) {
  const { weekly_hours_json, ...rest } = o;
  return {
    ...rest,
    weekly_hours: parseWeeklyHours(weekly_hours_json),
    provider_name: provider?.name ?? null,
    created_at: toShanghaiIso(o.created_at),
    updated_at: toShanghaiIso(o.updated_at),
  };
}

/** Free units per slot over the window, widened to whole slots. */
export async function slotAvailability(store: Store, offering: Offering, window: { from: number; to: number }, now: number) {
  const from = slotFloor(window.from, offering.slot_minutes);
  const to = slotCeil(window.to, offering.slot_minutes);
  const rows = await readSlotRows(store, offering.id, from, to);
  return { from, to, slots: availability({ ...offering, hours: parseWeeklyHours(offering.weekly_hours_json), rows, from, to, now }) };
}
