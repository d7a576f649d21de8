// Paying with a voucher: the hold in the booking's write, the rules that refuse a voucher, caps
// that leave nothing, and what a voucher's expiry does to its bookings.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../../src/lib/time";
import { sweepExpiredVouchers } from "../../src/services/expiry";
import { moneyPost } from "../support/programmes";
import {
  book,
  booked,
  bookedBySlot,
  bookingScene,
  computeBody,
  cst,
  datasetBody,
  expectRefusal,
  MONDAY_8AM,
  publish,
  range,
  transfersOf,
  voucherAvailableFen,
  voucherMarket,
} from "../support/bookings";
import { reportUsage } from "../support/usage";

const { harness, agency, sme } = await bookingScene();

describe("paying with a voucher", () => {
  it("holds the quoted subsidy in the same write, and a booking without a voucher pays full price", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ unit_price_fen: 2_500 }));
    const withVoucher = await booked(market.sme.client, { offering_id: offering.id, quantity: 4, ...range("2026-03-03T10:00", "2026-03-03T13:00"), voucher_id: market.voucher.id });
    expect(withVoucher).toMatchObject({ status: "confirmed", gross_fen: 30_000, subsidy_fen: 6_000, copay_fen: 24_000, voucher_id: market.voucher.id, cap_year: 2026 });
    expect(withVoucher.quote.subsidy).toMatchObject({ ratio_bp: 2000, binding_limit: "ratio", annual_subsidy_used_fen: 0 });
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(1_000_000 - 6_000);
    expect(await transfersOf(harness, withVoucher.id)).toEqual([{ id: `hold:${withVoucher.id}`, kind: "pending", code: "hold", amount_fen: 6_000 }]);

    const fullPrice = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") });
    expect(fullPrice).toMatchObject({ gross_fen: 2_500, subsidy_fen: 0, copay_fen: 2_500, voucher_id: null, hold_transfer_id: null });
    expect(await transfersOf(harness, fullPrice.id)).toEqual([]);
  });

  it("refuses related parties under a programme that excludes them, naming the link, but lets them pay full price", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const providerCode = (await market.provider.client.get(`/api/organisations/${market.provider.org.id}`)).body.credit_code;
    const declared = await market.sme.client.post(`/api/organisations/${market.sme.org.id}/related-parties`, { relation: "shareholder", party_name: "京算控股 Jingsuan Holdings", party_credit_code: providerCode });
    expect(declared.status).toBe(201);
    const body = { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") };
    const refused = await book(market.sme.client, { ...body, voucher_id: market.voucher.id });
    expectRefusal(refused, 409, "related_party");
    expect(refused.body.error.details.relation).toEqual({ kind: "declared_by_sme", party: expect.any(String) });
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
    expect((await book(market.sme.client, body)).status).toBe(201);
  });

  it("refuses a common shareholder declared on both sides", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const shareholder = { relation: "shareholder", party_name: "张三 Zhang San" };
    await market.sme.client.post(`/api/organisations/${market.sme.org.id}/related-parties`, shareholder);
    await market.provider.client.post(`/api/organisations/${market.provider.org.id}/related-parties`, shareholder);
    const refused = await book(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: market.voucher.id });
    expectRefusal(refused, 409, "related_party");
    expect(refused.body.error.details.relation).toEqual({ kind: "common_party", party: "张三 Zhang San" });
  });

  it("refuses a voucher of another region, another category, someone else's, or past its expiry", async () => {
    const shenzhen = await voucherMarket(harness, { agency, rules: { eligible_region_prefixes: ["44"] }, sme: { organisation: { region_code: "440305" } } });
    const beijingOffering = await publish(shenzhen.provider, computeBody());
    const body = { offering_id: beijingOffering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") };
    expectRefusal(await book(shenzhen.sme.client, { ...body, voucher_id: shenzhen.voucher.id }), 409, "region_not_eligible");

    const computeOnly = await voucherMarket(harness, { agency, rules: { eligible_categories: ["compute"], validity: { kind: "days_from_issue", days: 3 } } });
    const seats = await publish(computeOnly.provider, datasetBody());
    expectRefusal(await book(computeOnly.sme.client, { offering_id: seats.id, quantity: 1, ...range("2026-03-04T00:00", "2026-03-05T00:00"), voucher_id: computeOnly.voucher.id }), 409, "category_not_eligible");
    expect((await book(sme.client, { ...body, voucher_id: computeOnly.voucher.id })).status).toBe(404);

    const gpu = await publish(computeOnly.provider, computeBody());
    expectRefusal(await book(computeOnly.sme.client, { offering_id: gpu.id, quantity: 1, ...range("2026-03-06T10:00", "2026-03-06T11:00"), voucher_id: computeOnly.voucher.id }), 409, "voucher_expires_before_end");
    harness.clock.now = MONDAY_8AM + 4 * 24 * HOUR_MS;
    expectRefusal(await book(computeOnly.sme.client, { offering_id: gpu.id, quantity: 1, ...range("2026-03-07T10:00", "2026-03-07T11:00"), voucher_id: computeOnly.voucher.id }), 409, "voucher_expired");
  });

  it("when the annual cap leaves nothing, says which cap; the SME may still book at full price", async () => {
    const market = await voucherMarket(harness, { agency, rules: { annual_subsidy_cap_fen: 1_000 }, face_fen: 1_000 });
    const offering = await publish(market.provider, computeBody({ unit_price_fen: 5_000 }));
    const first = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: market.voucher.id });
    expect(first).toMatchObject({ subsidy_fen: 1_000, copay_fen: 4_000 });
    expect(first.quote.subsidy.binding_limit).toBe("ratio");
    const body = { offering_id: offering.id, quantity: 1, ...range("2026-03-03T11:00", "2026-03-03T12:00") };
    const quote = await market.sme.client.post("/api/quotes", { ...body, voucher_id: market.voucher.id });
    expect(quote.body.subsidy).toMatchObject({ zero_subsidy_reason: "annual_subsidy_cap", annual_subsidy_remaining_fen: 0, annual_subsidy_used_fen: 1_000 });
    expectRefusal(await book(market.sme.client, { ...body, voucher_id: market.voucher.id }), 409, "no_subsidy_left");
    expect((await book(market.sme.client, body)).body).toMatchObject({ subsidy_fen: 0, copay_fen: 5_000 });

    // Cancelling the first gives its room back: the next booking is subsidised again.
    expect((await moneyPost(market.sme.client, `/api/bookings/${first.id}/cancel`, {})).status).toBe(200);
    const [counter] = await harness.store.all<{ subsidy_fen: number }>(sql`SELECT subsidy_fen FROM annual_subsidy WHERE programme_id = ${market.programme.id} AND sme_org_id = ${market.sme.org.id}`);
    expect(counter?.subsidy_fen).toBe(0);
    expect((await book(market.sme.client, { ...body, ...range("2026-03-03T12:00", "2026-03-03T13:00"), voucher_id: market.voucher.id })).body.subsidy_fen).toBe(1_000);
  });

  it("a programme without an annual subsidy cap quotes no annual term; the voucher balance bounds the subsidy", async () => {
    const market = await voucherMarket(harness, { agency, rules: { annual_subsidy_cap_fen: null }, face_fen: 1_000 });
    const offering = await publish(market.provider, computeBody({ unit_price_fen: 5_000 }));
    const quote = await market.sme.client.post("/api/quotes", { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: market.voucher.id });
    expect(quote.body.subsidy.limits.map((l: { name: string }) => l.name)).not.toContain("annual_subsidy_cap");
    expect(quote.body.subsidy).toMatchObject({ annual_subsidy_cap_fen: null, annual_subsidy_remaining_fen: null, subsidy_fen: 1_000 });
    const first = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: market.voucher.id });
    expect(first.subsidy_fen).toBe(1_000);
  });

  it("refuses rather than book when the co-pay came out above what the SME accepted", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const res = await book(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: market.voucher.id, max_copay_fen: 799 });
    expectRefusal(res, 409, "quote_changed");
    expect(res.body.error.details.quote.copay_fen).toBe(800);
  });
});

