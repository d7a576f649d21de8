// Pausing and retiring an offering that has bookings: pausing keeps them, retiring is refused
// while any booking still to end is in the way, and forcing it cancels the ones not yet started.
import { describe, expect, it } from "vitest";
import { MAX_FORCED_CANCELLATIONS } from "../../src/services/offering-changes";
import {
  booked,
  bookedBySlot,
  bookingScene,
  computeBody,
  cst,
  expectRefusal,
  publish,
  range,
  transfersOf,
  voucherAvailableFen,
  voucherMarket,
} from "../support/bookings";

const { harness, agency, provider, sme } = await bookingScene();

/** An offering needing confirmation with one confirmed and one requested booking, newest last. */
async function confirmedAndRequested() {
  const offering = await publish(provider, computeBody({ requires_confirmation: true }));
  const confirmed = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T12:00") });
  expect((await provider.client.post(`/api/bookings/${confirmed.id}/confirm`, {})).body.status).toBe("confirmed");
  harness.clock.now += 1_000;
  const requested = await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-04T10:00", "2026-03-04T11:00") });
  return { offering, confirmed, requested };
}

describe("pausing an offering", () => {
  it("stops new bookings and keeps the existing ones as booked", async () => {
    const { offering, confirmed, requested } = await confirmedAndRequested();
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { status: "paused" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ offering: { status: "paused" }, cancelled_bookings: [] });
    expect((await sme.client.get(`/api/bookings/${confirmed.id}`)).body.status).toBe("confirmed");
    expect((await sme.client.get(`/api/bookings/${requested.id}`)).body.status).toBe("requested");
    const refused = await sme.client.post("/api/bookings", { offering_id: offering.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T11:00") }, { "Idempotency-Key": `paused-${offering.id}` });
    // Paused, it is unpublished: refused as not found, like any offering the SME may not see.
    expectRefusal(refused, 404, "not_found");
  });
});

describe("retiring an offering", () => {
  it("is refused while bookings are still to come, naming them and their statuses, and changes nothing", async () => {
    const { offering, confirmed, requested } = await confirmedAndRequested();
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { status: "retired" });
    expectRefusal(res, 409, "retire_over_bookings");
    expect(res.body.error.message).toContain("有2个预约（1个待确认、1个已确认）");
    expect(res.body.error.message).toContain("2 bookings (1 requested, 1 confirmed) are in the way. You may force it, which cancels these bookings");
    expect(res.body.error.details).toMatchObject({ force: true, bookings: [{ id: requested.id, status: "requested" }, { id: confirmed.id, status: "confirmed" }] });
    expect((await sme.client.get(`/api/offerings/${offering.id}`)).body.status).toBe("active");
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-03T10:00": 1, "2026-03-03T11:00": 1, "2026-03-04T10:00": 2 });
  });

  it("goes through when the only bookings have ended", async () => {
    const offering = await publish(provider, computeBody());
    const past = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-02T10:00", "2026-03-02T11:00") });
    harness.clock.now = Date.parse(cst("2026-03-02T11:00"));
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { status: "retired" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ offering: { status: "retired" }, cancelled_bookings: [] });
    expect((await sme.client.get(`/api/bookings/${past.id}`)).body.status).toBe("confirmed");
  });

  it("with force, cancels the bookings not yet started with notice and voids each hold exactly once", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const before = await voucherAvailableFen(harness, market.voucher.id);
    const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-04T10:00", "2026-03-04T14:00"), voucher_id: market.voucher.id });
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(before - booking.subsidy_fen);

    const res = await market.provider.client.patch(`/api/offerings/${offering.id}`, { status: "retired", force: true, notice: "设备退役 The cluster is decommissioned" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.offering.status).toBe("retired");
    expect(res.body.cancelled_bookings.map((b: { id: string }) => b.id)).toEqual([booking.id]);
    expect((await market.sme.client.get(`/api/bookings/${booking.id}`)).body).toMatchObject({ status: "cancelled", status_reason: "设备退役 The cluster is decommissioned" });
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(before);
    expect((await transfersOf(harness, booking.id)).map((t) => t.kind)).toEqual(["pending", "void_pending"]);
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
  });

  it("refuses to retire past the most one change may cancel, and says to pause first", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 30 }));
    for (let i = 0; i <= MAX_FORCED_CANCELLATIONS; i++) {
      await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") });
    }
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { status: "retired", force: true });
    expectRefusal(res, 409, "too_many_bookings_in_the_way");
    expect(res.body.error.message).toContain("pause the offering now and retire it once fewer remain");
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-03T10:00": MAX_FORCED_CANCELLATIONS + 1 });
  });

  it("never cancels a booking in use: refused with or without force, and nothing changes", async () => {
    const offering = await publish(provider, computeBody());
    const inUse = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T12:00") });
    const later = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T12:00") });
    harness.clock.now = Date.parse(cst("2026-03-03T10:00"));
    expect((await provider.client.post(`/api/bookings/${inUse.id}/start`, {})).body.status).toBe("in_use");

    const plain = await provider.client.patch(`/api/offerings/${offering.id}`, { status: "retired" });
    expectRefusal(plain, 409, "retire_over_bookings");
    expect(plain.body.error.message).toContain("其中1个正在使用，不能取消");
    expect(plain.body.error.details.force).toBe(false);
    const forced = await provider.client.patch(`/api/offerings/${offering.id}`, { status: "retired", force: true });
    expectRefusal(forced, 409, "bookings_in_progress");
    expect(forced.body.error.details.bookings.map((b: { id: string }) => b.id).sort()).toEqual([inUse.id, later.id].sort());
    expect((await sme.client.get(`/api/bookings/${later.id}`)).body.status).toBe("confirmed");
    expect((await sme.client.get(`/api/offerings/${offering.id}`)).body.status).toBe("active");
  });
});
