import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bestTerms, evaluateVoucher, type BookingFacts, type VoucherFacts } from "../../src/domain/booking-subsidy";
import { deliveredSubsidyFen } from "../../src/domain/booking-lifecycle";
import { bookingsInTheWay, type LiveBooking } from "../../src/domain/capacity-conflicts";
import { comparablePriceFen, rankOptions, sizeFor, type Need, type SearchOffering } from "../../src/domain/capacity-search";
import type { ProgrammeRules } from "../../src/domain/programme-rules";
import { findRelation, type PartyFacts } from "../../src/domain/related-parties";

const HOUR = 3_600_000;

describe("sizing a need against an offering", () => {
  const need: Need = { category: "compute", accelerator_model: "Ascend 910B", quantity: 16, duration_hours: 5, domestic_only: false, max_unit_price_fen: null };
  const cards: SearchOffering = { id: "off_a", category: "compute", unit: "card_hour", unit_minutes: 60, unit_price_fen: 1_000, capacity_units: 64, min_duration_units: 1, max_duration_units: 100, cards_per_node: 8, accelerator_model: "ascend-910B", domestic: true };
  const nodes: SearchOffering = { ...cards, id: "off_b", unit: "node_hour", unit_price_fen: 7_200, capacity_units: 4, accelerator_model: "Ascend910B" };

  it("books cards as cards, and rounds cards up to whole nodes on node-hour offerings", () => {
    expect(sizeFor(need, cards)).toEqual({ quantity: 16, duration_units: 5 });
    expect(sizeFor({ ...need, quantity: 17 }, nodes)).toEqual({ quantity: 3, duration_units: 5 });
  });

  it("raises a short need to the offering's minimum, and refuses one it cannot hold", () => {
    expect(sizeFor({ ...need, duration_hours: 1 }, { ...cards, min_duration_units: 4 })).toEqual({ quantity: 16, duration_units: 4 });
    expect(sizeFor({ ...need, duration_hours: 200 }, cards)).toBeNull();
    expect(sizeFor({ ...need, quantity: 40 }, nodes)).toBeNull();
    expect(sizeFor({ ...need, accelerator_model: "H800" }, cards)).toBeNull();
    expect(sizeFor({ ...need, domestic_only: true }, { ...cards, domestic: false })).toBeNull();
    expect(sizeFor({ ...need, category: "dataset" }, cards)).toBeNull();
  });

  it("compares prices per card-hour: a node-hour of 8 cards at ¥72 is ¥9 a card-hour", () => {
    expect(comparablePriceFen(nodes)).toBe(900);
    expect(sizeFor({ ...need, max_unit_price_fen: 899 }, nodes)).toBeNull();
    expect(sizeFor({ ...need, max_unit_price_fen: 900 }, nodes)).not.toBeNull();
    expect(comparablePriceFen({ category: "dataset", unit: "seat_day", unit_minutes: 1440, unit_price_fen: 5_000, cards_per_node: null })).toBe(5_000);
  });

  it("keeps comparable prices in whole fen: a node-hour of 3 cards at ¥10 is 334 fen a card-hour (rounded up)", () => {
    const three = { ...nodes, unit_price_fen: 1_000, cards_per_node: 3 };
    expect(comparablePriceFen(three)).toBe(334);
    expect(sizeFor({ ...need, quantity: 3, max_unit_price_fen: 334 }, three)).not.toBeNull();
    expect(sizeFor({ ...need, quantity: 3, max_unit_price_fen: 333 }, three)).toBeNull();
    expect(comparablePriceFen({ category: "platform_service", unit: "api_call_batch", unit_minutes: 10, unit_price_fen: 7, cards_per_node: null })).toBe(7);
  });
});

describe("ranking options", () => {
  const option = (offering_id: string, starts_at: number, gross_fen: number, subsidy_fen: number) => ({ offering_id, starts_at, gross_fen, subsidy_fen, copay_fen: gross_fen - subsidy_fen });
  const options = [option("off_c", 3 * HOUR, 10_000, 2_000), option("off_a", 5 * HOUR, 9_000, 1_000), option("off_b", 1 * HOUR, 12_000, 0), option("off_d", 3 * HOUR, 9_000, 1_000)];

  it("puts the least co-pay first, then the earliest start, the least gross and the id", () => {
    expect(rankOptions(options, "cheapest").map((o) => o.offering_id)).toEqual(["off_d", "off_c", "off_a", "off_b"]);
  });

  it("or the earliest start first", () => {
    expect(rankOptions(options, "earliest").map((o) => o.offering_id)).toEqual(["off_b", "off_d", "off_c", "off_a"]);
  });

  it("is a total order: any shuffle ranks the same (property)", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(options, { minLength: options.length }), fc.constantFrom("cheapest" as const, "earliest" as const), (shuffled, sort) => {
        expect(rankOptions(shuffled, sort)).toEqual(rankOptions(options, sort));
      }),
    );
  });
});

