// The one place that decides which offerings count as "the provider's own" for reads that show
// everything about them (the timeline: bookings with the enterprises' names, maintenance, drafts).
// Scope "own_organisation" in src/auth/access.ts: only a provider organisation's own rows, never
// another provider's, whatever the query asks for.
import { and, eq, ne, type SQL } from "drizzle-orm";
import { bookings, offerings } from "../db/schema";
import type { Actor } from "../lib/context";

/** The caller's own offerings that still matter (retired ones are history). */
export function ownLiveOfferings(actor: Actor): SQL {
  return and(eq(offerings.provider_org_id, actor.org.id), ne(offerings.status, "retired")) as SQL;
}

/** Bookings on the caller's offerings (the provider on the record). */
export function bookingsOnOwnOfferings(actor: Actor): SQL {
  return eq(bookings.provider_org_id, actor.org.id);
}
