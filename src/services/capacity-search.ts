// POST /api/search/capacity: one need, every approved provider's offerings. Bounded work: at
// most MAX_SEARCH_OFFERINGS offerings (cheapest per comparable unit first) over a window of at
// most MAX_SEARCH_WINDOW_DAYS, and at most four queries for capacity however many offerings
// match: the candidates, then the slots that cannot take the quantity wanted (the "obstacles";
// slots no booking or blackout has touched are free and have no row) over growing horizons.
import { sql, type SQL } from "drizzle-orm";
import { bestTerms, evaluateVoucher, type BookingFacts, type VoucherFacts, type VoucherTerms } from "../domain/booking-subsidy";
import { normaliseModel, rankOptions, sizeFor, type Need, type SearchOffering, type SearchSort, type Size } from "../domain/capacity-search";
import { ageInYears, grossFen } from "../domain/pricing";
import { findRelation, type PartyFacts } from "../domain/related-parties";
import { earliestFit, MINUTE_MS, parseWeeklyHours, slotCeil, type WeeklyHours } from "../domain/slots";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";
import { DAY_MS, shanghaiDate, shanghaiYear, toShanghaiIso } from "../lib/time";
import { readActiveVoucherFacts, readPartyFacts, readProviderPartyFacts } from "./booking-facts";
import { providerIsPublished, readApprovingAgencies } from "./vetting";

export const MAX_SEARCH_OFFERINGS = 1_000;
export const MAX_SEARCH_WINDOW_DAYS = 31;

export interface SearchRequest extends Need {
  earliest_start_at: number;
  latest_end_at: number;
  sort: SearchSort;
  limit: number;
}

interface CandidateRow extends SearchOffering {
  name: string;
  provider_org_id: string;
  provider_name: string;
  provider_region_code: string;
  slot_minutes: number;
  lead_time_minutes: number;
  weekly_hours_json: string | null;
  requires_confirmation: number;
  comparable_price_fen: number;
}

const comparablePriceSql = sql.raw(
  "(o.unit_price_fen * 60.0 / o.unit_minutes / (CASE WHEN o.category = 'compute' AND o.unit = 'node_hour' THEN coalesce(o.cards_per_node, 1) ELSE 1 END))",
);
/** Units per slot the need takes of an offering, in SQL (cards rounded up to whole nodes). */
const neededUnitsSql = (quantity: number) =>
  sql`(CASE WHEN o.unit = 'node_hour' THEN (${quantity} + coalesce(o.cards_per_node, 1) - 1) / coalesce(o.cards_per_node, 1) ELSE ${quantity} END)`;

function candidateFilter(need: Need): SQL {
  const model = need.accelerator_model ? normaliseModel(need.accelerator_model) : null;
  return sql`o.category = ${need.category} AND o.status = 'active' AND ${providerIsPublished(sql`p.provider_status`, sql`p.id`)}
    AND o.capacity_units >= ${neededUnitsSql(need.quantity)}
    ${need.domestic_only ? sql`AND o.domestic = 1` : sql``}
    ${model ? sql`AND lower(replace(replace(replace(coalesce(o.accelerator_model, ''), ' ', ''), '-', ''), '_', '')) = ${model}` : sql``}
    ${need.max_unit_price_fen !== null ? sql`AND ${comparablePriceSql} <= ${need.max_unit_price_fen}` : sql``}`;
}

async function readCandidates(store: Store, need: Need): Promise<CandidateRow[]> {
  return store.all<CandidateRow>(sql`
    SELECT o.*, p.name AS provider_name, p.region_code AS provider_region_code, ${comparablePriceSql} AS comparable_price_fen
    FROM offerings o JOIN organisations p ON p.id = o.provider_org_id
    WHERE ${candidateFilter(need)}
    ORDER BY comparable_price_fen, o.id
    LIMIT ${MAX_SEARCH_OFFERINGS}`);
}

/**
 * Slots in [from, to) of these offerings that cannot take the units wanted. The offerings go in
 * as one JSON parameter, so the statement binds three parameters however many there are (D1
 * binds at most 100 per statement).
 */
