// What people type becomes exact numbers: yuan to integer fen without floating point, and dates
// and hours read as Beijing time whatever the browser's zone.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  beijingDate,
  beijingHour,
  beijingInstant,
  beijingLocal,
  daysUntil,
  formatFen,
  formatRatio,
  fromBeijingLocal,
  parseYuan,
  yuanInput,
} from "../../../web/src/shell/format";

describe("yuan typed into a form", () => {
  it("becomes integer fen exactly, where floating point would not", () => {
    expect(parseYuan("0.1")).toEqual({ ok: true, fen: 10 });
    expect(parseYuan("0.29")).toEqual({ ok: true, fen: 29 }); // 0.29 * 100 = 28.999999999999996
    expect(parseYuan("1.15")).toEqual({ ok: true, fen: 115 }); // 1.15 * 100 = 114.99999999999999
    expect(parseYuan("19.99")).toEqual({ ok: true, fen: 1999 });
    expect(parseYuan("1234.5")).toEqual({ ok: true, fen: 123_450 });
    expect(parseYuan("800")).toEqual({ ok: true, fen: 80_000 });
    expect(parseYuan("0")).toEqual({ ok: true, fen: 0 });
  });

  it("takes what people paste: separators, a yuan sign, spaces, full-width digits, a trailing 元", () => {
    expect(parseYuan("1,234,567.89")).toEqual({ ok: true, fen: 123_456_789 });
    expect(parseYuan("¥2,000,000")).toEqual({ ok: true, fen: 200_000_000 });
    expect(parseYuan("￥ 50 000")).toEqual({ ok: true, fen: 5_000_000 });
    expect(parseYuan("１２３．４５")).toEqual({ ok: true, fen: 12_345 });
    expect(parseYuan("20000元")).toEqual({ ok: true, fen: 2_000_000 });
    expect(parseYuan("12.")).toEqual({ ok: true, fen: 1_200 });
  });

  it("refuses more than two decimals instead of rounding public money", () => {
    expect(parseYuan("0.005")).toEqual({ ok: false, problem: "decimals" });
    expect(parseYuan("1.999")).toEqual({ ok: false, problem: "decimals" });
  });

  it("refuses what is not an amount", () => {
    for (const text of ["-5", "1e6", "abc", "1.2.3", "12,34", ".5", "1,2345", "0x10", "Infinity"]) {
      expect({ text, parsed: parseYuan(text) }).toEqual({ text, parsed: { ok: false, problem: "format" } });
    }
    expect(parseYuan("  ")).toEqual({ ok: false, problem: "empty" });
  });

  it("refuses amounts beyond exact integers rather than lose fen", () => {
    expect(parseYuan("90071992547409.91")).toEqual({ ok: true, fen: Number.MAX_SAFE_INTEGER });
    expect(parseYuan("90071992547409.92")).toEqual({ ok: false, problem: "too_large" });
    expect(parseYuan("99999999999999999999")).toEqual({ ok: false, problem: "too_large" });
  });

  it("reads back every amount it writes, and matches what the screen shows", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), (fen) => {
        expect(parseYuan(yuanInput(fen))).toEqual({ ok: true, fen });
        expect(parseYuan(formatFen(fen))).toEqual({ ok: true, fen });
      }),
    );
  });

  it("writes amounts for input boxes without separators, decimals only when there are fen", () => {
    expect(yuanInput(123_450)).toBe("1234.50");
    expect(yuanInput(100)).toBe("1");
    expect(yuanInput(5)).toBe("0.05");
    expect(() => yuanInput(1.5)).toThrow();
  });
});

describe("ratios", () => {
  it("shows basis points as a percentage without float noise", () => {
    expect(formatRatio(2000)).toBe("20%");
    expect(formatRatio(10_000)).toBe("100%");
    expect(formatRatio(1250)).toBe("12.5%");
    expect(formatRatio(1)).toBe("0.01%");
    expect(formatRatio(3333)).toBe("33.33%");
    expect(formatRatio(0)).toBe("0%");
  });
});

describe("Beijing time typed into a form", () => {
  it("reads a date and hour as Beijing time", () => {
    expect(beijingInstant("2026-11-23", 9)).toBe("2026-11-23T09:00:00+08:00");
    expect(Date.parse(beijingInstant("2026-11-23", 0))).toBe(Date.UTC(2026, 10, 22, 16));
  });

  it("reads a datetime-local value as Beijing time and refuses a malformed one", () => {
    expect(fromBeijingLocal("2026-11-23T09:30")).toBe("2026-11-23T09:30:00+08:00");
    expect(fromBeijingLocal("2026-11-23")).toBeNull();
    expect(fromBeijingLocal("2026-13-45T99:00")).toBeNull();
    expect(beijingLocal(Date.UTC(2026, 10, 22, 16, 5))).toBe("2026-11-23T00:05");
  });

  it("gives the Beijing date and hour of an instant across the UTC date line", () => {
    const at = Date.UTC(2026, 11, 31, 16, 30); // 2027-01-01 00:30 in Beijing
    expect(beijingDate(at)).toBe("2027-01-01");
    expect(beijingHour(at)).toBe(0);
  });

  it("counts calendar days left in Beijing: 0 on the last day, across months and years", () => {
    const lateEvening = Date.UTC(2026, 11, 31, 15, 59); // 2026-12-31 23:59 Beijing
    expect(daysUntil("2026-12-31", lateEvening)).toBe(0);
    expect(daysUntil("2027-01-01", lateEvening)).toBe(1);
    expect(daysUntil("2026-12-31", Date.UTC(2026, 11, 31, 16, 0))).toBe(-1);
    expect(daysUntil("2027-03-01", Date.UTC(2027, 1, 27, 4))).toBe(2);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});
