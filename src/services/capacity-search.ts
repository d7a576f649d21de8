// POST /api/search/capacity: one need, every approved provider's offerings. Bounded work: at
// most MAX_SEARCH_OFFERINGS offerings (cheapest per comparable unit first) over a window of at
// most MAX_SEARCH_WINDOW_DAYS, and a bounded number of queries for capacity however many offerings
// match: the candidates, then what stands in the way (blackouts, and slots too booked for the
// quantity wanted; slots nothing has touched are free and have no row) over growing horizons,
// within a row and a time budget (SEARCH_BUDGET): a search that hits one answers with what it
// found and says it stopped.
import { sql, type SQL } from "drizzle-orm";
import { bestTerms, evaluateVoucher, type BookingFacts, type VoucherFacts, type VoucherTerms } from "../domain/booking-subsidy";
import { normaliseModel, rankOrder, sizeFor, type Need, type Option, type SearchOffering, type SearchSort, type Size } from "../domain/capacity-search";
import { ageInYears, applyRatioFloor, FULL_RATIO_BP, grossFen } from "../domain/pricing";
import { findRelation, type PartyFacts, type Relation } from "../domain/related-parties";
import { blackoutSlotRange, earliestFit, MINUTE_MS, parseWeeklyHours, slotCeil, type Span, type WeeklyHours } from "../domain/slots";
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

/**
 * What fitting and pricing need of an offering, for every candidate. What only a shown option
 * needs (its name, its provider's name, whether it asks for confirmation, its model when the need
 * names none) is read afterwards for those options alone (`readDisplay`), and the provider's
 * region once per provider (`readProviders`): strings are most of what a row costs to read.
 * `category` is the need's (the SQL selects only that category, compared exactly);
 * `accelerator_model` is read only when the need names a model (sizeFor compares it then) and is
 * null otherwise.
 */
interface CandidateRow extends SearchOffering {
  provider_org_id: string;
  slot_minutes: number;
  lead_time_minutes: number;
  weekly_hours_json: string | null;
  comparable_price_fen: number;
}

/**
 * comparablePriceFen (src/domain/capacity-search.ts) in SQL, to the fen alike: per card-hour for
 * compute (a node-hour's price over its cards, rounded up), the unit price otherwise; integer
 * division on integers, so both give the same whole number and `max_unit_price_fen` filters on
 * exactly the figure an option shows.
 */
const comparablePriceSql = sql.raw(
  "(CASE WHEN o.category = 'compute' THEN (o.unit_price_fen * 60 + o.unit_minutes * (CASE WHEN o.unit = 'node_hour' THEN coalesce(o.cards_per_node, 1) ELSE 1 END) - 1) / (o.unit_minutes * (CASE WHEN o.unit = 'node_hour' THEN coalesce(o.cards_per_node, 1) ELSE 1 END)) ELSE o.unit_price_fen END)",
);
/**
 * Units per slot the need takes of an offering, in SQL (cards rounded up to whole nodes). The
 * quantity is cast: a driver may bind a JavaScript number as REAL, and then the division was not
 * an integer one (9 cards on 8-card nodes came to 2.0 but 8 cards to 1.875, so an offering of one
 * node was wrongly left out of a search for 8 cards: found by tests/api/search-equivalence).
 */
const neededUnitsSql = (quantity: number) => {
  const cards = sql`CAST(${quantity} AS INTEGER)`;
  return sql`(CASE WHEN o.unit = 'node_hour' THEN (${cards} + coalesce(o.cards_per_node, 1) - 1) / coalesce(o.cards_per_node, 1) ELSE ${cards} END)`;
};

