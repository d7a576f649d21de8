// Eligibility over the seeded real programmes (src/seed/programmes.ts): every criterion, and every
// limit one fen below, at, and one fen above (caps are inclusive: "以内" includes the number).
import { describe, expect, it } from "vitest";
import { checkEligibility, type EligibilityFacts } from "../../src/domain/eligibility";
import { parseStoredRules } from "../../src/domain/programme-rules";
import { demoProgrammes } from "../../src/seed/programmes";

const NOW = Date.parse("2026-06-15T10:00:00+08:00");
const programmes = Object.fromEntries(demoProgrammes(NOW).map((p) => [p.id.replace("prg_demo", ""), p.rules]));
const beijing = programmes.beijing!;
const shenzhen = programmes.shenzhen!;
const hangzhou = programmes.hangzhou!;
const zhejiang = programmes.zhejiang!;

function facts(rules: EligibilityFacts["rules"], overrides: Partial<EligibilityFacts> = {}, enterprise: Partial<EligibilityFacts["enterprise"]> = {}): EligibilityFacts {
  return {
    programme_status: "open",
    rules,
    enterprise: { region_code: "330106", size_class: "small", credit_status: "good", ...enterprise },
    today: "2026-06-15",
    requested_fen: 100,
    issued_this_year_fen: 0,
    pool_available_fen: 1_000_000_000,
    ...overrides,
  };
}

const verdict = (f: EligibilityFacts, name: string) => checkEligibility(f).criteria.find((c) => c.name === name);

describe("the seeded programmes encode DESIGN §1", () => {
  it("Zhejiang: CNY 20k a draw, CNY 100k a year, full coverage up to CNY 10k; Beijing CNY 2m; Hangzhou CNY 8m; Shenzhen CNY 10m", () => {
    expect(zhejiang).toMatchObject({ max_voucher_fen: 2_000_000, annual_issuance_quota_fen: 10_000_000, annual_subsidy_cap_fen: null, full_coverage_threshold_fen: 1_000_000 });
    expect(beijing).toMatchObject({ subsidy_ratio_bp: 2000, annual_issuance_quota_fen: null, annual_subsidy_cap_fen: 200_000_000, eligible_region_prefixes: ["11"] });
    expect(hangzhou).toMatchObject({ subsidy_ratio_bp: 2000, annual_issuance_quota_fen: null, annual_subsidy_cap_fen: 800_000_000, tiers: [{ kind: "domestic_compute", ratio_bp: 3000 }] });
    expect(shenzhen).toMatchObject({ subsidy_ratio_bp: 5000, per_booking_cap_fen: 1_000_000_000, tiers: [{ kind: "startup", ratio_bp: 6000 }] });
  });
});

describe("per-draw limit (Zhejiang: CNY 20,000 a draw)", () => {
  it.each([
    [1_999_999, true],
    [2_000_000, true],
    [2_000_001, false],
  ])("a draw of %i fen passes: %s", (requested_fen, ok) => {
    expect(verdict(facts(zhejiang, { requested_fen }), "per_draw_limit")?.ok).toBe(ok);
  });
});

describe("annual issuance quota (Zhejiang: CNY 100,000 a year, CNY 85,000 already drawn)", () => {
  it.each([
    [1_499_999, true],
    [1_500_000, true],
    [1_500_001, false],
  ])("a draw of %i fen passes: %s", (requested_fen, ok) => {
    const f = facts(zhejiang, { requested_fen, issued_this_year_fen: 8_500_000 });
    expect(verdict(f, "annual_issuance_quota")?.ok).toBe(ok);
    expect(checkEligibility(f).eligible).toBe(ok);
  });

  it("says the cap, what was drawn and what is left", () => {
    const reason = verdict(facts(zhejiang, { requested_fen: 1_500_001, issued_this_year_fen: 8_500_000 }), "annual_issuance_quota")?.reason;
    expect(reason).toContain("¥100,000.00");
    expect(reason).toContain("¥85,000.00");
    expect(reason).toContain("¥15,000.00");
  });

  it("a CNY 2,000,000 quota a year (Beijing's figure, as a quota): one fen over is refused", () => {
    const quota = { ...beijing, annual_issuance_quota_fen: 200_000_000 };
    expect(verdict(facts(quota, { requested_fen: 1, issued_this_year_fen: 200_000_000 }, { region_code: "110108" }), "annual_issuance_quota")?.ok).toBe(false);
    expect(verdict(facts(quota, { requested_fen: 200_000_000 }, { region_code: "110108" }), "annual_issuance_quota")?.ok).toBe(true);
  });
});

