// Subsidy pricing (src/domain/pricing.ts) under the seeded real programmes: every cap one fen
// below, at, and one fen above the amount the ratio gives, and rounding always down to the fen.
import { describe, expect, it } from "vitest";
import { ageInYears, quoteSubsidy, type SubsidyInputs, type TierFacts } from "../../src/domain/pricing";
import { demoProgrammes } from "../../src/seed/programmes";

const programmes = Object.fromEntries(demoProgrammes(Date.parse("2026-06-15T10:00:00+08:00")).map((p) => [p.id.replace("prg_demo", ""), p.rules]));
const beijing = programmes.beijing!;
const shenzhen = programmes.shenzhen!;
const hangzhou = programmes.hangzhou!;
const zhejiang = programmes.zhejiang!;

const ESTABLISHED: TierFacts = { enterprise_age_years: 10, enterprise_size_class: "small", domestic: false };
const PLENTY = 1e12;

function quote(rules: SubsidyInputs["rules"], gross_fen: number, overrides: Partial<SubsidyInputs> = {}) {
  return quoteSubsidy({ gross_fen, rules, facts: ESTABLISHED, annual_subsidy_remaining_fen: PLENTY, voucher_available_fen: PLENTY, ...overrides });
}

describe("a programme without an annual subsidy cap", () => {
  it("has no annual term in the minimum: the voucher's balance bounds the subsidy instead", () => {
    const quoted = quote(zhejiang, 3_000_000, { annual_subsidy_remaining_fen: null, voucher_available_fen: 1_200_000 });
    expect(quoted.limits.map((l) => l.name)).toEqual(["ratio", "voucher_balance"]);
    expect(quoted).toMatchObject({ subsidy_fen: 1_200_000, binding_limit: "voucher_balance" });
  });
});

describe("Beijing: 20% of the compute contract, CNY 2,000,000 a year", () => {
  it("pays 20% and rounds down to the fen, never up", () => {
    expect(quote(beijing, 1_000_000)).toMatchObject({ subsidy_fen: 200_000, copay_fen: 800_000, ratio_bp: 2000, binding_limit: "ratio" });
    expect(quote(beijing, 12_349).subsidy_fen).toBe(2_469); // 2469.8
    expect(quote(beijing, 4).subsidy_fen).toBe(0); // 0.8
    expect(quote(beijing, 5).subsidy_fen).toBe(1);
  });

  it.each([
    [199_999, 199_999, "annual_subsidy_cap"],
    [200_000, 200_000, "ratio"],
    [200_001, 200_000, "ratio"],
  ])("with %i fen of the annual cap left, a 1,000,000-fen contract gets %i fen (%s binds)", (left, subsidy, binding) => {
    expect(quote(beijing, 1_000_000, { annual_subsidy_remaining_fen: left })).toMatchObject({ subsidy_fen: subsidy, binding_limit: binding });
  });

  it("a contract whose 20% exceeds the whole cap gets the cap; with no room left the quote says so and the SME pays in full", () => {
    expect(quote(beijing, 2_000_000_000, { annual_subsidy_remaining_fen: beijing.annual_subsidy_cap_fen })).toMatchObject({ subsidy_fen: 200_000_000, binding_limit: "annual_subsidy_cap" });
    expect(quote(beijing, 1_000_000, { annual_subsidy_remaining_fen: 0 })).toMatchObject({ subsidy_fen: 0, copay_fen: 1_000_000, binding_limit: "annual_subsidy_cap" });
  });
});

