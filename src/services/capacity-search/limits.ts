// What a capacity search is asked, and what bounds its work (docs/search-limits.md): the
// candidates it considers, the window it searches and what it may read before it stops.
import type { Need, SearchSort } from "../../domain/capacity-search";

export const MAX_SEARCH_OFFERINGS = 1_000;
export const MAX_SEARCH_WINDOW_DAYS = 31;

export interface SearchRequest extends Need {
  earliest_start_at: number;
  latest_end_at: number;
  sort: SearchSort;
  limit: number;
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