describe("a programme without an issuance quota (Beijing caps subsidy used, not vouchers drawn)", () => {
  it("passes the quota criterion whatever was issued, saying there is none; the per-draw limit still bounds a draw", () => {
    const f = facts(beijing, { requested_fen: 1, issued_this_year_fen: 200_000_000 }, { region_code: "110108" });
    expect(verdict(f, "annual_issuance_quota")).toMatchObject({ ok: true, reason: expect.stringContaining("no annual issuance quota") });
    expect(checkEligibility(f).max_grantable_fen).toBe(beijing.max_voucher_fen);
  });
});

describe("rules stored before the two annual limits were separated", () => {
  it("read one annual_cap_fen as both the issuance quota and the subsidy cap, as it limited both", () => {
    const { annual_issuance_quota_fen: _q, annual_subsidy_cap_fen: _s, ...old } = zhejiang;
    const parsed = parseStoredRules(JSON.stringify({ ...old, annual_cap_fen: 10_000_000 }));
    expect(parsed).toMatchObject({ annual_issuance_quota_fen: 10_000_000, annual_subsidy_cap_fen: 10_000_000 });
    expect(parsed).not.toHaveProperty("annual_cap_fen");
    expect(parseStoredRules(JSON.stringify(zhejiang))).toEqual(zhejiang);
  });
});

describe("budget left in the pool", () => {
  it.each([
    [999, true],
    [1_000, true],
    [1_001, false],
  ])("%i fen against 1,000 fen left passes: %s", (requested_fen, ok) => {
    expect(verdict(facts(zhejiang, { requested_fen, pool_available_fen: 1_000 }), "budget")?.ok).toBe(ok);
  });

  it("reports the most that could be granted: the smallest of draw limit, cap left and budget left", () => {
    expect(checkEligibility(facts(zhejiang, { issued_this_year_fen: 9_000_000, pool_available_fen: 5_000_000 })).max_grantable_fen).toBe(1_000_000);
    expect(checkEligibility(facts(zhejiang, { pool_available_fen: 300 })).max_grantable_fen).toBe(300);
    expect(checkEligibility(facts(zhejiang)).max_grantable_fen).toBe(2_000_000);
  });
});

describe("region by code prefix", () => {
  it.each([
    ["beijing", "110108", true],
    ["beijing", "120101", false],
    ["shenzhen", "440305", true],
    ["shenzhen", "440105", false],
    ["hangzhou", "330106", true],
    ["hangzhou", "330206", false],
    ["zhejiang", "330206", true],
    ["zhejiang", "310104", false],
  ])("%s accepts region %s: %s", (name, region_code, ok) => {
    expect(verdict(facts(programmes[name]!, {}, { region_code }), "region")?.ok).toBe(ok);
  });

  it("names the places in the Chinese half, keeps the codes beside them, and carries the codes for a reader to name in its own language", () => {
    // 杭州算力券: Hangzhou only ("3301"). A Beijing enterprise (海淀区) is outside it.
    const outside = verdict(facts(hangzhou, {}, { region_code: "110108" }), "region");
    expect(outside).toMatchObject({ ok: false, region_code: "110108", eligible_region_prefixes: ["3301"] });
    const [zh, en] = outside!.reason.split(" / ");
    // 北京市's city level is "市辖区", no city: the name reads as people write it.
    expect(zh).toBe("注册地北京市 海淀区（110108）不在适用地区内，适用地区为浙江省 杭州市（3301）");
    // The English half cannot carry Chinese names (the web shows one half), so it keeps the codes.
    expect(en).toBe("Registered region 110108 is outside 3301");
    const inside = verdict(facts(zhejiang, {}, { region_code: "330106" }), "region");
    expect(inside).toMatchObject({ ok: true, region_code: "330106", eligible_region_prefixes: ["33"] });
    expect(inside!.reason.split(" / ")[0]).toBe("注册地浙江省 杭州市 西湖区（330106）属于适用地区：浙江省（33）");
    // A code the data does not list is given as it is.
    expect(verdict(facts(hangzhou, {}, { region_code: "339999" }), "region")!.reason).toContain("注册地339999不在适用地区内");
  });

  it("a cross-region programme accepts any region", () => {
    expect(verdict(facts({ ...beijing!, cross_region: true }, {}, { region_code: "650102" }), "region")).toMatchObject({ ok: true, reason: expect.stringContaining("any region") });
  });
});

