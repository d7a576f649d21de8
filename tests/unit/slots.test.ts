import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  availability,
  blackoutSlotRange,
  checkRange,
  earliestFit,
  isSlotAligned,
  openHoursOfWeek,
  shanghaiWeekdayHour,
  slotCeil,
  slotFloor,
  slotOpen,
  slotStarts,
  WeeklyHoursSchema,
  type RangeRules,
} from "../../src/domain/slots";

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hourly: RangeRules = { slot_minutes: 60, unit_minutes: 60, min_duration_units: 1, max_duration_units: 24, lead_time_minutes: 0 };
const daily: RangeRules = { slot_minutes: 1440, unit_minutes: 1440, min_duration_units: 1, max_duration_units: 30, lead_time_minutes: 0 };
const NOW = at("2026-03-02T08:00:00+08:00");

describe("slot alignment", () => {
  it("aligns hourly slots to the hour (the same in UTC and Asia/Shanghai)", () => {
    expect(slotFloor(at("2026-03-02T10:59:59.999+08:00"), 60)).toBe(at("2026-03-02T10:00:00+08:00"));
    expect(slotCeil(at("2026-03-02T10:00:00.001+08:00"), 60)).toBe(at("2026-03-02T11:00:00+08:00"));
    expect(slotCeil(at("2026-03-02T10:00:00+08:00"), 60)).toBe(at("2026-03-02T10:00:00+08:00"));
  });

  it("aligns daily slots to midnight in Asia/Shanghai, which is 16:00 UTC the day before", () => {
    expect(slotFloor(at("2026-03-02T07:59:00Z"), 1440)).toBe(at("2026-03-01T16:00:00Z"));
    expect(slotFloor(at("2026-03-02T16:00:00Z"), 1440)).toBe(at("2026-03-03T00:00:00+08:00"));
    expect(slotFloor(at("2026-03-02T15:59:59Z"), 1440)).toBe(at("2026-03-02T00:00:00+08:00"));
    expect(isSlotAligned(at("2026-03-02T00:00:00Z"), 1440)).toBe(false);
    expect(slotStarts(at("2026-03-01T16:00:00Z"), at("2026-03-03T16:00:00Z"), 1440)).toEqual([at("2026-03-01T16:00:00Z"), at("2026-03-02T16:00:00Z")]);
  });

  it("floors into the slot containing the instant, for any instant (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(60, 1440), (t, minutes) => {
        const floor = slotFloor(t, minutes);
        expect(floor).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(floor + minutes * 60_000);
        expect(isSlotAligned(floor, minutes)).toBe(true);
        expect(slotFloor(floor, minutes)).toBe(floor);
        expect(slotCeil(t, minutes)).toBe(floor === t ? t : floor + minutes * 60_000);
      }),
    );
  });

  it("reads weekdays and hours in Shanghai: Sunday 23:30 UTC is Monday 07:30 there", () => {
    expect(shanghaiWeekdayHour(at("2026-03-01T23:30:00Z"))).toEqual({ weekday: 1, hour: 7 });
    expect(shanghaiWeekdayHour(at("2026-03-08T15:59:00Z"))).toEqual({ weekday: 7, hour: 23 });
    expect(shanghaiWeekdayHour(at("1969-12-31T16:00:00Z"))).toEqual({ weekday: 4, hour: 0 });
  });

  it("agrees with the calendar for any instant, before and after 1970 (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -4_102_444_800_000, max: 4_102_444_800_000 }), (t) => {
        const local = new Date(t + 8 * HOUR);
        expect(shanghaiWeekdayHour(t)).toEqual({ weekday: local.getUTCDay() || 7, hour: local.getUTCHours() });
      }),
    );
  });
});

describe("weekly hours", () => {
  const weekdays9to18 = WeeklyHoursSchema.parse({ "1": [[9, 12], [13, 18]], "2": [[9, 18]] });

  it("opens an hourly slot inside an interval, not at its end or in a break", () => {
    expect(slotOpen(weekdays9to18, at("2026-03-02T09:00:00+08:00"), 60)).toBe(true);
    expect(slotOpen(weekdays9to18, at("2026-03-02T12:00:00+08:00"), 60)).toBe(false);
    expect(slotOpen(weekdays9to18, at("2026-03-02T17:00:00+08:00"), 60)).toBe(true);
    expect(slotOpen(weekdays9to18, at("2026-03-02T18:00:00+08:00"), 60)).toBe(false);
    expect(slotOpen(weekdays9to18, at("2026-03-04T10:00:00+08:00"), 60)).toBe(false);
    expect(slotOpen(null, at("2026-03-04T03:00:00+08:00"), 60)).toBe(true);
  });

  it("opens a daily slot on any weekday with hours", () => {
    expect(slotOpen(weekdays9to18, at("2026-03-03T00:00:00+08:00"), 1440)).toBe(true);
    expect(slotOpen(weekdays9to18, at("2026-03-07T00:00:00+08:00"), 1440)).toBe(false);
  });

  it("refuses reversed, overlapping, out-of-range and empty intervals", () => {
    expect(WeeklyHoursSchema.safeParse({ "1": [[18, 9]] }).success).toBe(false);
    expect(WeeklyHoursSchema.safeParse({ "1": [[9, 13], [12, 18]] }).success).toBe(false);
    expect(WeeklyHoursSchema.safeParse({ "1": [[9, 25]] }).success).toBe(false);
    expect(WeeklyHoursSchema.safeParse({ "8": [[9, 10]] }).success).toBe(false);
    expect(WeeklyHoursSchema.safeParse({}).success).toBe(false);
    expect(WeeklyHoursSchema.safeParse({ "1": [[0, 24]] }).success).toBe(true);
  });
});

