import { describe, expect, it } from "vitest";
import { addDays, describeValidity, validThroughOn, voucherExpiresAt, yearEndInWindow } from "../../src/domain/validity";

const shanghai = (local: string) => Date.parse(`${local}+08:00`);

describe("when a voucher lapses (Asia/Shanghai calendar days, the day of issue counted as day 1)", () => {
  it("30 days from an issue on 1 March: usable through 30 March, lapsing at 00:00 on 31 March", () => {
    const expires = voucherExpiresAt({ kind: "days_from_issue", days: 30 }, shanghai("2026-03-01T10:00:00"));
    expect(expires).toBe(shanghai("2026-03-31T00:00:00"));
    expect(validThroughOn(expires)).toBe("2026-03-30");
  });

  it("counts the Shanghai day, not the UTC day: 23:59 and 00:30 in Shanghai are different issue days", () => {
    const lateEvening = shanghai("2026-03-01T23:59:59");
    const afterMidnight = shanghai("2026-03-02T00:30:00");
    expect(new Date(afterMidnight).toISOString().slice(0, 10)).toBe("2026-03-01");
    expect(validThroughOn(voucherExpiresAt({ kind: "days_from_issue", days: 1 }, lateEvening))).toBe("2026-03-01");
    expect(validThroughOn(voucherExpiresAt({ kind: "days_from_issue", days: 1 }, afterMidnight))).toBe("2026-03-02");
  });

  it("two years from issue (Guangzhou) crosses a leap day correctly", () => {
    expect(validThroughOn(voucherExpiresAt({ kind: "days_from_issue", days: 730 }, shanghai("2026-01-15T09:00:00")))).toBe("2028-01-14");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-02-28", 1)).toBe("2027-03-01");
  });

  it("a fixed end date is usable through that whole day", () => {
    const expires = voucherExpiresAt({ kind: "fixed_end", end_on: "2026-12-31" }, shanghai("2026-06-01T12:00:00"));
    expect(expires).toBe(shanghai("2027-01-01T00:00:00"));
    expect(validThroughOn(expires)).toBe("2026-12-31");
  });

  it("the calendar year of issue (Chengdu) is Shanghai's year: issued at 00:10 on 1 January it runs the whole new year", () => {
    expect(voucherExpiresAt({ kind: "end_of_issue_year" }, shanghai("2026-12-31T23:30:00"))).toBe(shanghai("2027-01-01T00:00:00"));
    expect(validThroughOn(voucherExpiresAt({ kind: "end_of_issue_year" }, shanghai("2027-01-01T00:10:00")))).toBe("2027-12-31");
  });

  it("describes each rule in both languages", () => {
    expect(describeValidity({ kind: "days_from_issue", days: 365 })).toBe("自发放之日起365日内有效 / Valid for 365 days from the day of issue");
    expect(describeValidity({ kind: "fixed_end", end_on: "2027-12-31" })).toContain("Valid through 2027-12-31");
    expect(describeValidity({ kind: "end_of_issue_year" })).toContain("31 December");
  });
});

describe("the warning for end-of-year validity over a window that crosses a year end", () => {
  const endOfYear = { kind: "end_of_issue_year" } as const;

  it("names the 31 December inside the window when it runs into the next year", () => {
    expect(yearEndInWindow(endOfYear, "2026-11-01", "2027-01-31")).toBe("2026-12-31");
    expect(yearEndInWindow(endOfYear, "2026-12-31", "2027-01-01")).toBe("2026-12-31");
  });

  it("names the first year end when the window spans several", () => {
    expect(yearEndInWindow(endOfYear, "2026-03-01", "2028-06-30")).toBe("2026-12-31");
  });

  it("is silent when the window ends on or before 31 December of the year it opens", () => {
    expect(yearEndInWindow(endOfYear, "2026-01-01", "2026-12-31")).toBeNull();
    expect(yearEndInWindow(endOfYear, "2026-12-31", "2026-12-31")).toBeNull();
    expect(yearEndInWindow(endOfYear, "2027-01-01", "2027-03-01")).toBeNull();
  });

  it("is silent for the other validity rules, which give every voucher its full term", () => {
    expect(yearEndInWindow({ kind: "days_from_issue" }, "2026-11-01", "2027-01-31")).toBeNull();
    expect(yearEndInWindow({ kind: "fixed_end" }, "2026-11-01", "2027-01-31")).toBeNull();
  });

  it("is silent while the dates are missing, malformed or the wrong way round (the form says so elsewhere)", () => {
    expect(yearEndInWindow(endOfYear, "", "2027-01-31")).toBeNull();
    expect(yearEndInWindow(endOfYear, "2026-11-01", "")).toBeNull();
    expect(yearEndInWindow(endOfYear, "2026-11-1", "2027-01-31")).toBeNull();
    expect(yearEndInWindow(endOfYear, "2027-01-31", "2026-11-01")).toBeNull();
  });
});
