import { describe, expect, it } from "vitest";
import { burnDown } from "../../src/domain/burn-down";

const at = (iso: string) => Date.parse(iso);

describe("budget burn-down", () => {
  it("groups net burn by Shanghai month and carries the remaining budget", () => {
    const result = burnDown({
      budget_fen: 100_000,
      now: at("2026-03-31T12:00:00+08:00"),
      window_days: 30,
      events: [
        // 23:30 UTC on 31 January is already 1 February in Shanghai.
        { at: at("2026-01-31T23:30:00Z"), burned_fen: 20_000 },
        { at: at("2026-01-10T10:00:00+08:00"), burned_fen: 10_000 },
        { at: at("2026-03-05T10:00:00+08:00"), burned_fen: 30_000 },
        { at: at("2026-03-20T10:00:00+08:00"), burned_fen: -5_000 },
      ],
    });
    expect(result.months).toEqual([
      { month: "2026-01", burned_fen: 10_000, remaining_fen: 90_000 },
      { month: "2026-02", burned_fen: 20_000, remaining_fen: 70_000 },
      { month: "2026-03", burned_fen: 25_000, remaining_fen: 45_000 },
    ]);
    expect(result.remaining_fen).toBe(45_000);
  });

  it("extrapolates the run-out date from the trailing window's net burn", () => {
    const now = at("2026-03-31T12:00:00+08:00");
    // 30,000 fen over the last 30 days: 1,000 a day, 45,000 left → 45 days from now.
    const result = burnDown({
      budget_fen: 100_000,
      now,
      window_days: 30,
      events: [
        { at: at("2025-12-01T10:00:00+08:00"), burned_fen: 25_000 },
        { at: at("2026-03-10T10:00:00+08:00"), burned_fen: 30_000 },
      ],
    });
    expect(result.daily_rate_fen).toBe(1_000);
    expect(result.runs_out_on).toBe("2026-05-15");
  });

  it("gives no run-out date when nothing net left the pool in the window, and today when the budget is gone", () => {
    const now = at("2026-03-31T12:00:00+08:00");
    const idle = burnDown({ budget_fen: 100_000, now, window_days: 30, events: [{ at: at("2025-12-01T10:00:00+08:00"), burned_fen: 50_000 }] });
    expect(idle).toMatchObject({ daily_rate_fen: 0, runs_out_on: null, remaining_fen: 50_000 });
    const returned = burnDown({ budget_fen: 100_000, now, window_days: 30, events: [{ at: at("2026-03-30T10:00:00+08:00"), burned_fen: -1_000 }] });
    expect(returned.runs_out_on).toBeNull();
    const spent = burnDown({ budget_fen: 100_000, now, window_days: 30, events: [{ at: at("2026-03-30T10:00:00+08:00"), burned_fen: 100_000 }] });
    expect(spent).toMatchObject({ remaining_fen: 0, runs_out_on: "2026-03-31" });
  });

  it("gives no run-out date before anything was budgeted (a period before the programme)", () => {
    const before = burnDown({ budget_fen: 0, now: at("2001-02-28T23:59:59+08:00"), window_days: 30, events: [] });
    expect(before).toMatchObject({ months: [], remaining_fen: 0, runs_out_on: null });
  });

  it("ignores events after now", () => {
    const result = burnDown({ budget_fen: 10, now: at("2026-03-01T00:00:00Z"), window_days: 1, events: [{ at: at("2026-04-01T00:00:00Z"), burned_fen: 10 }] });
    expect(result).toMatchObject({ months: [], remaining_fen: 10, runs_out_on: null });
  });
});
