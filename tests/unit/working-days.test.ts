import { describe, expect, it } from "vitest";
import { isWorkingDay, noticePeriod } from "../../src/domain/working-days";

describe("public notice in working days", () => {
  it("five working days from a Monday approval run Tuesday to the next Monday", () => {
    expect(noticePeriod("2026-03-02", 5)).toEqual({ starts_on: "2026-03-03", ends_on: "2026-03-09" });
  });

  it("a Friday or weekend approval starts the notice on Monday", () => {
    expect(noticePeriod("2026-03-06", 5)).toEqual({ starts_on: "2026-03-09", ends_on: "2026-03-13" });
    expect(noticePeriod("2026-03-07", 1)).toEqual({ starts_on: "2026-03-09", ends_on: "2026-03-09" });
    expect(noticePeriod("2026-03-08", 6)).toEqual({ starts_on: "2026-03-09", ends_on: "2026-03-16" });
  });

  it("crosses months and years", () => {
    expect(noticePeriod("2026-12-30", 5)).toEqual({ starts_on: "2026-12-31", ends_on: "2027-01-06" });
  });

  it("no notice when the programme sets zero days; refuses a negative count", () => {
    expect(noticePeriod("2026-03-02", 0)).toEqual({ starts_on: null, ends_on: null });
    expect(() => noticePeriod("2026-03-02", -1)).toThrow();
  });

  it("never ends on a weekend", () => {
    for (let d = 1; d <= 28; d++) {
      const on = `2026-02-${String(d).padStart(2, "0")}`;
      for (const days of [1, 3, 5, 10]) {
        const p = noticePeriod(on, days);
        expect(isWorkingDay(p.ends_on as string)).toBe(true);
        expect(isWorkingDay(p.starts_on as string)).toBe(true);
      }
    }
  });
});
