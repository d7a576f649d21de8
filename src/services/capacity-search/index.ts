// POST /api/search/capacity: one need, every approved provider's offerings. Bounded work: at
// most MAX_SEARCH_OFFERINGS offerings (cheapest per comparable unit first) over a window of at
// most MAX_SEARCH_WINDOW_DAYS, and a bounded number of queries for capacity however many offerings
// match: the candidates, then what stands in the way (blackouts, and slots too booked for the
// quantity wanted; slots nothing has touched are free and have no row) over growing horizons,
// within a row and a time budget (SEARCH_BUDGET): a search that hits one answers with what it
// found and says it stopped.
//
// The steps, one module each: reading the candidates and what the options shown need of them
// (candidates.ts), fitting (fit.ts), pricing for the SME's vouchers and ranking (pricing.ts); the
// request and its bounds are in limits.ts.
import type { VoucherTerms } from "../../domain/booking-subsidy";
import type { Store } from "../../db/store";
import type { Actor } from "../../lib/context";
import { toShanghaiIso } from "../../lib/time";
import { readCandidates, readDisplay, readProviders, type OfferingDisplay, type ProviderFacts } from "./candidates";
import { findFits, sizeCandidates, type Fit } from "./fit";
import { MAX_SEARCH_OFFERINGS, type SearchRequest } from "./limits";
import { bestOptions, subsidiser } from "./pricing";

export { MAX_SEARCH_OFFERINGS, MAX_SEARCH_WINDOW_DAYS, SEARCH_BUDGET, type SearchRequest, type StopReason } from "./limits";

export async function searchCapacity(store: Store, actor: Actor, req: SearchRequest, now: number) {
  const candidates = await readCandidates(store, req);
  const sized = sizeCandidates(req, candidates);
  const { fits, stopped } = await findFits(store, req, sized, now);
  const providerIds = [...new Set(fits.map((f) => f.offering.provider_org_id))];
  const s = await subsidiser(store, actor, providerIds, now);
  const providers = fits.length > 0 ? await readProviders(store, providerIds) : new Map<string, ProviderFacts>();
  const ranked = bestOptions(fits, s, providers, req.sort, req.limit, now);
  const display = await readDisplay(store, ranked.map((o) => o.offering_id));
  return {
    considered_offerings: candidates.length,
    truncated: candidates.length >= MAX_SEARCH_OFFERINGS,
    complete: stopped === null,
    stopped_because: stopped,
    options: ranked.map((o, index) => presentOption(o.fit, o.terms, providers.get(o.fit.offering.provider_org_id)!, display.get(o.offering_id)!, index + 1)),
  };
}

function presentOption(fit: Fit, terms: VoucherTerms | null, provider: ProviderFacts, shown: OfferingDisplay, rank: number) {
  const o = fit.offering;
  const subsidy_fen = terms?.subsidy_fen ?? 0;
  return {
    rank,
    offering: {
      id: o.id,
      name: shown.name,
      provider_org_id: o.provider_org_id,
      provider_name: provider.name,
      category: o.category,
      unit: o.unit,
      unit_price_fen: o.unit_price_fen,
      comparable_unit_price_fen: o.comparable_price_fen,
      accelerator_model: shown.accelerator_model,
      cards_per_node: o.cards_per_node,
      domestic: Boolean(o.domestic),
      requires_confirmation: Boolean(shown.requires_confirmation),
    },
    starts_at: toShanghaiIso(fit.starts_at),
    ends_at: toShanghaiIso(fit.ends_at),
    quantity: fit.quantity,
    duration_units: fit.duration_units,
    gross_fen: fit.gross_fen,
    subsidy_fen,
    copay_fen: fit.gross_fen - subsidy_fen,
    voucher_id: terms?.voucher_id ?? null,
    subsidy: terms && { ...terms, voucher_expires_at: toShanghaiIso(terms.voucher_expires_at) },
  };
}

export type SearchResult = Awaited<ReturnType<typeof searchCapacity>>;

/**
 * Runs a search. On D1 and on an in-memory database: in the request's own thread, over its
 * store. On a Node database file: on a worker thread with its own read-only connection
 * (src/db/search-thread.ts), so a long search never holds up other requests.
 */
export type SearchExecutor = (actor: Actor, req: SearchRequest, now: number) => Promise<SearchResult>;

export const searchInThread = (store: Store): SearchExecutor => (actor, req, now) => searchCapacity(store, actor, req, now);