describe("when the voucher expires", () => {
  it("waits while a booking is in service; then the bookings not yet started lapse, their units and holds released", async () => {
    const market = await voucherMarket(harness, { agency, rules: { validity: { kind: "days_from_issue", days: 3 } } });
    const offering = await publish(market.provider, computeBody());
    const inService = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T12:00"), voucher_id: market.voucher.id });
    const notStarted = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-04T10:00", "2026-03-04T12:00"), voucher_id: market.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T10:00"));
    expect((await market.provider.client.post(`/api/bookings/${inService.id}/start`, {})).status).toBe(200);

    harness.clock.now = MONDAY_8AM + 5 * 24 * HOUR_MS;
    const deferred = await sweepExpiredVouchers(harness.store, harness.clock.now);
    expect(deferred.deferred).toContainEqual({ voucher_id: market.voucher.id, booking_ids: [inService.id] });
    expect((await market.sme.client.get(`/api/bookings/${notStarted.id}`)).body.status).toBe("confirmed");

    await reportUsage(market.provider.client, [{ booking_id: inService.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: 2_000 }]);
    expect((await moneyPost(market.provider.client, `/api/bookings/${inService.id}/deliver`, {})).body).toMatchObject({ status: "delivered", delivered_subsidy_fen: 400 });
    await sweepExpiredVouchers(harness.store, harness.clock.now);
    expect((await market.sme.client.get(`/api/vouchers/${market.voucher.id}`)).body.status).toBe("expired");
    expect((await market.sme.client.get(`/api/bookings/${notStarted.id}`)).body).toMatchObject({ status: "lapsed", status_reason: expect.stringContaining("expired") });
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-03T10:00": 1, "2026-03-03T11:00": 1 });
    expect((await transfersOf(harness, notStarted.id)).map((t) => t.kind)).toEqual(["pending", "void_pending"]);
  });
});