describe("the enterprise and the programme", () => {
  it("refuses a large enterprise, a blacklisted one, and a programme not open, each with its reason", () => {
    expect(verdict(facts(hangzhou, {}, { size_class: "large" }), "size_class")).toMatchObject({ ok: false, reason: expect.stringContaining("large") });
    // The size classes by their names in both halves (the web's labels), never "Size class large".
    expect(verdict(facts(hangzhou, {}, { size_class: "large" }), "size_class")).toEqual({
      name: "size_class",
      ok: false,
      reason: "企业规模为大型企业，不在适用范围（微型企业、小型企业、中型企业）内 / Enterprise size large is not among those eligible (micro, small, medium)",
      size_class: "large",
      eligible_size_classes: ["micro", "small", "medium"],
    });
    expect(verdict(facts(hangzhou, {}, { size_class: "small" }), "size_class")?.reason).toBe(
      "企业规模为小型企业，属于适用范围（微型企业、小型企业、中型企业） / Enterprise size small is among those eligible (micro, small, medium)",
    );
    expect(verdict(facts(hangzhou, {}, { credit_status: "blacklisted" }), "credit_status")).toMatchObject({ ok: false, reason: expect.stringContaining("失信") });
    expect(verdict(facts(hangzhou, { programme_status: "closed" }), "programme_open")?.ok).toBe(false);
    expect(verdict(facts(hangzhou, { programme_status: "draft" }), "programme_open")?.ok).toBe(false);
  });

  it.each([
    ["2025-12-31", false],
    ["2026-01-01", true],
    ["2026-12-31", true],
    ["2027-01-01", false],
  ])("applying on %s, inside the 2026 window: %s", (today, ok) => {
    expect(verdict(facts(beijing, { today }, { region_code: "110108" }), "application_window")?.ok).toBe(ok);
  });

  it("an eligible application passes all eight criteria; a failing one lists every failure, not only the first", () => {
    expect(checkEligibility(facts(hangzhou)).criteria.every((c) => c.ok)).toBe(true);
    const refused = checkEligibility(facts({ ...hangzhou, annual_issuance_quota_fen: 800_000_000 }, { programme_status: "closed", requested_fen: 900_000_000 }, { region_code: "110108", size_class: "large", credit_status: "blacklisted" }));
    expect(refused.eligible).toBe(false);
    expect(refused.criteria.filter((c) => !c.ok).map((c) => c.name)).toEqual(["programme_open", "region", "size_class", "credit_status", "per_draw_limit", "annual_issuance_quota"]);
  });
});

describe("the dry run before the form (no amount yet)", () => {
  it("passes the amount criteria while anything at all could be granted, and refuses at one fen short of that", () => {
    const open = checkEligibility(facts(zhejiang, { requested_fen: null, issued_this_year_fen: 9_999_999, pool_available_fen: 1 }));
    expect(open).toMatchObject({ eligible: true, max_grantable_fen: 1 });
    const quotaGone = checkEligibility(facts(zhejiang, { requested_fen: null, issued_this_year_fen: 10_000_000 }));
    expect(quotaGone.criteria.filter((c) => !c.ok).map((c) => c.name)).toEqual(["annual_issuance_quota"]);
    const budgetGone = checkEligibility(facts(zhejiang, { requested_fen: null, pool_available_fen: 0 }));
    expect(budgetGone.criteria.filter((c) => !c.ok).map((c) => c.name)).toEqual(["budget"]);
    expect(verdict(facts(beijing, { requested_fen: null }, { region_code: "110108" }), "per_draw_limit")).toMatchObject({ ok: true, reason: expect.stringContaining("per application") });
  });

  it("names no grantable amount beside a refusal no amount would cure; an amount refusal still says how much would do", () => {
    expect(checkEligibility(facts(beijing, { requested_fen: null })).max_grantable_fen).toBe(0); // region 330106 is not Beijing
    expect(checkEligibility(facts(zhejiang, { requested_fen: null, today: "2027-01-01" })).max_grantable_fen).toBe(0);
    expect(checkEligibility(facts(zhejiang, { requested_fen: 100 }, { credit_status: "blacklisted" })).max_grantable_fen).toBe(0);
    expect(checkEligibility(facts(zhejiang, { requested_fen: 2_000_001 })).max_grantable_fen).toBe(2_000_000);
  });
});
