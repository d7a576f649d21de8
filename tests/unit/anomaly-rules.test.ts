// The matching and arithmetic behind the anomaly rules (src/domain/anomaly-rules.ts).
import { describe, expect, it } from "vitest";
import {
  anomalySettingsFrom,
  bunchedBeforeExpiry,
  concentrated,
  DEFAULT_ANOMALY_SETTINGS,
  exceedsUnits,
  normaliseEmail,
  normaliseInvoiceNo,
  normalisePhone,
  peakLoadMilli,
  sharedContacts,
  type ContactFacts,
} from "../../src/domain/anomaly-rules";

const H = 3_600_000;
const side = (overrides: Partial<ContactFacts> = {}): ContactFacts => ({ phone: null, address: null, legal_representative: null, users: [], ...overrides });

describe("normalising what people type", () => {
  it("reads phones by their digits, without +86 or 0086 before a mobile number", () => {
    expect(normalisePhone("+86 138-0013-8000")).toBe("13800138000");
    expect(normalisePhone("0086 13800138000")).toBe("13800138000");
    expect(normalisePhone("010-6275 1000")).toBe("01062751000");
    expect(normalisePhone("123")).toBeNull();
  });
  it("reads mailboxes in lower case without a +tag", () => {
    expect(normaliseEmail("Boss+SME@Example.cn")).toBe("boss@example.cn");
    expect(normaliseEmail("boss@example.cn")).toBe("boss@example.cn");
  });
  it("reads invoice numbers without separators or case", () => {
    expect(normaliseInvoiceNo("FP-2026/00 1")).toBe(normaliseInvoiceNo("fp2026001"));
    expect(normaliseInvoiceNo("FP-2026-001")).not.toBe(normaliseInvoiceNo("FP-2026-002"));
  });
});

describe("shared contacts", () => {
  it("names each kind shared, and nothing when all differ", () => {
    const a = side({ phone: "13800138000", address: "北京市海淀区 1号", legal_representative: "张三", users: [{ id: "u1", email: "x+a@e.cn", display_name: "王五" }] });
    const b = side({ phone: "+86 13800138000", address: "北京市海淀区1号", users: [{ id: "u2", email: "X+b@e.cn", display_name: "张三" }] });
    expect(sharedContacts(a, b).map((m) => m.kind)).toEqual(["phone", "email", "address", "person"]);
    const c = side({ phone: "13900139000", address: "上海市", legal_representative: "李四", users: [{ id: "u3", email: "y@e.cn", display_name: "赵六" }] });
    expect(sharedContacts(a, c)).toEqual([]);
  });
  it("does not match two sides that left a field empty", () => {
    expect(sharedContacts(side(), side())).toEqual([]);
  });
});

describe("usage load", () => {
  it("adds overlapping events at their busiest instant, and not consecutive ones", () => {
    const overlapping = [
      { start: 0, end: H, quantity_milli: 2_000 },
      { start: 0, end: H, quantity_milli: 2_000 },
    ];
    expect(peakLoadMilli(overlapping, 60)).toEqual({ at: 0, load_milli: 4_000 });
    expect(exceedsUnits(4_000, 2)).toBe(true);
    const consecutive = [
      { start: 0, end: H, quantity_milli: 2_000 },
      { start: H, end: 2 * H, quantity_milli: 2_000 },
    ];
    expect(peakLoadMilli(consecutive, 60)!.load_milli).toBe(2_000);
    expect(exceedsUnits(2_000, 2)).toBe(false);
  });
  it("spreads a quantity over its period: 3 card-hours over 3 hours is one card", () => {
    expect(peakLoadMilli([{ start: 0, end: 3 * H, quantity_milli: 3_000 }], 60)!.load_milli).toBeCloseTo(1_000, 9);
  });
});

describe("thresholds", () => {
  it("bunching and concentration meet their threshold exactly at it", () => {
    expect(bunchedBeforeExpiry(5_000, 10_000, 5_000)).toBe(true);
    expect(bunchedBeforeExpiry(4_999, 10_000, 5_000)).toBe(false);
    expect(concentrated(9, 10, { concentration_min_bookings: 10, concentration_share_bp: 9_000 })).toBe(true);
    expect(concentrated(9, 9, { concentration_min_bookings: 10, concentration_share_bp: 9_000 })).toBe(false);
    expect(concentrated(8, 10, { concentration_min_bookings: 10, concentration_share_bp: 9_000 })).toBe(false);
  });
  it("reads settings from the environment and refuses values out of range", () => {
    expect(anomalySettingsFrom({})).toEqual(DEFAULT_ANOMALY_SETTINGS);
    expect(anomalySettingsFrom({ ANOMALY_EXPIRY_SHARE_BP: "7500", ANOMALY_REBOOK_CANCELLATIONS: "5" })).toMatchObject({ expiry_share_bp: 7_500, rebook_cancellations: 5 });
    expect(() => anomalySettingsFrom({ ANOMALY_EXPIRY_SHARE_BP: "10001" })).toThrow(/ANOMALY_EXPIRY_SHARE_BP/);
    expect(() => anomalySettingsFrom({ ANOMALY_EVENTS_PER_RUN: "abc" })).toThrow(/ANOMALY_EVENTS_PER_RUN/);
  });
});