async function readObstacles(store: Store, wanted: readonly Sized[], from: number, to: number, into: Map<string, Set<number>>) {
  const list = JSON.stringify(wanted.map((w) => [w.offering.id, w.size.quantity]));
  const rows = await store.all<{ offering_id: string; slot_start_at: number }>(sql`
    SELECT su.offering_id, su.slot_start_at FROM json_each(${list}) j
    JOIN slot_usage su ON su.offering_id = json_extract(j.value, '$[0]') AND su.slot_start_at >= ${from} AND su.slot_start_at < ${to}
    WHERE su.blocked OR su.capacity_units - su.booked_units < json_extract(j.value, '$[1]')`);
  for (const row of rows) {
    let set = into.get(row.offering_id);
    if (!set) into.set(row.offering_id, (set = new Set()));
    set.add(row.slot_start_at);
  }
}

interface Sized {
  offering: CandidateRow;
  size: Size;
  hours: WeeklyHours | null;
}

interface Fit {
  offering: CandidateRow;
  quantity: number;
  duration_units: number;
  starts_at: number;
  ends_at: number;
  gross_fen: number;
}

/** The earliest fit ending by `until`, from the obstacles read so far (all of those before `until`). */
function fitOf(s: Sized, req: SearchRequest, obstacles: ReadonlySet<number> | undefined, until: number, now: number): Fit | null {
  const o = s.offering;
  const length = s.size.duration_units * o.unit_minutes * MINUTE_MS;
  const earliest = slotCeil(Math.max(req.earliest_start_at, now + o.lead_time_minutes * MINUTE_MS), o.slot_minutes);
  const starts_at = earliestFit({
    slot_minutes: o.slot_minutes,
    hours: s.hours,
    obstacles: obstacles ?? new Set(),
    earliest_start: earliest,
    latest_end: until,
    length_slots: length / (o.slot_minutes * MINUTE_MS),
  });
  if (starts_at === null) return null;
  return { offering: o, ...s.size, starts_at, ends_at: starts_at + length, gross_fen: grossFen(o.unit_price_fen, s.size.quantity, s.size.duration_units) };
}

/** Whether the gross fits a safe integer (absurd sizes are left out rather than failing the search). */
const grossIsSafe = (unitPriceFen: number, size: Size) =>
  BigInt(unitPriceFen) * BigInt(size.quantity) * BigInt(size.duration_units) <= BigInt(Number.MAX_SAFE_INTEGER);

/** Horizons searched in turn: most offerings fit within days, so most slot rows are never read. */
const ROUND_DAYS = [2, 8, MAX_SEARCH_WINDOW_DAYS];

/**
 * Each round reads obstacles for the offerings still without a fit, only in the new stretch of
 * time, and looks for a fit ending by the round's horizon. A fit found there is the earliest
 * overall: any earlier start would end earlier still, inside the horizon.
 */
async function findFits(store: Store, req: SearchRequest, sized: Sized[], now: number): Promise<Fit[]> {
  const start = Math.max(req.earliest_start_at, now);
  const obstacles = new Map<string, Set<number>>();
  const fits: Fit[] = [];
  let pending = sized;
  let readUntil = start;
  for (const days of ROUND_DAYS) {
    const until = Math.min(req.latest_end_at, start + days * DAY_MS);
    if (until <= readUntil) continue;
    await readObstacles(store, pending, readUntil, until, obstacles);
    readUntil = until;
    const unfit: Sized[] = [];
    for (const s of pending) {
      const fit = fitOf(s, req, obstacles.get(s.offering.id), until, now);
      if (fit) fits.push(fit);
      else unfit.push(s);
    }
    pending = unfit;
    if (pending.length === 0 || until >= req.latest_end_at) break;
  }
  return fits;
}

interface Subsidiser {
  vouchers: VoucherFacts[];
  sme_org_id: string;
  relations: Map<string, PartyFacts>;
  /** Per provider, the agencies approving it: only their programmes' vouchers subsidise it. */
  approvers: Map<string, Set<string>>;
  smeFacts: PartyFacts | null;
  cap_year: number;
  tier: BookingFacts["tier"];
}

