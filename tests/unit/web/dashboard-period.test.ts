import { describe, expect, it } from "vitest";
import { periodOf, periodQuery, withPeriod } from "../../../web/src/reports/period-range";

const q = (text: string) => new URLSearchParams(text);

describe("the dashboard's period (months, Asia/Shanghai)", () => {
  it("runs from 00:00 +08:00 on the from month's first day to the first day after the to month (exclusive)", () => {
    expect(periodQuery(periodOf(q("from=2026-01&to=2026-03")))).toEqual({ from: "2025-12-31T16:00:00.000Z", to: "2026-03-31T16:00:00.000Z" });
    // December rolls over into the next year; one month is a period too.
    expect(periodQuery(periodOf(q("from=2026-12&to=2026-12")))).toEqual({ from: "2026-11-30T16:00:00.000Z", to: "2026-12-31T16:00:00.000Z" });
    // Either end may be left open.
    expect(periodQuery(periodOf(q("from=2026-02")))).toEqual({ from: "2026-01-31T16:00:00.000Z" });
    expect(periodQuery(periodOf(q("to=2026-02")))).toEqual({ to: "2026-02-28T16:00:00.000Z" });
    expect(periodQuery(periodOf(q("")))).toEqual({});
  });

  it("refuses a to month before the from month and malformed months, sending no period", () => {
    expect(periodOf(q("from=2026-05&to=2026-01"))).toEqual({ problem: "order" });
    for (const bad of ["from=2026-13", "to=2026-1", "from=26-01", "from=2026-01-01", "to=abc"]) {
      expect(periodOf(q(bad)), bad).toEqual({ problem: "format" });
      expect(periodQuery(periodOf(q(bad))), bad).toEqual({});
    }
  });

  it("puts the months into a dashboard address, keeping the programme", () => {
    expect(withPeriod("/agency/dashboard", { from: "2026-01", to: "2026-03" })).toBe("/agency/dashboard?from=2026-01&to=2026-03");
    expect(withPeriod("/agency/dashboard?id=prg_abc123", { from: "2026-01" })).toBe("/agency/dashboard?id=prg_abc123&from=2026-01");
    expect(withPeriod("/agency/dashboard", {})).toBe("/agency/dashboard");
  });
});
