// "Offerings my voucher covers": the catalogue narrowed to what one of the SME's vouchers could
// subsidise, by the same rules a booking's quote applies (src/domain/booking-subsidy.ts): the
// voucher active and unexpired, its programme open, the offering's category eligible, the
// provider's region within the programme's regions (unless it is cross-region), and the provider
// approved by the programme's agency. Related parties and the caps are per booking: the quote
// still says what the voucher pays. A filter only narrows: the caller's own visibility applies first.
import { sql, type SQL } from "drizzle-orm";
import { offerings, organisations } from "../db/schema";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";
import { notFound } from "../lib/errors";
import { shanghaiYear } from "../lib/time";
import { readVoucherFacts } from "./booking-facts";

/** The WHERE condition for offerings the caller's voucher covers now; a voucher not the caller's is not found. */
export async function coveredByVoucher(store: Store, actor: Actor, voucherId: string, now: number): Promise<SQL> {
  const facts = await readVoucherFacts(store, actor.org.id, voucherId, shanghaiYear(now));
  if (!facts || facts.voucher.sme_org_id !== actor.org.id) throw notFound("创新券", "Voucher");
  const usable = facts.voucher.status === "active" && facts.voucher.expires_at > now && facts.programme.status === "open";
  const categories = facts.rules.eligible_categories;
  if (!usable || categories.length === 0) return sql`0`;
  const inCategories = sql`${offerings.category} IN (${sql.join(categories.map((c) => sql`${c}`), sql`, `)})`;
  const prefixes = facts.rules.eligible_region_prefixes;
  const inRegions = facts.rules.cross_region
    ? sql`1`
    : prefixes.length === 0
      ? sql`0`
      : sql`(${sql.join(prefixes.map((p) => sql`substr(${organisations.region_code}, 1, ${p.length}) = ${p}`), sql` OR `)})`;
  const approved = sql`EXISTS (SELECT 1 FROM provider_vettings pv WHERE pv.agency_org_id = ${facts.programme.agency_org_id}
    AND pv.provider_org_id = ${offerings.provider_org_id} AND pv.status = 'approved')`;
  return sql`(${inCategories} AND ${inRegions} AND ${approved})`;
}
