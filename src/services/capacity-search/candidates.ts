// The offerings a capacity search reads: the candidates (what fitting and pricing need, cheapest
// per comparable unit first, at most MAX_SEARCH_OFFERINGS), then for the options found only, their
// providers' names and regions and what an option shows of its offering.
import { sql, type SQL } from "drizzle-orm";
import { normaliseModel, type Need, type SearchOffering } from "../../domain/capacity-search";
import type { Store } from "../../db/store";
import { providerIsPublished } from "../vetting";
import { MAX_SEARCH_OFFERINGS } from "./limits";

/**
 * What fitting and pricing need of an offering, for every candidate. What only a shown option
 * needs (its name, its provider's name, whether it asks for confirmation, its model when the need
 * names none) is read afterwards for those options alone (`readDisplay`), and the provider's
 * region once per provider (`readProviders`): strings are most of what a row costs to read.
 * `category` is the need's (the SQL selects only that category, compared exactly);
 * `accelerator_model` is read only when the need names a model (sizeFor compares it then) and is
 * null otherwise.
 */
export interface CandidateRow extends SearchOffering {
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

export async function readCandidates(store: Store, need: Need): Promise<CandidateRow[]> {
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

export interface ProviderFacts {
  name: string;
  region_code: string;
}

/** Name and region of each of these providers (few: the providers of the options found). */
export async function readProviders(store: Store, ids: readonly string[]): Promise<Map<string, ProviderFacts>> {
  const rows = await store.all<{ id: string; name: string; region_code: string }>(sql`
    SELECT p.id, p.name, p.region_code FROM organisations p WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Map(rows.map((r) => [r.id, { name: r.name, region_code: r.region_code }]));
}

export interface OfferingDisplay {
  name: string;
  accelerator_model: string | null;
  requires_confirmation: number;
}

/** What an option shows of its offering beyond what the search used, for the options shown only. */
export async function readDisplay(store: Store, ids: readonly string[]): Promise<Map<string, OfferingDisplay>> {
  if (ids.length === 0) return new Map();
  const rows = await store.all<{ id: string } & OfferingDisplay>(sql`
    SELECT o.id, o.name, o.accelerator_model, o.requires_confirmation FROM offerings o WHERE o.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  return new Map(rows.map((r) => [r.id, { name: r.name, accelerator_model: r.accelerator_model, requires_confirmation: r.requires_confirmation }]));
}
