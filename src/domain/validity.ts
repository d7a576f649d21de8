// When a voucher lapses (DESIGN §1: Guangzhou two years from issue, Chengdu the calendar year of
// issue, fixed programme end dates). Pure. Days are Asia/Shanghai calendar days and, as Chinese
// rules read "自发放之日起N日", the day of issue counts as day 1: a voucher issued on 1 March with
// 30 days is valid through 30 March and lapses at 00:00 on 31 March (Shanghai).
import { shanghaiDate, shanghaiMidnight } from "../lib/time";
import type { Validity } from "./programme-rules";

/** 'YYYY-MM-DD' plus a whole number of days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant (UTC ms) a voucher issued at `issuedAt` stops being usable. */
export function voucherExpiresAt(validity: Validity, issuedAt: number): number {
  const issuedOn = shanghaiDate(issuedAt);
  switch (validity.kind) {
    case "days_from_issue":
      return shanghaiMidnight(addDays(issuedOn, validity.days));
    case "fixed_end":
      return shanghaiMidnight(addDays(validity.end_on, 1));
    case "end_of_issue_year":
      return shanghaiMidnight(`${Number(issuedOn.slice(0, 4)) + 1}-01-01`);
  }
}

/** The last day (Asia/Shanghai) on which a voucher expiring at `expiresAt` can still be used. */
export function validThroughOn(expiresAt: number): string {
  return shanghaiDate(expiresAt - 1);
}

/** Says the rule the way a person reads it. */
export function describeValidity(validity: Validity): string {
  switch (validity.kind) {
    case "days_from_issue":
      return `自发放之日起${validity.days}日内有效 / Valid for ${validity.days} days from the day of issue`;
    case "fixed_end":
      return `有效期至${validity.end_on} / Valid through ${validity.end_on}`;
    case "end_of_issue_year":
      return "发放当年12月31日前有效 / Valid through 31 December of the year of issue";
  }
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * "Valid until the end of the year of issue" with an application window (Asia/Shanghai calendar
 * days, both ends inclusive) that crosses a year end: a voucher issued on that 31 December is
 * usable that day only, and one issued a few days before it only those days. Returns the first
 * 31 December inside the window, or null when the rule or the window makes no such voucher (or
 * the dates are not filled in yet). A warning for the agency, never a refusal: a programme may
 * mean it. Approvals after the window closes are not considered.
 */
export function yearEndInWindow(validity: Pick<Validity, "kind">, opensOn: string, closesOn: string): string | null {
  if (validity.kind !== "end_of_issue_year") return null;
  if (!CALENDAR_DATE.test(opensOn) || !CALENDAR_DATE.test(closesOn) || closesOn < opensOn) return null;
  const yearEnd = `${opensOn.slice(0, 4)}-12-31`;
  return closesOn > yearEnd ? yearEnd : null;
}