describe("bookings in the way of a capacity cut", () => {
  const b = (id: string, startHour: number, endHour: number, quantity: number, created_at: number): LiveBooking => ({ id, starts_at: startHour * HOUR, ends_at: endHour * HOUR, quantity, created_at });

  it("bumps the newest first, and only while a slot it covers is still over", () => {
    const bookings = [b("bkg_old", 0, 4, 2, 1), b("bkg_mid", 1, 2, 2, 2), b("bkg_new", 3, 4, 1, 3)];
    const slots = [{ slot_start_at: 1 * HOUR, booked_units: 4, limit_units: 2 }];
    expect(bookingsInTheWay(slots, bookings)?.map((x) => x.id)).toEqual(["bkg_mid"]);
    const blackout = [0, 1, 2, 3].map((h) => ({ slot_start_at: h * HOUR, booked_units: h === 1 ? 4 : h === 3 ? 3 : 2, limit_units: 0 }));
    expect(bookingsInTheWay(blackout, bookings)?.map((x) => x.id)).toEqual(["bkg_new", "bkg_mid", "bkg_old"]);
    expect(bookingsInTheWay([], bookings)).toEqual([]);
  });

  it("says when the bookings read cannot explain the overfull slots", () => {
    expect(bookingsInTheWay([{ slot_start_at: 0, booked_units: 5, limit_units: 1 }], [b("bkg_a", 0, 1, 2, 1)])).toBeNull();
  });

  it("always leaves every slot within its limit (property)", () => {
    const arbitraryBooking = fc.record({ start: fc.integer({ min: 0, max: 10 }), length: fc.integer({ min: 1, max: 4 }), quantity: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.array(arbitraryBooking, { maxLength: 12 }), fc.integer({ min: 0, max: 6 }), (specs, limit) => {
        const bookings = specs.map((s, i) => b(`bkg_${i}`, s.start, s.start + s.length, s.quantity, i));
        const booked = new Map<number, number>();
        for (const x of bookings) for (let t = x.starts_at; t < x.ends_at; t += HOUR) booked.set(t, (booked.get(t) ?? 0) + x.quantity);
        const slots = [...booked].filter(([, units]) => units > limit).map(([slot_start_at, booked_units]) => ({ slot_start_at, booked_units, limit_units: limit }));
        const bumped = new Set((bookingsInTheWay(slots, bookings) ?? []).map((x) => x.id));
        for (const [t, units] of booked) {
          const left = bookings.filter((x) => !bumped.has(x.id) && x.starts_at <= t && x.ends_at > t).reduce((n, x) => n + x.quantity, 0);
          expect(left).toBeLessThanOrEqual(units > limit ? limit : units);
        }
      }),
    );
  });
});

describe("related parties", () => {
  const party = (name: string, credit_code: string, declarations: PartyFacts["declarations"] = [], legal_representative: string | null = null): PartyFacts => ({ name, credit_code, legal_representative, declarations });

  it("links two organisations when either declares the other, by credit code or by name", () => {
    const provider = party("京算智算中心", "91110108MA0000003X");
    expect(findRelation(party("启明", "91110108MA00000050", [{ relation: "shareholder", party_name: "某控股", party_credit_code: "91110108MA0000003X" }]), provider)).toEqual({ kind: "declared_by_sme", party: "京算智算中心" });
    expect(findRelation(party("启明", "91110108MA00000050"), party("京算", "9111", [{ relation: "affiliate", party_name: " 启明 ", party_credit_code: null }]))).toEqual({ kind: "declared_by_provider", party: "启明" });
  });

  it("links them through a common shareholder or the same legal representative", () => {
    const zhang = { relation: "shareholder", party_name: "张三", party_credit_code: null };
    expect(findRelation(party("A", "1", [zhang]), party("B", "2", [{ ...zhang, party_name: "张三  " }]))).toEqual({ kind: "common_party", party: "张三  " });
    expect(findRelation(party("A", "1", [], "李四"), party("B", "2", [], "李四"))).toEqual({ kind: "same_legal_representative", party: "李四" });
    expect(findRelation(party("A", "1", [zhang], "李四"), party("B", "2", [{ ...zhang, party_name: "王五" }], "赵六"))).toBeNull();
  });
});

const rules: ProgrammeRules = {
  eligible_categories: ["compute"],
  eligible_region_prefixes: ["11"],
  cross_region: false,
  eligible_size_classes: ["small"],
  subsidy_ratio_bp: 2_000,
  tiers: [{ kind: "domestic_compute", name: "国产算力 domestic", ratio_bp: 3_000 }],
  per_booking_cap_fen: 50_000,
  annual_issuance_quota_fen: 100_000,
  annual_subsidy_cap_fen: 100_000,
  full_coverage_threshold_fen: 0,
  max_voucher_fen: 1_000_000,
  validity: { kind: "days_from_issue", days: 365 },
  settlement_mode: "tongdui",
  application_opens_on: "2026-01-01",
  application_closes_on: "2026-12-31",
  notice_days: 7,
  exclude_related_parties: true,
};

