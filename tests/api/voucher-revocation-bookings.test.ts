// Revoking a voucher that bookings hold on (DESIGN §1: fraud voids the voucher): bookings not
// yet started are cancelled through the bookings service (units back, holds voided, the reason
// shown to both parties); a booking already in service is delivered first.
import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import {
  booked,
  bookedBySlot,
  computeBody,
  cst,
  MONDAY_8AM,
  publish,
  range,
  transfersOf,
  voucherMarket,
} from "../support/bookings";
import { createAgency } from "../support/fixtures";
import { expectLedgerConsistent, moneyPost } from "../support/programmes";
import { reportUsage } from "../support/usage";

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;
const agency = await createAgency(harness);

afterEach(() => expectLedgerConsistent(harness));

describe("revoking a voucher that bookings hold on", () => {
  it("cancels the bookings not yet started, with the revocation's reason, releasing their units and holds", async () => {
    harness.clock.now = MONDAY_8AM;
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const first = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T12:00"), voucher_id: market.voucher.id });
    const second = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-04T09:00", "2026-03-04T10:00"), voucher_id: market.voucher.id });

    const res = await moneyPost(agency.reviewer.client, `/api/vouchers/${market.voucher.id}/revoke`, { reason: "虚假发票 Fabricated invoices" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "revoked", held_fen: 0, spent_fen: 0, available_fen: 0, lapsed_fen: market.voucher.face_value_fen });
    for (const booking of [first, second]) {
      const after = (await market.sme.client.get(`/api/bookings/${booking.id}`)).body;
      expect(after).toMatchObject({ status: "cancelled", status_reason: expect.stringContaining("Fabricated invoices") });
      expect((await transfersOf(harness, booking.id)).map((t) => [t.kind, t.code])).toEqual([
        ["pending", "hold"],
        ["void_pending", "revoke"],
      ]);
    }
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
  });

  it("waits for a booking already in service: refused naming it, then revoked once it is delivered", async () => {
    harness.clock.now = MONDAY_8AM;
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const inService = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T12:00"), voucher_id: market.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T10:00"));
    expect((await market.provider.client.post(`/api/bookings/${inService.id}/start`, {})).status).toBe(200);

    const refused = await moneyPost(agency.admin.client, `/api/vouchers/${market.voucher.id}/revoke`, { reason: "骗补 Subsidy fraud" });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "bookings_in_service", details: { booking_ids: [inService.id] } });
    expect(refused.body.error.message).toContain(inService.id);
    expect((await market.sme.client.get(`/api/vouchers/${market.voucher.id}`)).body).toMatchObject({ status: "active", held_fen: 400 });

    harness.clock.now = Date.parse(cst("2026-03-03T12:00"));
    await reportUsage(market.provider.client, [{ booking_id: inService.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: 2_000 }]);
    expect((await moneyPost(market.provider.client, `/api/bookings/${inService.id}/deliver`, {})).body.status).toBe("delivered");
    const revoked = await moneyPost(agency.admin.client, `/api/vouchers/${market.voucher.id}/revoke`, { reason: "骗补 Subsidy fraud" });
    expect(revoked.body).toMatchObject({ status: "revoked", held_fen: 0, spent_fen: 400, available_fen: 0, lapsed_fen: market.voucher.face_value_fen - 400 });
  });
});