function candidateFilter(need: Need): SQL {
  const model = need.accelerator_model ? normaliseModel(need.accelerator_model) : null;
  return sql`o.category = ${need.category} AND o.status = 'active' AND ${providerIsPublished(sql`p.provider_status`, sql`p.id`)}
    AND o.capacity_units >= ${neededUnitsSql(need.quantity)}
    ${need.domestic_only ? sql`AND o.domestic = 1` : sql``}
    ${model ? sql`AND lower(replace(replace(replace(coalesce(o.accelerator_model, ''), ' ', ''), '-', ''), '_', '')) = ${model}` : sql``}
    ${need.max_unit_price_fen !== null ? sql`AND ${comparablePriceSql} <= ${need.max_unit_price_fen}` : sql``}`;
}

/**
 * The columns every candidate needs, in this order, and nothing else: up to 1,000 rows cross into
 * JavaScript, and every column of every row is a value to convert (`o.*` cost four times as much).
 */
const candidateColumns = (withModel: boolean) =>
  sql.raw(`o.id, o.provider_org_id, o.unit, o.unit_minutes, o.unit_price_fen, o.slot_minutes, o.capacity_units, o.min_duration_units,
  o.max_duration_units, o.lead_time_minutes, o.weekly_hours_json, o.domestic, o.cards_per_node, ${withModel ? "o.accelerator_model" : "NULL"} AS accelerator_model`);

type CandidateTuple = [
  string, string, string, number, number, number, number, number,
  number, number, string | null, boolean, number | null, string | null, number,
];

/** A row read as an array (better-sqlite3's raw mode builds no object per row; this shape is built once per class). */
const fromTuple = (category: string, r: CandidateTuple): CandidateRow => ({
  id: r[0],
  provider_org_id: r[1],
  category,
  unit: r[2],
  unit_minutes: r[3],
  unit_price_fen: r[4],
  slot_minutes: r[5],
  capacity_units: r[6],
  min_duration_units: r[7],
  max_duration_units: r[8],
  lead_time_minutes: r[9],
  weekly_hours_json: r[10],
  domestic: r[11],
  cards_per_node: r[12],
  accelerator_model: r[13],
  comparable_price_fen: r[14],
});

async function readCandidates(store: Store, need: Need): Promise<CandidateRow[]> {
  const query = sql`
    SELECT ${candidateColumns(Boolean(need.accelerator_model))}, ${comparablePriceSql} AS comparable_price_fen
    FROM offerings o JOIN organisations p ON p.id = o.provider_org_id
    WHERE ${candidateFilter(need)}
    ORDER BY comparable_price_fen, o.id
    LIMIT ${MAX_SEARCH_OFFERINGS}`;
  // Raw rows where the driver has them (better-sqlite3): half the cost of its row objects.
  if (store.allRaw) return (await store.allRaw<CandidateTuple>(query)).map((r) => fromTuple(need.category, r));
  const rows = await store.all<Omit<CandidateRow, "category">>(query);
  return rows.map((r) => ({ ...r, category: need.category }));
}

interface ProviderFacts {
  name: string;
  region_code: string;
}