describe("a voucher's terms on a booking", () => {
  const now = Date.parse("2026-03-02T08:00:00+08:00");
  const voucher: VoucherFacts = {
    voucher: { id: "vch_a", sme_org_id: "org_sme", status: "active", expires_at: now + 100 * 24 * HOUR, programme_id: "prg_a" },
    programme: { id: "prg_a", status: "open", current_version: 3, agency_org_id: "org_agency_a" },
    rules,
    voucher_available_fen: 80_000,
    annual_subsidy_used_fen: 60_000,
    programme_budget_left_fen: 9_000_000,
  };
  const booking: BookingFacts = {
    sme_org_id: "org_sme",
    gross_fen: 100_000,
    ends_at: now + 48 * HOUR,
    now,
    cap_year: 2026,
    offering: { category: "compute", region_code: "110108", domestic: true },
    tier: { enterprise_age_years: 2, enterprise_size_class: "small" },
    relation: null,
    provider_approved_by: new Set(["org_agency_a"]),
  };

  it("shows every term of the minimum: the domestic tier's ratio, then the annual cap binds", () => {
    const result = evaluateVoucher(voucher, booking);
    expect(result.ok && result.terms).toMatchObject({
      ratio_bp: 3_000,
      tier: "国产算力 domestic",
      limits: [
        { name: "ratio", fen: 30_000 },
        { name: "per_booking_cap", fen: 50_000 },
        { name: "annual_subsidy_cap", fen: 40_000 },
        { name: "voucher_balance", fen: 80_000 },
      ],
      binding_limit: "ratio",
      subsidy_fen: 30_000,
      copay_fen: 70_000,
      programme_version: 3,
      annual_subsidy_remaining_fen: 40_000,
      programme_budget_left_fen: 9_000_000,
      zero_subsidy_reason: null,
    });
    const capped = evaluateVoucher({ ...voucher, annual_subsidy_used_fen: 100_000 }, booking);
    expect(capped.ok && capped.terms).toMatchObject({ subsidy_fen: 0, binding_limit: "annual_subsidy_cap", zero_subsidy_reason: "annual_subsidy_cap" });
  });

  it("gives no subsidy, and says why, when only another agency approved the provider", () => {
    const elsewhere = evaluateVoucher(voucher, { ...booking, provider_approved_by: new Set(["org_agency_b"]) });
    expect(elsewhere.ok && elsewhere.terms).toMatchObject({
      subsidy_fen: 0,
      copay_fen: 100_000,
      binding_limit: "provider_not_approved_by_agency",
      zero_subsidy_reason: "provider_not_approved_by_agency",
    });
    expect(elsewhere.ok && elsewhere.terms.limits[0]).toEqual({ name: "provider_not_approved_by_agency", fen: 0 });
  });

  it("refuses with a reason: owner, state, expiry, programme, category, region, related party", () => {
    const problem = (v: Partial<VoucherFacts["voucher"]>, b: Partial<BookingFacts> = {}, r: Partial<ProgrammeRules> = {}, p: Partial<VoucherFacts["programme"]> = {}) => {
      const result = evaluateVoucher({ ...voucher, voucher: { ...voucher.voucher, ...v }, rules: { ...rules, ...r }, programme: { ...voucher.programme, ...p } }, { ...booking, ...b });
      return result.ok ? null : result.problem;
    };
    expect(problem({ sme_org_id: "org_other" })).toBe("voucher_not_yours");
    expect(problem({ status: "revoked" })).toBe("voucher_not_active");
    expect(problem({ expires_at: now })).toBe("voucher_expired");
    expect(problem({ expires_at: now + HOUR })).toBe("voucher_expires_before_end");
    expect(problem({}, {}, {}, { status: "closed" })).toBe("programme_not_open");
    expect(problem({}, { offering: { ...booking.offering, category: "dataset" } })).toBe("category_not_eligible");
    expect(problem({}, { offering: { ...booking.offering, region_code: "330106" } })).toBe("region_not_eligible");
    expect(problem({}, { offering: { ...booking.offering, region_code: "330106" } }, { cross_region: true })).toBeNull();
    expect(problem({}, { relation: { kind: "common_party", party: "张三" } })).toBe("related_party");
    expect(problem({}, { relation: { kind: "common_party", party: "张三" } }, { exclude_related_parties: false })).toBeNull();
  });

  it("picks the voucher that leaves the least to pay, and the one expiring first on a tie", () => {
    const terms = (id: string, subsidy_fen: number, expires: number) => ({ ...(evaluateVoucher(voucher, booking) as { ok: true; terms: any }).terms, voucher_id: id, subsidy_fen, voucher_expires_at: expires });
    expect(bestTerms([terms("vch_a", 100, 5), terms("vch_b", 300, 9), terms("vch_c", 300, 7)])?.voucher_id).toBe("vch_c");
    expect(bestTerms([terms("vch_a", 0, 5)])).toBeNull();
  });
});

describe("delivered subsidy", () => {
  it("applies the quoted ratio to what was delivered, never above the hold", () => {
    expect(deliveredSubsidyFen(6_000, 2_000, 2_000)).toBe(1_200);
    expect(deliveredSubsidyFen(10_000, 10_000, 3_000)).toBe(3_000);
    expect(deliveredSubsidyFen(0, 2_000, 2_000)).toBe(0);
  });
});