describe("Shenzhen: 50%, start-ups 60%, CNY 10,000,000 per contract", () => {
  const startup = (foundedOn: string, on: string): TierFacts => ({ ...ESTABLISHED, enterprise_age_years: ageInYears(foundedOn, on) });

  it("gives a start-up under three years 60%, and 50% from its third anniversary", () => {
    expect(quote(shenzhen, 1_000_000, { facts: startup("2025-02-01", "2028-01-31") })).toMatchObject({ ratio_bp: 6000, tier: "初创企业 Start-up (under 3 years)", subsidy_fen: 600_000 });
    expect(quote(shenzhen, 1_000_000, { facts: startup("2025-02-01", "2028-02-01") })).toMatchObject({ ratio_bp: 5000, tier: null, subsidy_fen: 500_000 });
  });

  it.each([
    [1_999_999_998, 999_999_999, "ratio"],
    [2_000_000_000, 1_000_000_000, "ratio"],
    [2_000_000_002, 1_000_000_000, "per_booking_cap"],
  ])("a contract of %i fen gets %i fen (%s binds)", (gross, subsidy, binding) => {
    expect(quote(shenzhen, gross)).toMatchObject({ subsidy_fen: subsidy, binding_limit: binding });
  });

  it("rounds 50% of an odd amount down", () => {
    expect(quote(shenzhen, 1_000_001).subsidy_fen).toBe(500_000);
  });
});

describe("Hangzhou: 30% for domestic compute, 20% otherwise, CNY 8,000,000 a year", () => {
  it("pays 30% on domestic (国产) compute and 20% on other compute", () => {
    expect(quote(hangzhou, 1_000_000, { facts: { ...ESTABLISHED, domestic: true } })).toMatchObject({ ratio_bp: 3000, subsidy_fen: 300_000 });
    expect(quote(hangzhou, 1_000_000)).toMatchObject({ ratio_bp: 2000, subsidy_fen: 200_000 });
    expect(quote(hangzhou, 333, { facts: { ...ESTABLISHED, domestic: true } }).subsidy_fen).toBe(99); // 99.9
  });

  it.each([
    [299_999, 299_999, "annual_subsidy_cap"],
    [300_000, 300_000, "ratio"],
    [300_001, 300_000, "ratio"],
  ])("with %i fen of the CNY 8m cap left, a 1,000,000-fen domestic contract gets %i fen", (left, subsidy, binding) => {
    expect(quote(hangzhou, 1_000_000, { facts: { ...ESTABLISHED, domestic: true }, annual_subsidy_remaining_fen: left })).toMatchObject({ subsidy_fen: subsidy, binding_limit: binding });
  });
});

describe("Zhejiang 创新券: CNY 10,000 or less paid in full, 50% above, CNY 100,000 a year", () => {
  it.each([
    [999_999, 999_999, true],
    [1_000_000, 1_000_000, true],
    [1_000_001, 500_000, false],
  ])("a purchase of %i fen gets %i fen (full coverage: %s)", (gross, subsidy, full) => {
    expect(quote(zhejiang, gross)).toMatchObject({ subsidy_fen: subsidy, full_coverage: full, ratio_bp: full ? 10_000 : 5000 });
  });

  it.each([
    [999_999, 999_999, "voucher_balance"],
    [1_000_000, 1_000_000, "ratio"],
    [1_000_001, 1_000_000, "ratio"],
  ])("a CNY 10,000 purchase on a voucher with %i fen left gets %i fen", (available, subsidy, binding) => {
    expect(quote(zhejiang, 1_000_000, { voucher_available_fen: available })).toMatchObject({ subsidy_fen: subsidy, binding_limit: binding });
  });

  it.each([
    [499_999, 499_999, "annual_subsidy_cap"],
    [500_000, 500_000, "ratio"],
    [500_001, 500_000, "ratio"],
  ])("with %i fen of the CNY 100,000 a year left, a CNY 10,000.01 purchase gets %i fen", (left, subsidy, binding) => {
    expect(quote(zhejiang, 1_000_001, { annual_subsidy_remaining_fen: left })).toMatchObject({ subsidy_fen: subsidy, binding_limit: binding });
  });

  it("shows every term of the minimum so a person can check it", () => {
    expect(quote(zhejiang, 3_000_000, { annual_subsidy_remaining_fen: 2_000_000, voucher_available_fen: 1_200_000 }).limits).toEqual([
      { name: "ratio", fen: 1_500_000 },
      { name: "annual_subsidy_cap", fen: 2_000_000 },
      { name: "voucher_balance", fen: 1_200_000 },
    ]);
  });
});
