// The bound capacity search ranks options by before it prices them (src/domain/subsidy-bound.ts):
// no voucher may pay more towards a booking than subsidyBound says for its gross, whatever else
// the booking is (tier facts, provider approval, caps, balance, full coverage), or the search
// could leave out an option that belongs among the first `limit`. And it is not loose where the
// rules are plain: for a booking that qualifies for the best ratio, it is the subsidy itself.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bestTerms, evaluateVoucher, type BookingFacts, type VoucherFacts } from "../../src/domain/booking-subsidy";
import type { ProgrammeRules, Tier } from "../../src/domain/programme-rules";
import { subsidyBound, voucherBounds } from "../../src/domain/subsidy-bound";

const now = Date.parse("2026-03-02T08:00:00+08:00");
const DAY = 86_400_000;

/** Rules that let every booking here through; the test chooses the terms that price it. */
const PLAIN: ProgrammeRules = {
  eligible_categories: ["compute"], eligible_region_prefixes: [], cross_region: true, eligible_size_classes: ["micro", "small", "medium", "large"],
  subsidy_ratio_bp: 5_000, tiers: [], per_booking_cap_fen: null, annual_issuance_quota_fen: null, annual_subsidy_cap_fen: null, full_coverage_threshold_fen: 0, max_voucher_fen: 1_000_000,
  validity: { kind: "days_from_issue", days: 30 }, settlement_mode: "tongdui",
  application_opens_on: "2026-01-01", application_closes_on: "2026-12-31", notice_days: 0, exclude_related_parties: false,
};
const bp = fc.integer({ min: 0, max: 10_000 });
const fen = fc.oneof(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 1e13 }));

const tier: fc.Arbitrary<Tier> = fc.oneof(
  fc.record({ kind: fc.constant("startup" as const), name: fc.constant("初创"), ratio_bp: bp, max_age_years: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant("domestic_compute" as const), name: fc.constant("国产"), ratio_bp: bp }),
  fc.record({ kind: fc.constant("size_class" as const), name: fc.constant("小微"), ratio_bp: bp, size_classes: fc.constant(["micro", "small"] as ("micro" | "small")[]) }),
);

const voucher: fc.Arbitrary<VoucherFacts> = fc
  .record({
    subsidy_ratio_bp: bp,
    tiers: fc.array(tier, { maxLength: 3 }),
    per_booking_cap_fen: fc.option(fen),
    annual_subsidy_cap_fen: fc.option(fen),
    full_coverage_threshold_fen: fc.oneof(fc.constant(0), fen),
    used: fen,
    available: fc.oneof(fen, fc.integer({ min: -1_000, max: -1 })),
    agency: fc.constantFrom("org_agency_a", "org_agency_b"),
  })
  .map(({ used, available, agency, ...rules }) => ({
    voucher: { id: `vch_${agency}`, sme_org_id: "org_sme", status: "active", expires_at: now + 100 * DAY, programme_id: "prg_a" },
    programme: { id: "prg_a", status: "open", current_version: 1, agency_org_id: agency },
    rules: { ...PLAIN, ...rules },
    voucher_available_fen: available,
    annual_subsidy_used_fen: used,
    programme_budget_left_fen: 1e13,
  }));

const booking: fc.Arbitrary<BookingFacts> = fc
  .record({
    gross_fen: fen,
    age: fc.integer({ min: 0, max: 30 }),
    size: fc.constantFrom("micro", "small", "medium", "large"),
    domestic: fc.boolean(),
    approved_by: fc.subarray(["org_agency_a", "org_agency_b"]),
  })
  .map((b) => ({
    sme_org_id: "org_sme",
    gross_fen: b.gross_fen,
    ends_at: now + DAY,
    now,
    cap_year: 2026,
    offering: { category: "compute", region_code: "110108", domestic: b.domestic },
    tier: { enterprise_age_years: b.age, enterprise_size_class: b.size },
    relation: null,
    provider_approved_by: new Set(b.approved_by),
  }));

const subsidyOf = (v: VoucherFacts, b: BookingFacts) => {
  const result = evaluateVoucher(v, b);
  if (!result.ok) throw new Error(`unexpected refusal: ${result.problem}`);
  return result.terms;
};

describe("the subsidy bound capacity search ranks by", () => {
  it("is never below what the best of the SME's vouchers pays on a booking of that gross", () => {
    fc.assert(
      fc.property(fc.array(voucher, { minLength: 1, maxLength: 4 }), booking, (vouchers, b) => {
        const bound = subsidyBound(voucherBounds(vouchers), b.gross_fen);
        for (const v of vouchers) expect(subsidyOf(v, b).subsidy_fen).toBeLessThanOrEqual(bound);
        expect(bestTerms(vouchers.map((v) => subsidyOf(v, b)))?.subsidy_fen ?? 0).toBeLessThanOrEqual(bound);
        expect(bound).toBeLessThanOrEqual(b.gross_fen);
        expect(bound).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it("is the subsidy itself for an approved domestic booking under the voucher's best tier", () => {
    fc.assert(
      fc.property(voucher, booking, (v, b) => {
        const best = { ...v, rules: { ...v.rules, tiers: [{ kind: "domestic_compute" as const, name: "国产", ratio_bp: Math.max(v.rules.subsidy_ratio_bp, ...v.rules.tiers.map((t) => t.ratio_bp)) }] } };
        const qualifying = { ...b, offering: { ...b.offering, domestic: true }, provider_approved_by: new Set([v.programme.agency_org_id]) };
        expect(subsidyBound(voucherBounds([best]), b.gross_fen)).toBe(subsidyOf(best, qualifying).subsidy_fen);
      }),
      { numRuns: 1_000 },
    );
  });

  it("is zero without vouchers", () => {
    expect(subsidyBound(voucherBounds([]), 123_456)).toBe(0);
  });
});