async function subsidiser(store: Store, actor: Actor, providerIds: string[], now: number): Promise<Subsidiser | null> {
  if (actor.org.kind !== "sme") return null;
  const cap_year = shanghaiYear(now);
  const vouchers = await readActiveVoucherFacts(store, actor.org.id, cap_year, now);
  if (vouchers.length === 0) return null;
  const needRelations = vouchers.some((v) => v.rules.exclude_related_parties);
  const smeFacts = needRelations ? await readPartyFacts(store, actor.org) : null;
  const relations = smeFacts ? await readProviderPartyFacts(store, { ...smeFacts, id: actor.org.id }, providerIds) : new Map();
  const tier = { enterprise_age_years: ageInYears(actor.org.founded_on, shanghaiDate(now)), enterprise_size_class: actor.org.size_class };
  const approvers = await readApprovingAgencies(store, providerIds);
  return { vouchers, sme_org_id: actor.org.id, relations, approvers, smeFacts, cap_year, tier };
}

/** The SME's best voucher on this option (the same rules a booking applies), or null. */
function termsFor(s: Subsidiser, fit: Fit, now: number): VoucherTerms | null {
  const provider = s.relations.get(fit.offering.provider_org_id);
  const relation = s.smeFacts && provider ? findRelation(s.smeFacts, provider) : null;
  const booking: BookingFacts = {
    sme_org_id: s.sme_org_id,
    gross_fen: fit.gross_fen,
    ends_at: fit.ends_at,
    now,
    cap_year: s.cap_year,
    offering: { category: fit.offering.category, region_code: fit.offering.provider_region_code, domestic: Boolean(fit.offering.domestic) },
    tier: s.tier,
    relation,
    provider_approved_by: s.approvers.get(fit.offering.provider_org_id) ?? new Set(),
  };
  const usable = s.vouchers.map((v) => evaluateVoucher(v, booking)).flatMap((e) => (e.ok ? [e.terms] : []));
  return bestTerms(usable);
}

export async function searchCapacity(store: Store, actor: Actor, req: SearchRequest, now: number) {
  const candidates = await readCandidates(store, req);
  const sized = candidates.flatMap((offering) => {
    const size = sizeFor(req, offering);
    return size && grossIsSafe(offering.unit_price_fen, size) ? [{ offering, size, hours: parseWeeklyHours(offering.weekly_hours_json) }] : [];
  });
  const fits = await findFits(store, req, sized, now);
  const s = await subsidiser(store, actor, [...new Set(fits.map((f) => f.offering.provider_org_id))], now);
  const options = fits.map((fit) => {
    const terms = s ? termsFor(s, fit, now) : null;
    const subsidy_fen = terms?.subsidy_fen ?? 0;
    return { offering_id: fit.offering.id, fit, terms, starts_at: fit.starts_at, gross_fen: fit.gross_fen, subsidy_fen, copay_fen: fit.gross_fen - subsidy_fen };
  });
  const ranked = rankOptions(options, req.sort).slice(0, req.limit);
  return {
    considered_offerings: candidates.length,
    truncated: candidates.length >= MAX_SEARCH_OFFERINGS,
    options: ranked.map((o, index) => presentOption(o.fit, o.terms, index + 1)),
  };
}

function presentOption(fit: Fit, terms: VoucherTerms | null, rank: number) {
  const o = fit.offering;
  const subsidy_fen = terms?.subsidy_fen ?? 0;
  return {
    rank,
    offering: {
      id: o.id,
      name: o.name,
      provider_org_id: o.provider_org_id,
      provider_name: o.provider_name,
      category: o.category,
      unit: o.unit,
      unit_price_fen: o.unit_price_fen,
      comparable_unit_price_fen: o.comparable_price_fen,
      accelerator_model: o.accelerator_model,
      cards_per_node: o.cards_per_node,
      domestic: Boolean(o.domestic),
      requires_confirmation: Boolean(o.requires_confirmation),
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
