// What the agency's and provider's forms send: money in yuan and ratios in per cent become exact
// fen and basis points, a programme's rules survive the form unchanged, weekly hours parse as
// written, an edit sends only what changed, and a money request keeps its key until answered.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../web/src/shell/api";
import { attempts, sendOnce } from "../../../web/src/shell/idempotency";
import { offeringChangeBody, offeringToValues, parseHours } from "../../../web/src/offerings/offering-values";
import type { Offering } from "../../../web/src/offerings/offering-words";
import { bpToPercent, percentToBp, rulesToValues, tierCount, valuesToRules, withoutTier, type Rules } from "../../../web/src/programmes/programme-values";

const SHENZHEN: Rules = {
  eligible_categories: ["compute", "platform_service"],
  eligible_region_prefixes: ["4403"],
  cross_region: false,
  eligible_size_classes: ["micro", "small"],
  subsidy_ratio_bp: 5000,
  tiers: [
    { kind: "startup", name: "初创企业", ratio_bp: 6000, max_age_years: 3 },
    { kind: "size_class", name: "小微", ratio_bp: 5500, size_classes: ["micro", "small"] },
    { kind: "domestic_compute", name: "国产", ratio_bp: 5250 },
  ],
  per_booking_cap_fen: 1_000_000_000,
  annual_issuance_quota_fen: 1_000_000_000,
  annual_subsidy_cap_fen: null,
  full_coverage_threshold_fen: 1_000_001,
  max_voucher_fen: 1_000_000_000,
  validity: { kind: "days_from_issue", days: 365 },
  settlement_mode: "tongdui",
  application_opens_on: "2026-01-01",
  application_closes_on: "2026-12-31",
  notice_days: 7,
  exclude_related_parties: false,
};

describe("programme rules in the form", () => {
  it("reads per cent as exact basis points, to two decimals and no further", () => {
    expect([percentToBp("20"), percentToBp("12.5"), percentToBp("0.01"), percentToBp("100"), percentToBp("33.33%")]).toEqual([2000, 1250, 1, 10_000, 3333]);
    expect([percentToBp("100.01"), percentToBp("12.345"), percentToBp("-5"), percentToBp("abc"), percentToBp("")]).toEqual([null, null, null, null, null]);
    expect([bpToPercent(2000), bpToPercent(1250), bpToPercent(1), bpToPercent(3333)]).toEqual(["20", "12.5", "0.01", "33.33"]);
  });

  it("gives back exactly the rules it was given, tiers, caps to the fen and validity included", () => {
    expect(valuesToRules(rulesToValues(SHENZHEN))).toEqual(SHENZHEN);
    const fixed: Rules = { ...SHENZHEN, cross_region: true, eligible_region_prefixes: [], per_booking_cap_fen: null, full_coverage_threshold_fen: 0, validity: { kind: "fixed_end", end_on: "2027-06-30" } };
    expect(valuesToRules(rulesToValues(fixed))).toEqual(fixed);
  });

  it("removing a tier moves the later ones up", () => {
    const values = rulesToValues(SHENZHEN);
    const after = valuesToRules({ ...values, ...withoutTier(values, 0) });
    expect(tierCount({ ...values, ...withoutTier(values, 0) })).toBe(2);
    expect(after.tiers).toEqual(SHENZHEN.tiers.slice(1));
  });
});

const OFFERING = {
  id: "off_x", provider_org_id: "org_x", provider_name: "p", category: "compute", name: "A800", description: "", region_code: "110108", status: "active",
  unit: "card_hour", unit_minutes: 60, unit_price_fen: 1050, slot_minutes: 60, capacity_units: 8, min_duration_units: 1, max_duration_units: 72,
  lead_time_minutes: 120, cancellation_notice_minutes: 1440, requires_confirmation: true, weekly_hours: { "1": [[9, 12], [13, 18]] }, domestic: true,
  accelerator_model: "A800", cards_per_node: 8, licence_terms: null, access_mode: null, sensitivity_level: null, created_at: "", updated_at: "", blackouts: [],
} as Offering;

describe("offerings in the form", () => {
  it("reads weekly hours as written, and refuses what is not whole hours in order", () => {
    expect(parseHours("9-12, 13-18")).toEqual([[9, 12], [13, 18]]);
    expect(parseHours("13-18，9-12")).toEqual([[9, 12], [13, 18]]);
    expect(parseHours("")).toEqual([]);
    expect([parseHours("9-25"), parseHours("18-9"), parseHours("9-12, 11-14"), parseHours("nine to five")]).toEqual([null, null, null, null]);
  });

  it("an edit sends only the fields that changed, in the API's units", () => {
    const values = offeringToValues(OFFERING);
    expect(offeringChangeBody(OFFERING, values)).toEqual({});
    expect(offeringChangeBody(OFFERING, { ...values, unit_price_fen: "12.3", lead_time_minutes: "3" })).toEqual({ unit_price_fen: 1230, lead_time_minutes: 180 });
    expect(offeringChangeBody(OFFERING, { ...values, "weekly_hours.mode": "always" })).toEqual({ weekly_hours: null });
    expect(offeringChangeBody(OFFERING, { ...values, status: "paused" })).toEqual({ status: "paused" });
  });
});

describe("sending money requests once", () => {
  const network = () => new ApiError(0, "network", "无法连接服务器 / Cannot reach the server");

  it("keeps the key after no answer or a server error, and ends the attempt on any other answer", async () => {
    const tries = attempts("topup");
    const keys: string[] = [];
    const request = (error: ApiError | null) => (key: string) => {
      keys.push(key);
      return error ? Promise.reject(error) : Promise.resolve("ok");
    };
    await expect(sendOnce(tries, { amount_fen: 100 }, request(network()))).rejects.toThrow();
    await expect(sendOnce(tries, { amount_fen: 100 }, request(new ApiError(503, "internal_error", "x")))).rejects.toThrow();
    await expect(sendOnce(tries, { amount_fen: 100 }, request(null))).resolves.toBe("ok");
    await expect(sendOnce(tries, { amount_fen: 100 }, request(new ApiError(409, "budget_too_large", "x")))).rejects.toThrow();
    await expect(sendOnce(tries, { amount_fen: 100 }, request(null))).resolves.toBe("ok");
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(new Set(keys.slice(2)).size).toBe(3);
  });
});