describe("booking ranges", () => {
  it("takes whole units starting on a slot boundary", () => {
    expect(checkRange(hourly, null, at("2026-03-02T10:00:00+08:00"), at("2026-03-02T13:00:00+08:00"), NOW)).toEqual({ ok: true, duration_units: 3 });
    expect(checkRange(hourly, null, at("2026-03-02T10:15:00+08:00"), at("2026-03-02T11:15:00+08:00"), NOW)).toEqual({ ok: false, problem: "range_not_aligned" });
    expect(checkRange(hourly, null, at("2026-03-02T10:00:00+08:00"), at("2026-03-02T10:30:00+08:00"), NOW)).toEqual({ ok: false, problem: "duration_not_whole_units" });
    expect(checkRange(hourly, null, at("2026-03-02T10:00:00+08:00"), at("2026-03-02T10:00:00+08:00"), NOW)).toEqual({ ok: false, problem: "duration_not_whole_units" });
  });

  it("counts a licence-month as 30 daily slots", () => {
    const months: RangeRules = { ...daily, unit_minutes: 30 * 1440, max_duration_units: 12 };
    const start = at("2026-03-03T00:00:00+08:00");
    expect(checkRange(months, null, start, start + 60 * DAY, NOW)).toEqual({ ok: true, duration_units: 2 });
    expect(checkRange(months, null, start, start + 45 * DAY, NOW)).toEqual({ ok: false, problem: "duration_not_whole_units" });
  });

  it("keeps to the minimum, maximum, lead time, horizon and weekly hours", () => {
    const rules = { ...hourly, min_duration_units: 2, max_duration_units: 3, lead_time_minutes: 120 };
    const ten = at("2026-03-02T10:00:00+08:00");
    expect(checkRange(rules, null, ten, ten + HOUR, NOW)).toEqual({ ok: false, problem: "duration_out_of_bounds" });
    expect(checkRange(rules, null, ten, ten + 4 * HOUR, NOW)).toEqual({ ok: false, problem: "duration_out_of_bounds" });
    expect(checkRange(rules, null, ten - HOUR, ten + HOUR, NOW)).toEqual({ ok: false, problem: "lead_time" });
    expect(checkRange(rules, null, ten, ten + 2 * HOUR, NOW)).toEqual({ ok: true, duration_units: 2 });
    expect(checkRange(rules, null, ten + 400 * DAY, ten + 400 * DAY + 2 * HOUR, NOW)).toEqual({ ok: false, problem: "beyond_horizon" });
    const hours = WeeklyHoursSchema.parse({ "1": [[9, 11]] });
    expect(checkRange(rules, hours, ten, ten + 2 * HOUR, NOW)).toEqual({ ok: false, problem: "outside_bookable_hours" });
  });
});

describe("blackouts", () => {
  it("touch every slot they overlap, even partly", () => {
    expect(blackoutSlotRange(at("2026-03-02T10:30:00+08:00"), at("2026-03-02T12:00:00+08:00"), 60)).toEqual({
      from: at("2026-03-02T10:00:00+08:00"),
      to: at("2026-03-02T12:00:00+08:00"),
    });
    expect(blackoutSlotRange(at("2026-03-02T22:00:00+08:00"), at("2026-03-03T02:00:00+08:00"), 1440)).toEqual({
      from: at("2026-03-02T00:00:00+08:00"),
      to: at("2026-03-04T00:00:00+08:00"),
    });
  });
});

describe("availability", () => {
  it("shows each slot's free units and why it cannot be booked", () => {
    const ten = at("2026-03-02T10:00:00+08:00");
    const slots = availability({
      slot_minutes: 60,
      lead_time_minutes: 60,
      capacity_units: 4,
      hours: WeeklyHoursSchema.parse({ "1": [[8, 14]] }),
      rows: [
        { slot_start_at: ten, booked_units: 4, capacity_units: 4, blocked: false },
        { slot_start_at: ten + HOUR, booked_units: 1, capacity_units: 5, blocked: false },
        { slot_start_at: ten + 2 * HOUR, booked_units: 0, capacity_units: 4, blocked: true },
      ],
      from: at("2026-03-02T08:00:00+08:00"),
      to: at("2026-03-02T15:00:00+08:00"),
      now: NOW,
    });
    expect(slots.map((s) => [s.state, s.free_units])).toEqual([
      ["too_soon", 4],
      ["open", 4],
      ["full", 0],
      ["open", 4],
      ["blackout", 0],
      ["open", 4],
      ["closed", 4],
    ]);
  });
});

