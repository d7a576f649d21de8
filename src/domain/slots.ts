// Slots: the unit capacity is counted in (DESIGN §6: UTC storage, Asia/Shanghai display, slots
// aligned to the offering's granularity). Pure: instants are UTC milliseconds.
//
// - An offering counts capacity per slot of slot_minutes (60 or 1440). Hourly slots start on
//   the hour; daily slots start at 00:00 Asia/Shanghai (16:00 UTC the day before).
// - A booking covers [starts_at, ends_at): starts on a slot boundary, lasts a whole number of
//   pricing units (unit_minutes, a multiple of slot_minutes), and takes `quantity` units of
//   capacity in every slot it covers.
// - Weekly hours say when slots are bookable, in Asia/Shanghai wall-clock hours; null means
//   around the clock. An hourly slot is open when its hour lies in an interval of its weekday;
//   a daily slot is open when its weekday has any bookable hours.
import { z } from "zod";

const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const MINUTE_MS = 60_000;

/** Longest booking: one year, as the Beijing rule bounds a contract (DESIGN §1). */
export const MAX_BOOKING_MINUTES = 366 * 24 * 60;
/** How far ahead a booking may start. */
export const BOOKING_HORIZON_MS = 366 * 24 * 60 * MINUTE_MS;

export const ISO_WEEKDAYS = ["1", "2", "3", "4", "5", "6", "7"] as const;

/** { "1": [[9, 18]], … }: ISO weekday (1 = Monday) → [from hour, to hour) intervals, Asia/Shanghai. */
export const WeeklyHoursSchema = z
  .partialRecord(
    z.enum(ISO_WEEKDAYS),
    z
      .array(z.array(z.number().int().min(0).max(24)).min(2).max(2))
      .max(12)
      .refine((intervals) => intervals.every(([from = 0, to = 0]) => from < to), {
        message: "每段时间的开始须早于结束 / Each interval must start before it ends",
      })
      .refine((intervals) => !overlapping(intervals as [number, number][]), { message: "时间段不能重叠 / Intervals must not overlap" })
      .transform((intervals) => intervals as [number, number][]),
  )
  .refine((week) => Object.values(week).some((intervals) => intervals && intervals.length > 0), {
    message: "至少需要一个可预约时段 / Give at least one bookable interval",
  });
export type WeeklyHours = z.infer<typeof WeeklyHoursSchema>;

function overlapping(intervals: readonly (readonly [number, number])[]): boolean {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  return sorted.some((interval, i) => i > 0 && interval[0] < (sorted[i - 1] as [number, number])[1]);
}

export interface SlotShape {
  slot_minutes: number;
  unit_minutes: number;
}

export const slotMs = (o: Pick<SlotShape, "slot_minutes">) => o.slot_minutes * MINUTE_MS;

/** The start of the slot containing `at`. */
export function slotFloor(at: number, slotMinutes: number): number {
  const size = slotMinutes * MINUTE_MS;
  return Math.floor((at + SHANGHAI_OFFSET_MS) / size) * size - SHANGHAI_OFFSET_MS;
}

/** The first slot start at or after `at`. */
export function slotCeil(at: number, slotMinutes: number): number {
  const floor = slotFloor(at, slotMinutes);
  return floor === at ? at : floor + slotMinutes * MINUTE_MS;
}

export const isSlotAligned = (at: number, slotMinutes: number) => slotFloor(at, slotMinutes) === at;

/** Slot starts in [from, to); both aligned. */
export function slotStarts(from: number, to: number, slotMinutes: number): number[] {
  const size = slotMinutes * MINUTE_MS;
  const starts: number[] = [];
  for (let at = from; at < to; at += size) starts.push(at);
  return starts;
}

const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * ISO weekday (1 = Monday … 7 = Sunday) and hour in Asia/Shanghai, by arithmetic (no Date: a
 * search asks this for every slot of every offering). Day 0 of the epoch was a Thursday.
 */
export function shanghaiWeekdayHour(at: number): { weekday: number; hour: number } {
  const local = at + SHANGHAI_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  return { weekday: ((((day + 3) % 7) + 7) % 7) + 1, hour: Math.floor((local - day * DAY_MS) / HOUR_MS) };
}

/** Whether the slot starting at `slotStart` is within the weekly bookable hours. */
export function slotOpen(hours: WeeklyHours | null, slotStart: number, slotMinutes: number): boolean {
  if (!hours) return true;
  const { weekday, hour } = shanghaiWeekdayHour(slotStart);
  const intervals = hours[String(weekday) as (typeof ISO_WEEKDAYS)[number]] ?? [];
  if (slotMinutes >= 1440) return intervals.length > 0;
  return intervals.some(([from, to]) => hour >= from && hour < to);
}

/**
 * The hours of the week (0 = Monday 00:00 … 167 = Sunday 23:00, Asia/Shanghai) at which a slot of
 * `slotMinutes` may start and be open under `hours`: the same rule as slotOpen, as a list a
 * database statement can test a slot's start against. A daily slot starts at 00:00, so its key
 * is its weekday's hour 0, open when the weekday has any bookable hours.
 */
export function openHoursOfWeek(hours: WeeklyHours, slotMinutes: number): number[] {
  const keys: number[] = [];
  for (const day of ISO_WEEKDAYS) {
    const base = (Number(day) - 1) * 24;
    const intervals = hours[day] ?? [];
    if (slotMinutes >= 1440) {
      if (intervals.length > 0) keys.push(base);
      continue;
    }
    for (let hour = 0; hour < 24; hour++) if (intervals.some(([from, to]) => hour >= from && hour < to)) keys.push(base + hour);
  }
  return keys;
}

