import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { createAgency, signUpProvider, signUpSme } from "../support/fixtures";
import { createProgramme, expectLedgerConsistent, issueVoucher } from "../support/programmes";
import { approvedProvider, booked, computeBody, cst, datasetBody, expectRefusal, MONDAY_8AM, publish, uniqueModel, voucherMarket } from "../support/bookings";

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;
const agency = await createAgency(harness);

beforeEach(() => {
  harness.clock.now = MONDAY_8AM;
});
afterEach(() => expectLedgerConsistent(harness));

async function rowCounts() {
  const [row] = await harness.store.all<Record<string, number>>(sql`SELECT
    (SELECT count(*) FROM bookings) AS bookings, (SELECT count(*) FROM slot_usage) AS slots,
    (SELECT count(*) FROM ledger_transfers) AS transfers, (SELECT coalesce(sum(booked_units), 0) FROM slot_usage) AS units,
    (SELECT count(*) FROM idempotency_keys) AS keys`);
  return row;
}

describe("quotes", () => {
  it("show gross, every subsidy term and the co-pay, and write nothing", async () => {
    const market = await voucherMarket(harness, {
      agency,
      rules: { tiers: [{ kind: "domestic_compute", name: "国产算力 domestic compute", ratio_bp: 3_000 }], per_booking_cap_fen: 10_000 },
    });
    const offering = await publish(market.provider, computeBody({ unit_price_fen: 1_200 }));
    const body = { offering_id: offering.id, quantity: 8, starts_at: cst("2026-03-03T09:00"), ends_at: cst("2026-03-03T13:00"), voucher_id: market.voucher.id };
    const before = await rowCounts();
    const quote = await market.sme.client.post("/api/quotes", body);
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      unit_price_fen: 1_200,
      quantity: 8,
      duration_units: 4,
      gross_fen: 38_400,
      subsidy_fen: 10_000,
      copay_fen: 28_400,
      starts_at: "2026-03-03T09:00:00.000+08:00",
      capacity: { available: true },
      subsidy: {
        voucher_id: market.voucher.id,
        programme_id: market.programme.id,
        programme_version: 1,
        ratio_bp: 3_000,
        tier: "国产算力 domestic compute",
        limits: [
          { name: "ratio", fen: 11_520 },
          { name: "per_booking_cap", fen: 10_000 },
          { name: "annual_subsidy_cap", fen: 200_000_000 },
          { name: "voucher_balance", fen: 1_000_000 },
        ],
        binding_limit: "per_booking_cap",
        voucher_available_fen: 1_000_000,
        annual_subsidy_used_fen: 0,
        cap_year: 2026,
        zero_subsidy_reason: null,
      },
    });
    expect(quote.body.subsidy.programme_budget_left_fen).toBe(1_000_000_000 - 1_000_000);
    expect(await rowCounts()).toEqual(before);
  });

  it("covers 100% at or below the full-coverage threshold (inclusive)", async () => {
    const market = await voucherMarket(harness, { agency, rules: { full_coverage_threshold_fen: 4_000 } });
    const offering = await publish(market.provider, computeBody({ unit_price_fen: 1_000 }));
    const at = (hours: number) => ({ offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T09:00"), ends_at: cst(`2026-03-03T${9 + hours}:00`), voucher_id: market.voucher.id });
    expect((await market.sme.client.post("/api/quotes", at(4))).body).toMatchObject({ gross_fen: 4_000, subsidy_fen: 4_000, copay_fen: 0, subsidy: { full_coverage: true, ratio_bp: 10_000 } });
    expect((await market.sme.client.post("/api/quotes", at(5))).body).toMatchObject({ gross_fen: 5_000, subsidy_fen: 1_000, subsidy: { full_coverage: false } });
  });

  it("say when the slots are taken, and refuse what a booking would refuse", async () => {
    const provider = await approvedProvider(harness);
    const sme = await signUpSme(harness);
    const offering = await publish(provider, computeBody({ capacity_units: 1 }));
    const range = { starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T11:00") };
    await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range });
    const quote = await sme.client.post("/api/quotes", { offering_id: offering.id, quantity: 1, ...range });
    expect(quote.body.capacity).toEqual({ available: false, problem: "slot_full", slot_start_at: "2026-03-03T10:00:00.000+08:00", free_units: 0 });
    expectRefusal(await sme.client.post("/api/quotes", { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T10:30"), ends_at: cst("2026-03-03T11:30") }), 422, "range_not_aligned");
    expect((await provider.client.post("/api/quotes", { offering_id: offering.id, quantity: 1, ...range })).status).toBe(403);
  });
});

describe("capacity search across providers", () => {
  /** Three providers with one model, one with another; a pending provider's offering must not appear. */
  async function marketplace() {
    const model = uniqueModel("Ascend 910B");
    const cheapBusy = await approvedProvider(harness, {}, [agency]);
    const pricey = await approvedProvider(harness, {}, [agency]);
    const nodes = await approvedProvider(harness, {}, [agency]);
    const busy = await publish(cheapBusy, computeBody({ accelerator_model: model, unit_price_fen: 800, capacity_units: 16 }));
    const free = await publish(pricey, computeBody({ accelerator_model: model, unit_price_fen: 1_500, capacity_units: 32, weekly_hours: { "2": [[9, 18]], "3": [[9, 18]] } }));
    const nodeHours = await publish(nodes, computeBody({ accelerator_model: model, unit: "node_hour", cards_per_node: 8, unit_price_fen: 6_400, capacity_units: 4, domestic: false }));
    const filler = await signUpSme(harness);
    await booked(filler.client, { offering_id: busy.id, quantity: 8, starts_at: cst("2026-03-03T09:00"), ends_at: cst("2026-03-03T12:00") });
    const pending = await signUpProvider(harness);
    return { model, busy, free, nodeHours, pending };
  }

  const need = (model: string, extra: Record<string, unknown> = {}) => ({
    category: "compute",
    accelerator_model: model,
    quantity: 16,
    duration_hours: 3,
    earliest_start_at: cst("2026-03-03T09:00"),
    latest_end_at: cst("2026-03-04T18:00"),
    ...extra,
  });

  it("ranks options by co-pay with the earliest fitting start, subsidy under the SME's best voucher", async () => {
    const m = await marketplace();
    const agencyProgramme = await createProgramme(harness, agency, { rules: { eligible_categories: ["compute"], subsidy_ratio_bp: 2_000 } });
    const richer = await createProgramme(harness, agency, { rules: { eligible_categories: ["compute"], subsidy_ratio_bp: 4_000 } });
    const sme = await signUpSme(harness);
    const { voucher: small } = await issueVoucher(agency, sme, agencyProgramme.id, 500_000);
    const { voucher: large } = await issueVoucher(agency, sme, richer.id, 500_000);

    const res = await sme.client.post("/api/search/capacity", need(m.model));
    expect(res.status).toBe(200);
    const options = res.body.options as any[];
    expect(options.map((o) => o.offering.id)).toEqual([m.nodeHours.id, m.busy.id, m.free.id]);
    const [nodes, busy, free] = options;
    // 16 cards on 8-card nodes: 2 node-hours × 3 h × ¥64 = ¥384; the richer programme's 40% applies.
    expect(nodes).toMatchObject({ rank: 1, quantity: 2, duration_units: 3, gross_fen: 38_400, subsidy_fen: 15_360, copay_fen: 23_040, voucher_id: large.id, starts_at: "2026-03-03T09:00:00.000+08:00" });
    expect(nodes.offering.comparable_unit_price_fen).toBe(800);
    // The cheap provider has only 8 of 16 cards free until noon.
    expect(busy).toMatchObject({ starts_at: "2026-03-03T12:00:00.000+08:00", ends_at: "2026-03-03T15:00:00.000+08:00", gross_fen: 38_400, subsidy_fen: 15_360 });
    expect(free).toMatchObject({ starts_at: "2026-03-03T09:00:00.000+08:00", gross_fen: 72_000, subsidy_fen: 28_800, copay_fen: 43_200 });
    expect(small.id).not.toBe(large.id);
  });

  it("filters by model, domestic flag and price per card-hour, sorts by start on request, and works without vouchers", async () => {
    const m = await marketplace();
    const sme = await signUpSme(harness);
    const domestic = await sme.client.post("/api/search/capacity", need(m.model.toLowerCase().replace(" 910b", "-910B"), { domestic_only: true, sort: "earliest" }));
    expect(domestic.body.options.map((o: any) => o.offering.id)).toEqual([m.free.id, m.busy.id]);
    expect(domestic.body.options.every((o: any) => o.subsidy_fen === 0 && o.voucher_id === null)).toBe(true);
    const cheap = await sme.client.post("/api/search/capacity", need(m.model, { max_unit_price_fen: 800 }));
    expect(cheap.body.options.map((o: any) => o.offering.id).sort()).toEqual([m.busy.id, m.nodeHours.id].sort());
    const provider = await approvedProvider(harness);
    expect((await provider.client.post("/api/search/capacity", need(m.model))).body.options).toHaveLength(3);
  });

  it("shows comparable_unit_price_fen on the scale max_unit_price_fen filters: an option's own figure as the budget keeps it", async () => {
    const provider = await approvedProvider(harness, {}, [agency]);
    // A dataset priced per seat-day, and node-hours of 3 cards whose card-hour is 333⅓ fen.
    const dataset = await publish(provider, datasetBody({ unit_price_fen: 50_000 }));
    const model = uniqueModel("MI300");
    const nodes = await publish(provider, computeBody({ accelerator_model: model, unit: "node_hour", cards_per_node: 3, unit_price_fen: 1_000, capacity_units: 4, domestic: false }));
    const sme = await signUpSme(harness);
    const window = { earliest_start_at: cst("2026-03-03T09:00"), latest_end_at: cst("2026-03-06T09:00") };
    const datasetNeed = (extra: Record<string, unknown> = {}) => ({ category: "dataset", quantity: 1, duration_hours: 24, ...window, ...extra });
    const nodeNeed = (extra: Record<string, unknown> = {}) => need(model, { quantity: 3, duration_hours: 2, ...extra });
    const ids = (res: { body: { options: { offering: { id: string } }[] } }) => res.body.options.map((o) => o.offering.id);

    const datasets = await sme.client.post("/api/search/capacity", datasetNeed());
    const shown = (datasets.body.options as any[]).find((o) => o.offering.id === dataset.id);
    expect(shown.offering.comparable_unit_price_fen).toBe(50_000);
    expect(ids(await sme.client.post("/api/search/capacity", datasetNeed({ max_unit_price_fen: shown.offering.comparable_unit_price_fen })))).toContain(dataset.id);
    expect(ids(await sme.client.post("/api/search/capacity", datasetNeed({ max_unit_price_fen: 49_999 })))).not.toContain(dataset.id);

    const found = await sme.client.post("/api/search/capacity", nodeNeed());
    expect(ids(found)).toEqual([nodes.id]);
    const price = found.body.options[0].offering.comparable_unit_price_fen;
    expect(price).toBe(334);
    expect(ids(await sme.client.post("/api/search/capacity", nodeNeed({ max_unit_price_fen: price })))).toEqual([nodes.id]);
    expect(ids(await sme.client.post("/api/search/capacity", nodeNeed({ max_unit_price_fen: price - 1 })))).toEqual([]);
  });

  it("finds nothing where nothing fits, and bounds the window", async () => {
    const m = await marketplace();
    const sme = await signUpSme(harness);
    const tooBig = await sme.client.post("/api/search/capacity", need(m.model, { quantity: 40 }));
    expect(tooBig.body.options).toEqual([]);
    const tooSoon = await sme.client.post("/api/search/capacity", need(m.model, { latest_end_at: cst("2026-03-03T11:00") }));
    expect(tooSoon.body.options).toEqual([]);
    expectRefusal(await sme.client.post("/api/search/capacity", need(m.model, { latest_end_at: cst("2026-04-10T00:00") })), 422, "window_too_long");
    expectRefusal(await sme.client.post("/api/search/capacity", need(m.model, { latest_end_at: cst("2026-03-01T00:00") })), 422, "empty_window");
  });
});
