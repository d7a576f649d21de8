import { describe, expect, it } from "vitest";
import { burnRows, MAX_FORECAST_MONTHS } from "../../../web/src/reports/forecast";

describe("burn-down chart rows", () => {
  const months = [
    { month: "2026-09", burned_fen: 300_000, remaining_fen: 700_000 },
    { month: "2026-10", burned_fen: 100_000, remaining_fen: 600_000 },
    { month: "2026-11", burned_fen: 100_000, remaining_fen: 500_000 },
  ];

  it("shows past months as recorded, this month as the budget left now, then the forecast to the run-out month", () => {
    const rows = burnRows({ months, remaining_fen: 450_000, daily_rate_fen: 5_000, runs_out_on: "2027-02-28" }, "2026-11-20");
    expect(rows).toEqual([
      { month: "2026-09", actual_fen: 700_000, forecast_fen: null },
      { month: "2026-10", actual_fen: 600_000, forecast_fen: null },
      { month: "2026-11", actual_fen: 450_000, forecast_fen: 450_000 },
      // 42 days from 20 November to the end of December, 73 to the end of January.
      { month: "2026-12", actual_fen: null, forecast_fen: 450_000 - 5_000 * 42 },
      { month: "2027-01", actual_fen: null, forecast_fen: 450_000 - 5_000 * 73 },
      { month: "2027-02", actual_fen: null, forecast_fen: 0 },
    ]);
  });

  it("draws no forecast when nothing net left the pool lately, and stops after three years", () => {
    expect(burnRows({ months, remaining_fen: 500_000, daily_rate_fen: 0, runs_out_on: null }, "2026-12-05").map((r) => r.forecast_fen)).toEqual([null, null, null, 500_000]);
    const slow = burnRows({ months: [], remaining_fen: 10_000_000, daily_rate_fen: 1, runs_out_on: "2054-01-01" }, "2026-12-05");
    expect(slow).toHaveLength(1 + MAX_FORECAST_MONTHS);
    expect(slow.at(-1)).toMatchObject({ month: "2029-12" });
  });
});