export function parseWeeklyHours(json: string | null): WeeklyHours | null {
  return json === null ? null : WeeklyHoursSchema.parse(JSON.parse(json));
}

export interface RangeRules extends SlotShape {
  min_duration_units: number;
  max_duration_units: number;
  lead_time_minutes: number;
}

export type RangeProblem =
  | "range_not_aligned"
  | "duration_not_whole_units"
  | "duration_out_of_bounds"
  | "lead_time"
  | "beyond_horizon"
  | "outside_bookable_hours";

export type RangeCheck = { ok: true; duration_units: number } | { ok: false; problem: RangeProblem };

/** Whether [startsAt, endsAt) is a range this offering can be booked for at `now` (capacity aside). */
export function checkRange(rules: RangeRules, hours: WeeklyHours | null, startsAt: number, endsAt: number, now: number): RangeCheck {
  const unit = rules.unit_minutes * MINUTE_MS;
  if (!isSlotAligned(startsAt, rules.slot_minutes)) return { ok: false, problem: "range_not_aligned" };
  if (endsAt <= startsAt || (endsAt - startsAt) % unit !== 0) return { ok: false, problem: "duration_not_whole_units" };
  const duration_units = (endsAt - startsAt) / unit;
  const tooLong = endsAt - startsAt > MAX_BOOKING_MINUTES * MINUTE_MS;
  if (duration_units < rules.min_duration_units || duration_units > rules.max_duration_units || tooLong) {
    return { ok: false, problem: "duration_out_of_bounds" };
  }
  if (startsAt < now + rules.lead_time_minutes * MINUTE_MS) return { ok: false, problem: "lead_time" };
  if (startsAt > now + BOOKING_HORIZON_MS) return { ok: false, problem: "beyond_horizon" };
  for (const start of slotStarts(startsAt, endsAt, rules.slot_minutes)) {
    if (!slotOpen(hours, start, rules.slot_minutes)) return { ok: false, problem: "outside_bookable_hours" };
  }
  return { ok: true, duration_units };
}

/** Slots a blackout window [startsAt, endsAt) touches: every slot overlapping it, even partly. */
export function blackoutSlotRange(startsAt: number, endsAt: number, slotMinutes: number): { from: number; to: number } {
  return { from: slotFloor(startsAt, slotMinutes), to: slotCeil(endsAt, slotMinutes) };
}

/** What the database holds for a slot a booking or blackout has touched (slot_usage). */
export interface SlotRow {
  slot_start_at: number;
  booked_units: number;
  capacity_units: number;
  blocked: boolean;
}

export type SlotState = "open" | "full" | "closed" | "blackout" | "too_soon";

export interface SlotAvailability {
  slot_start_at: number;
  capacity_units: number;
  booked_units: number;
  free_units: number;
  state: SlotState;
}

export interface AvailabilityInput {
  slot_minutes: number;
  lead_time_minutes: number;
  /** The offering's capacity, for slots nothing has touched. */
  capacity_units: number;
  hours: WeeklyHours | null;
  rows: readonly SlotRow[];
  from: number;
  to: number;
  now: number;
}

/** Free units per slot over [from, to) (aligned), and whether a booking could start there. */
export function availability(input: AvailabilityInput): SlotAvailability[] {
  const rows = new Map(input.rows.map((row) => [row.slot_start_at, row]));
  const earliestStart = input.now + input.lead_time_minutes * MINUTE_MS;
  return slotStarts(input.from, input.to, input.slot_minutes).map((start) => {
    const row = rows.get(start);
    const capacity_units = row ? row.capacity_units : input.capacity_units;
    const booked_units = row ? row.booked_units : 0;
    const blocked = row?.blocked ?? false;
    const free_units = blocked ? 0 : Math.max(0, capacity_units - booked_units);
    let state: SlotState = "open";
    if (blocked) state = "blackout";
    else if (!slotOpen(input.hours, start, input.slot_minutes)) state = "closed";
    else if (start < earliestStart) state = "too_soon";
    else if (free_units === 0) state = "full";
    return { slot_start_at: start, capacity_units, booked_units, free_units, state };
  });
}

/** A stretch of time [from, to) in which no booking can hold a slot (a blackout's slots). */
export interface Span {
  from: number;
  to: number;
}

export interface FitInput {
  slot_minutes: number;
  hours: WeeklyHours | null;
  /** Slots that cannot take the quantity wanted (blocked, or too little free): from slot_usage. */
  obstacles: ReadonlySet<number>;
  /** Blocked stretches, sorted by `from` (may overlap); a fit jumps over each in one step. */
  blocked?: readonly Span[];
  /** Aligned; the booking must start at or after this. */
  earliest_start: number;
  /** The booking must end at or before this. */
  latest_end: number;
  length_slots: number;
}

/** The earliest start of `length_slots` consecutive open slots with no obstacle, or null. */
export function earliestFit(input: FitInput): number | null {
  const size = input.slot_minutes * MINUTE_MS;
  const blocked = input.blocked ?? [];
  let next = 0;
  let runStart = input.earliest_start;
  let run = 0;
  for (let at = input.earliest_start; at + size <= input.latest_end; at += size) {
    while (next < blocked.length && blocked[next]!.to <= at) next += 1;
    const span = blocked[next];
    if (span && span.from < at + size) {
      // Jump to the last slot that still overlaps the span; the loop steps past it.
      at += Math.max(0, Math.ceil((span.to - at) / size) - 1) * size;
      run = 0;
      runStart = at + size;
      continue;
    }
    if (input.obstacles.has(at) || !slotOpen(input.hours, at, input.slot_minutes)) {
      run = 0;
      runStart = at + size;
      continue;
    }
    run += 1;
    if (run === input.length_slots) return runStart;
  }
  return null;
}