describe("earliest fit", () => {
  const base = { slot_minutes: 60, hours: null, earliest_start: at("2026-03-02T10:00:00+08:00"), latest_end: at("2026-03-02T20:00:00+08:00") };

  it("finds the first run of free, open slots long enough", () => {
    const obstacles = new Set([at("2026-03-02T11:00:00+08:00"), at("2026-03-02T14:00:00+08:00")]);
    expect(earliestFit({ ...base, obstacles, length_slots: 1 })).toBe(at("2026-03-02T10:00:00+08:00"));
    expect(earliestFit({ ...base, obstacles, length_slots: 2 })).toBe(at("2026-03-02T12:00:00+08:00"));
    expect(earliestFit({ ...base, obstacles, length_slots: 4 })).toBe(at("2026-03-02T15:00:00+08:00"));
    expect(earliestFit({ ...base, obstacles, length_slots: 6 })).toBeNull();
  });

  it("skips closed hours and must end by the latest end", () => {
    const hours = WeeklyHoursSchema.parse({ "1": [[9, 12], [13, 18]] });
    expect(earliestFit({ ...base, hours, obstacles: new Set(), length_slots: 3 })).toBe(at("2026-03-02T13:00:00+08:00"));
    expect(earliestFit({ ...base, latest_end: at("2026-03-02T15:00:00+08:00"), hours, obstacles: new Set(), length_slots: 3 })).toBeNull();
  });

  it("returns a start whose run has no obstacle and fits the window (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 47 }), { maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (blocked, length) => {
        const start = at("2026-03-02T00:00:00+08:00");
        const obstacles = new Set(blocked.map((i) => start + i * HOUR));
        const fit = earliestFit({ slot_minutes: 60, hours: null, obstacles, earliest_start: start, latest_end: start + 48 * HOUR, length_slots: length });
        const free = (s: number) => Array.from({ length }, (_, k) => s + k * HOUR).every((t) => !obstacles.has(t));
        const candidates = Array.from({ length: 48 - length + 1 }, (_, i) => start + i * HOUR).filter(free);
        expect(fit).toBe(candidates[0] ?? null);
      }),
    );
  });

  it("finds the same start from blackout spans as from the slots they block, with closed hours too (property)", () => {
    const hours = WeeklyHoursSchema.parse({ "1": [[8, 20]], "2": [[0, 24]], "3": [[9, 12], [14, 18]] });
    const span = fc.record({ from: fc.integer({ min: -5, max: 60 }), minutes: fc.integer({ min: 1, max: 12 * 60 }) });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 6 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), (spans, length, closedHours) => {
        const start = at("2026-03-02T00:00:00+08:00");
        // Blackouts start on any minute; each blocks every slot it touches.
        const blocked = spans
          .map((s) => blackoutSlotRange(start + s.from * HOUR + 17 * 60_000, start + s.from * HOUR + 17 * 60_000 + s.minutes * 60_000, 60))
          .sort((a, b) => a.from - b.from);
        const expanded = new Set(blocked.flatMap((b) => Array.from({ length: (b.to - b.from) / HOUR }, (_, k) => b.from + k * HOUR)));
        const input = { slot_minutes: 60, hours: closedHours ? hours : null, earliest_start: start, latest_end: start + 72 * HOUR, length_slots: length };
        expect(earliestFit({ ...input, obstacles: new Set(), blocked })).toBe(earliestFit({ ...input, obstacles: expanded }));
      }),
    );
  });
});

describe("openHoursOfWeek", () => {
  const intervals = fc.array(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 24 })).filter(([a, b]) => a < b), { maxLength: 1 });
  const week = fc.record({ "1": intervals, "2": intervals, "3": intervals, "4": intervals, "5": intervals, "6": intervals, "7": intervals }, { requiredKeys: [] });

  it("lists exactly the hours of the week whose slots slotOpen calls open (hourly and daily slots)", () => {
    fc.assert(
      fc.property(week, fc.integer({ min: 0, max: 24 * 366 }), fc.constantFrom(60, 1440), (hours, n, slotMinutes) => {
        const start = slotFloor(Date.parse("2026-03-02T00:00:00+08:00") + n * 3_600_000, slotMinutes);
        const { weekday, hour } = shanghaiWeekdayHour(start);
        const open = openHoursOfWeek(hours as never, slotMinutes).includes((weekday - 1) * 24 + hour);
        expect(open).toBe(slotOpen(hours as never, start, slotMinutes));
      }),
    );
  });
});
