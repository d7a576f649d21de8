// Cross-provider capacity matching (算力统筹调度 / 算力撮合): turn a need into a booking size
// per offering, compare prices on one scale, and rank the options. Pure.

export interface Need {
  category: string;
  /** null: any model. */
  accelerator_model: string | null;
  /** Accelerator cards for compute; seats, sessions or units otherwise. */
  quantity: number;
  duration_hours: number;
  domestic_only: boolean;
  /** Highest acceptable price per card-hour (compute) or per unit (others), in fen. */
  max_unit_price_fen: number | null;
}

export interface SearchOffering {
  id: string;
  category: string;
  unit: string;
  unit_minutes: number;
  unit_price_fen: number;
  capacity_units: number;
  min_duration_units: number;
  max_duration_units: number;
  cards_per_node: number | null;
  accelerator_model: string | null;
  domestic: boolean;
}

export interface Size {
  /** Units of capacity per slot: cards, nodes (cards rounded up to whole nodes), seats… */
  quantity: number;
  duration_units: number;
}

/** How big a booking of this offering meets the need, or null when it cannot. */
export function sizeFor(need: Need, o: SearchOffering): Size | null {
  if (o.category !== need.category) return null;
  if (need.domestic_only && !o.domestic) return null;
  if (need.accelerator_model && normaliseModel(o.accelerator_model ?? "") !== normaliseModel(need.accelerator_model)) return null;
  const perNode = o.unit === "node_hour" ? o.cards_per_node ?? 1 : 1;
  const quantity = Math.ceil(need.quantity / perNode);
  const duration_units = Math.max(o.min_duration_units, Math.ceil((need.duration_hours * 60) / o.unit_minutes));
  if (quantity > o.capacity_units || duration_units > o.max_duration_units) return null;
  if (need.max_unit_price_fen !== null && comparablePriceFen(o) > need.max_unit_price_fen) return null;
  return { quantity, duration_units };
}

/** Accelerator model names compare without case, spaces or dashes ("Ascend 910B" = "ascend-910b"). */
export const normaliseModel = (model: string) => model.toLowerCase().replace(/[\s\-_]+/g, "");

/**
 * Price on one scale, in whole fen: per card-hour for compute (a node-hour's price shared over its
 * cards, rounded up, so a budget of that figure admits it and one fen less does not), the unit
 * price otherwise (per seat-day, licence-month, session-hour…). The search's SQL computes the same.
 */
export function comparablePriceFen(o: Pick<SearchOffering, "category" | "unit" | "unit_minutes" | "unit_price_fen" | "cards_per_node">): number {
  if (o.category !== "compute") return o.unit_price_fen;
  const perNode = o.unit === "node_hour" ? o.cards_per_node ?? 1 : 1;
  const divisor = o.unit_minutes * perNode;
  return Math.floor((o.unit_price_fen * 60 + divisor - 1) / divisor);
}

export interface Option {
  offering_id: string;
  starts_at: number;
  gross_fen: number;
  subsidy_fen: number;
  copay_fen: number;
}

export type SearchSort = "cheapest" | "earliest";

/**
 * Cheapest: least co-pay for the SME, then earliest start, then least gross (less public money),
 * then offering id so the order is stable. Earliest: start first, then the same.
 */
export function rankOptions<T extends Option>(options: readonly T[], sort: SearchSort): T[] {
  return [...options].sort(rankOrder(sort));
}

/** The comparison rankOptions sorts by (negative: `a` ranks first). */
export function rankOrder(sort: SearchSort): (a: Option, b: Option) => number {
  const byCopay = (a: Option, b: Option) => a.copay_fen - b.copay_fen;
  const byStart = (a: Option, b: Option) => a.starts_at - b.starts_at;
  const byGross = (a: Option, b: Option) => a.gross_fen - b.gross_fen;
  const byId = (a: Option, b: Option) => (a.offering_id < b.offering_id ? -1 : a.offering_id > b.offering_id ? 1 : 0);
  const order = sort === "cheapest" ? [byCopay, byStart, byGross, byId] : [byStart, byCopay, byGross, byId];
  return (a, b) => {
    for (const compare of order) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}
