// Fitting: each candidate sized for the need, then its earliest fit in the window, from what
// stands in the way (blackouts, and slots too booked for the quantity wanted; slots nothing has
// touched are free and have no row), read over growing horizons within SEARCH_BUDGET.
import { sql } from "drizzle-orm";
import { sizeFor, type Size } from "../../domain/capacity-search";
import { grossFen } from "../../domain/pricing";
import { blackoutSlotRange, earliestFit, MINUTE_MS, parseWeeklyHours, slotCeil, type Span, type WeeklyHours } from "../../domain/slots";
import type { Store } from "../../db/store";
import { DAY_MS } from "../../lib/time";
import type { CandidateRow } from "./candidates";
import { MAX_SEARCH_WINDOW_DAYS, SEARCH_BUDGET, type SearchRequest, type StopReason } from "./limits";

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

export interface Sized {
  offering: CandidateRow;
  size: Size;
  hours: WeeklyHours | null;
}

export interface Fit {
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

/** The candidates a booking can be sized on for the need, in their order, each with its size and weekly hours. */
export function sizeCandidates(req: SearchRequest, candidates: readonly CandidateRow[]): Sized[] {
  return candidates.flatMap((offering) => {
    const size = sizeFor(req, offering);
    return size && grossIsSafe(offering.unit_price_fen, size) ? [{ offering, size, hours: hoursOf(offering.weekly_hours_json) }] : [];
  });
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
export async function findFits(store: Store, req: SearchRequest, sized: Sized[], now: number): Promise<{ fits: Fit[]; stopped: StopReason | null }> {
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
