// Pricing the fits for an SME: its vouchers and what they depend on (relations to providers,
// the providers' approving agencies), read once per search (the Subsidiser); each option's best
// voucher, by the rules a booking applies; and the first `limit` options in rank order, pricing
// only those that can still be among them (a lower bound on each co-pay, src/domain/subsidy-bound.ts).
import { bestTerms, evaluateVoucher, type BookingFacts, type VoucherFacts, type VoucherTerms } from "../../domain/booking-subsidy";
import { rankOrder, type Option, type SearchSort } from "../../domain/capacity-search";
import { ageInYears } from "../../domain/pricing";
import { findRelation, type PartyFacts, type Relation } from "../../domain/related-parties";
import { subsidyBound, voucherBounds } from "../../domain/subsidy-bound";
import type { Store } from "../../db/store";
import type { Actor } from "../../lib/context";
import { shanghaiDate, shanghaiYear } from "../../lib/time";
import { readActiveVoucherFacts, readPartyFacts, readProviderPartyFacts } from "../booking-facts";
import { readApprovingAgencies } from "../vetting";
import type { ProviderFacts } from "./candidates";
import type { Fit } from "./fit";

export interface Subsidiser {
  vouchers: VoucherFacts[];
  sme_org_id: string;
  relations: Map<string, PartyFacts>;
  /** How the SME is related to each provider, worked out on first use (providers are few, options many). */
  related: Map<string, Relation | null>;
  /** Per provider, the agencies approving it: only their programmes' vouchers subsidise it. */
  approvers: Map<string, Set<string>>;
  smeFacts: PartyFacts | null;
  cap_year: number;
  tier: BookingFacts["tier"];
}

export async function subsidiser(store: Store, actor: Actor, providerIds: string[], now: number): Promise<Subsidiser | null> {
  if (actor.org.kind !== "sme") return null;
  const cap_year = shanghaiYear(now);
  const vouchers = await readActiveVoucherFacts(store, actor.org.id, cap_year, now);
  if (vouchers.length === 0) return null;
  const needRelations = vouchers.some((v) => v.rules.exclude_related_parties);
  const smeFacts = needRelations ? await readPartyFacts(store, actor.org) : null;
  const relations = smeFacts ? await readProviderPartyFacts(store, { ...smeFacts, id: actor.org.id }, providerIds) : new Map();
  const tier = { enterprise_age_years: ageInYears(actor.org.founded_on, shanghaiDate(now)), enterprise_size_class: actor.org.size_class };
  const approvers = await readApprovingAgencies(store, providerIds);
  return { vouchers, sme_org_id: actor.org.id, relations, related: new Map(), approvers, smeFacts, cap_year, tier };
}

function relationTo(s: Subsidiser, providerOrgId: string): Relation | null {
  let relation = s.related.get(providerOrgId);
  if (relation === undefined) {
    const provider = s.relations.get(providerOrgId);
    relation = s.smeFacts && provider ? findRelation(s.smeFacts, provider) : null;
    s.related.set(providerOrgId, relation);
  }
  return relation;
}

const NO_APPROVERS: ReadonlySet<string> = new Set();

/** The SME's best voucher on this option (the same rules a booking applies), or null. */
function termsFor(s: Subsidiser, fit: Fit, regionCode: string, now: number): VoucherTerms | null {
  const relation = relationTo(s, fit.offering.provider_org_id);
  const booking: BookingFacts = {
    sme_org_id: s.sme_org_id,
    gross_fen: fit.gross_fen,
    ends_at: fit.ends_at,
    now,
    cap_year: s.cap_year,
    offering: { category: fit.offering.category, region_code: regionCode, domestic: Boolean(fit.offering.domestic) },
    tier: s.tier,
    relation,
    provider_approved_by: s.approvers.get(fit.offering.provider_org_id) ?? NO_APPROVERS,
  };
  const usable: VoucherTerms[] = [];
  for (const v of s.vouchers) {
    const evaluation = evaluateVoucher(v, booking);
    if (evaluation.ok) usable.push(evaluation.terms);
  }
  return bestTerms(usable);
}

export type Priced = Option & { fit: Fit; terms: VoucherTerms | null };

/**
 * The first `limit` options in rank order, pricing (evaluating every voucher on) only the options
 * that can still be among them. Each option gets a bound: its rank key with the co-pay replaced by
 * a lower bound (`subsidyBound`); its real key is never before its bound. Options are priced in
 * the order of their bounds, keeping the best `limit` priced so far; once the next bound comes
 * after the last of those, so does that option and every one after it (their bounds are later
 * still, and the last kept only moves forward), so none of them can be among the first `limit`.
 * Keys never tie (offering ids are unique), so the answer is exactly rankOptions(all).slice(0, limit).
 */
export function bestOptions(fits: readonly Fit[], s: Subsidiser | null, providers: ReadonlyMap<string, ProviderFacts>, sort: SearchSort, limit: number, now: number): Priced[] {
  const compare = rankOrder(sort);
  const bounds = s ? voucherBounds(s.vouchers) : [];
  const bounded: Priced[] = fits.map((fit) => {
    const lower = fit.gross_fen - subsidyBound(bounds, fit.gross_fen);
    return { offering_id: fit.offering.id, fit, terms: null, starts_at: fit.starts_at, gross_fen: fit.gross_fen, subsidy_fen: 0, copay_fen: lower };
  });
  bounded.sort(compare);
  const best: Priced[] = [];
  for (const bound of bounded) {
    if (best.length === limit && compare(bound, best[limit - 1]!) > 0) break;
    const fit = bound.fit;
    const terms = s ? termsFor(s, fit, providers.get(fit.offering.provider_org_id)!.region_code, now) : null;
    const subsidy_fen = terms?.subsidy_fen ?? 0;
    const option: Priced = { offering_id: fit.offering.id, fit, terms, starts_at: fit.starts_at, gross_fen: fit.gross_fen, subsidy_fen, copay_fen: fit.gross_fen - subsidy_fen };
    let at = best.length;
    while (at > 0 && compare(option, best[at - 1]!) < 0) at--;
    if (at < limit) {
      best.splice(at, 0, option);
      if (best.length > limit) best.pop();
    }
  }
  return best;
}