/** Name and region of each of these providers (few: the providers of the options found). */
async function readProviders(store: Store, ids: readonly string[]): Promise<Map<string, ProviderFacts>> {
  const rows = await store.all<{ id: string; name: string; region_code: string }>(sql`
    SELECT p.id, p.name, p.region_code FROM organisations p WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Map(rows.map((r) => [r.id, { name: r.name, region_code: r.region_code }]));
}

interface OfferingDisplay {
  name: string;
  accelerator_model: string | null;
  requires_confirmation: number;
}

/** What an option shows of its offering beyond what the search used, for the options shown only. */
async function readDisplay(store: Store, ids: readonly string[]): Promise<Map<string, OfferingDisplay>> {
  if (ids.length === 0) return new Map();
  const rows = await store.all<{ id: string } & OfferingDisplay>(sql`
    SELECT o.id, o.name, o.accelerator_model, o.requires_confirmation FROM offerings o WHERE o.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Map(rows.map((r) => [r.id, { name: r.name, accelerator_model: r.accelerator_model, requires_confirmation: r.requires_confirmation }]));
}

/** What one search may read before it stops and answers with what it found (docs/search-limits.md). */
export const SEARCH_BUDGET = {
  /** Rows read for obstacles (blackouts and short slots), over all rounds. */
  rows: 20_000,
  /** Wall time spent reading and fitting, checked between reads. */
  ms: 500,
  /** Offerings whose obstacles one read covers. */
  offerings_per_read: 250,
} as const;

export type StopReason = "row_budget" | "time_budget";

interface Obstacles {
  /** Single slots too short of free units (booked), per offering. */
  slots: Map<string, Set<number>>;
  /** Blackouts' slot ranges per offering, sorted by start. */
  spans: Map<string, Span[]>;
}

/**
 * Obstacles in [from, to) of these offerings, at most `limit` rows. Blocked slots come from the
 * blackouts themselves (one row per window, not one per slot), found through the index on
 * (offering_id, ends_at); short slots come from slot rows that are not blocked, through the
 * partial index on those, so neither read walks a blacked-out month slot by slot and LIMIT bounds
 * what either can return. That index holds the units too, so the test on each slot row reads no
 * table row. The offerings go in as one JSON object parameter, offering id to units wanted (D1
 * binds at most 100): json_each hands out its keys and values as they are, with no JSON to parse
 * again per slot row (json_extract on an array element did, for every row the index visited).
 */
async function readObstacles(store: Store, wanted: readonly Sized[], from: number, to: number, limit: number) {
  const list: Record<string, number> = Object.create(null);
  for (const w of wanted) list[w.offering.id] = w.size.quantity;
  const json = JSON.stringify(list);
  return store.all<{ offering_id: string; starts_at: number; ends_at: number | null }>(sql`
    SELECT b.offering_id, b.starts_at, b.ends_at FROM json_each(${json}) j
    JOIN blackouts b INDEXED BY blackouts_offering_end_idx ON b.offering_id = j.key AND b.ends_at > ${from} AND b.starts_at < ${to}
    UNION ALL
    SELECT su.offering_id, su.slot_start_at, NULL FROM json_each(${json}) j
    JOIN slot_usage su INDEXED BY slot_usage_free_idx ON su.offering_id = j.key AND su.blocked = 0
      AND su.slot_start_at >= ${from} AND su.slot_start_at < ${to}
    WHERE su.capacity_units - su.booked_units < j.value
    LIMIT ${limit}`);
}

function addObstacles(into: Obstacles, rows: Awaited<ReturnType<typeof readObstacles>>, byId: ReadonlyMap<string, Sized>) {
  const touched = new Set<Span[]>();
  for (const row of rows) {
    if (row.ends_at === null) {
      let set = into.slots.get(row.offering_id);
      if (!set) into.slots.set(row.offering_id, (set = new Set()));
      set.add(row.starts_at);
    } else {
      const slotMinutes = byId.get(row.offering_id)!.offering.slot_minutes;
      let spans = into.spans.get(row.offering_id);
      if (!spans) into.spans.set(row.offering_id, (spans = []));
      spans.push(blackoutSlotRange(row.starts_at, row.ends_at, slotMinutes));
      touched.add(spans);
    }
  }
  for (const spans of touched) spans.sort((a, b) => a.from - b.from);
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

const NO_SLOTS: ReadonlySet<number> = new Set();
const NO_SPANS: readonly Span[] = [];

/** The earliest fit ending by `until`, from the obstacles read so far (all of those before `until`). */
function fitOf(s: Sized, req: SearchRequest, obstacles: Obstacles, until: number, now: number): Fit | null {
  const o = s.offering;
  const length = s.size.duration_units * o.unit_minutes * MINUTE_MS;
  const earliest = slotCeil(Math.max(req.earliest_start_at, now + o.lead_time_minutes * MINUTE_MS), o.slot_minutes);
  const starts_at = earliestFit({
    slot_minutes: o.slot_minutes,
    hours: s.hours,
    obstacles: obstacles.slots.get(o.id) ?? NO_SLOTS,
    blocked: obstacles.spans.get(o.id) ?? NO_SPANS,
    earliest_start: earliest,
    latest_end: until,
    length_slots: length / (o.slot_minutes * MINUTE_MS),
  });
  if (starts_at === null) return null;
  const { quantity, duration_units } = s.size;
  return { offering: o, quantity, duration_units, starts_at, ends_at: starts_at + length, gross_fen: grossFen(o.unit_price_fen, quantity, duration_units) };
}

/**
 * Whether the gross fits a safe integer (absurd sizes are left out rather than failing the search).
 * In doubles, without BigInt: every factor is a whole number, the size's at least 1, so a product
 * up to 2^53 − 1 is exact at every step, and one past it rounds to 2^53 or more (rounding keeps
 * order), which the test refuses.
 */
const grossIsSafe = (unitPriceFen: number, size: Size) => unitPriceFen * size.quantity * size.duration_units <= Number.MAX_SAFE_INTEGER;

/**
 * Weekly hours by their stored text, parsed once: most offerings share a few timetables, and
 * validating the same JSON for each of 1,000 candidates was a sixth of a search. Frozen, because
 * searches share it; bounded, oldest out first.
 */
const parsedHours = new Map<string, WeeklyHours>();
function hoursOf(json: string | null): WeeklyHours | null {
  if (json === null) return null;
  let hours = parsedHours.get(json);
  if (!hours) {
    hours = parseWeeklyHours(json) as WeeklyHours;
    for (const intervals of Object.values(hours)) {
      for (const interval of intervals ?? []) Object.freeze(interval);
      Object.freeze(intervals);
    }
    Object.freeze(hours);
    if (parsedHours.size >= 1_024) parsedHours.delete(parsedHours.keys().next().value as string);
    parsedHours.set(json, hours);
  }
  return hours;
}

/** Horizons searched in turn: most offerings fit within days, so most slot rows are never read. */
const ROUND_DAYS = [2, 8, MAX_SEARCH_WINDOW_DAYS];

/**
 * Each round reads obstacles for the offerings still without a fit, only in the new stretch of
 * time, and looks for a fit ending by the round's horizon. A fit found there is the earliest
 * overall: any earlier start would end earlier still, inside the horizon.
 *
 * Offerings are read cheapest first, a slice at a time. When a slice would pass the row budget,
 * or the time budget is spent, the search stops: the fits found so far stand (each is complete for
 * its offering), the slice and every offering after it go unanswered, and the caller says so.
 */
async function findFits(store: Store, req: SearchRequest, sized: Sized[], now: number): Promise<{ fits: Fit[]; stopped: StopReason | null }> {
  const started = performance.now();
  const start = Math.max(req.earliest_start_at, now);
  const byId = new Map(sized.map((s) => [s.offering.id, s]));
  const obstacles: Obstacles = { slots: new Map(), spans: new Map() };
  const fits: Fit[] = [];
  let rowsLeft = SEARCH_BUDGET.rows;
  let pending = sized;
  let readUntil = start;
  for (const days of ROUND_DAYS) {
    const until = Math.min(req.latest_end_at, start + days * DAY_MS);
    if (until <= readUntil) continue;
    const unfit: Sized[] = [];
    for (let i = 0; i < pending.length; i += SEARCH_BUDGET.offerings_per_read) {
      if (performance.now() - started > SEARCH_BUDGET.ms) return { fits, stopped: "time_budget" };
      const slice = pending.slice(i, i + SEARCH_BUDGET.offerings_per_read);
      const rows = await readObstacles(store, slice, readUntil, until, rowsLeft + 1);
      if (rows.length > rowsLeft) return { fits, stopped: "row_budget" };
      rowsLeft -= rows.length;
      addObstacles(obstacles, rows, byId);
      for (const s of slice) {
        const fit = fitOf(s, req, obstacles, until, now);
        if (fit) fits.push(fit);
        else unfit.push(s);
      }
    }
    readUntil = until;
    pending = unfit;
    if (pending.length === 0 || until >= req.latest_end_at) break;
  }
  return { fits, stopped: null };
}

interface Subsidiser {
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

/**
 * The most any of the SME's vouchers could pay towards a booking of this gross, whatever the
 * provider, its approval, the relation or the expiry: each voucher's subsidy is the least of a
 * list whose ratio term is at most gross × its highest ratio (full coverage's 100 % at or below
 * the threshold; otherwise the base ratio or the best tier, whichever the booking qualifies for),
 * and whose other terms are its caps, all included here. So gross − this is a lower bound on the
 * co-pay of any option with this gross (no usable voucher: co-pay = gross).
 */
function subsidyBound(bounds: readonly VoucherBound[], gross: number): number {
  let most = 0;
  for (const b of bounds) {
    const ratio = b.threshold > 0 && gross <= b.threshold ? FULL_RATIO_BP : b.ratio_bp;
    // In doubles while gross × ratio is a safe integer: then the quotient by 10,000 rounds to
    // within 2^-13 of the true one, never across a whole number, so the floor is exact.
    const product = gross * ratio;
    const byRatio = product <= Number.MAX_SAFE_INTEGER ? Math.floor(product / FULL_RATIO_BP) : applyRatioFloor(gross, ratio);
    const bound = Math.min(byRatio, b.caps_fen);
    if (bound > most) most = bound;
  }
  return most;
}

interface VoucherBound {
  threshold: number;
  /** The highest ratio any booking could get: the base or the best tier. */
  ratio_bp: number;
  /** The least of the per-booking cap, the annual cap left and the voucher's balance (each as quoteSubsidy takes it). */
  caps_fen: number;
}

function voucherBounds(s: Subsidiser): VoucherBound[] {
  return s.vouchers.map((v) => {
    const cap = v.rules.annual_subsidy_cap_fen;
    let caps_fen = Math.max(0, v.voucher_available_fen);
    if (v.rules.per_booking_cap_fen !== null) caps_fen = Math.min(caps_fen, v.rules.per_booking_cap_fen);
    if (cap !== null) caps_fen = Math.min(caps_fen, Math.max(0, cap - v.annual_subsidy_used_fen));
    return { threshold: v.rules.full_coverage_threshold_fen, ratio_bp: Math.max(v.rules.subsidy_ratio_bp, ...v.rules.tiers.map((t) => t.ratio_bp)), caps_fen };
  });
}

type Priced = Option & { fit: Fit; terms: VoucherTerms | null };

/**
 * The first `limit` options in rank order, pricing (evaluating every voucher on) only the options
 * that can still be among them. Each option gets a bound: its rank key with the co-pay replaced by
 * a lower bound (`subsidyBound`); its real key is never before its bound. Options are priced in
 * the order of their bounds, keeping the best `limit` priced so far; once the next bound comes
 * after the last of those, so does that option and every one after it (their bounds are later
 * still, and the last kept only moves forward), so none of them can be among the first `limit`.
 * Keys never tie (offering ids are unique), so the answer is exactly rankOptions(all).slice(0, limit).
 */
function bestOptions(fits: readonly Fit[], s: Subsidiser | null, providers: ReadonlyMap<string, ProviderFacts>, sort: SearchSort, limit: number, now: number): Priced[] {
  const compare = rankOrder(sort);
  const bounds = s ? voucherBounds(s) : [];
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

export async function searchCapacity(store: Store, actor: Actor, req: SearchRequest, now: number) {
  const candidates = await readCandidates(store, req);
  const sized = candidates.flatMap((offering) => {
    const size = sizeFor(req, offering);
    return size && grossIsSafe(offering.unit_price_fen, size) ? [{ offering, size, hours: hoursOf(offering.weekly_hours_json) }] : [];
  });
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
