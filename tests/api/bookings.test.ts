import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { HOUR_MS } from "../../src/lib/time";
import { lapseOverdueBookings } from "../../src/services/booking-lapse";
import { createAgency, organisationName } from "../support/fixtures";
import { idempotencyKey, moneyPost } from "../support/programmes";
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

const { harness, agency, provider, sme } = await bookingScene();

describe("the capacity guard", () => {
  it("refuses an overlapping range that would overfill a slot, naming the slot, and takes an adjacent one", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 2 }));
    await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T12:00") });
    const overlapping = await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T11:00", "2026-03-03T13:00") });
    expectRefusal(overlapping, 409, "slot_full");
    expect(overlapping.body.error.details).toMatchObject({ slot_start_at: "2026-03-03T11:00:00.000+08:00", free_units: 0 });
    const adjacent = await book(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T12:00", "2026-03-03T14:00") });
    expect(adjacent.status).toBe(201);
    const before = await book(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T09:00", "2026-03-03T10:00") });
    expect(before.status).toBe(201);
    expect(await bookedBySlot(harness, offering.id)).toEqual({
      "2026-03-03T09:00": 2,
      "2026-03-03T10:00": 2,
      "2026-03-03T11:00": 2,
      "2026-03-03T12:00": 2,
      "2026-03-03T13:00": 2,
    });
  });

  it("counts partial overlaps slot by slot: units free in part of a range are not enough", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 3 }));
    await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T13:00", "2026-03-03T14:00") });
    await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T16:00") });
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T12:00", "2026-03-03T14:00") }), 409, "slot_full");
    expect(await bookedBySlot(harness, offering.id)).toMatchObject({ "2026-03-03T12:00": 1, "2026-03-03T13:00": 3 });
  });
});

describe("slot boundaries and time zones", () => {
  it("stores UTC, shows Asia/Shanghai, and accepts the same instant in any offset", async () => {
    const offering = await publish(provider, computeBody());
    const res = await book(sme.client, { offering_id: offering.id, quantity: 1, starts_at: "2026-03-03T02:00:00Z", ends_at: "2026-03-03T04:00:00.000Z" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ starts_at: "2026-03-03T10:00:00.000+08:00", ends_at: "2026-03-03T12:00:00.000+08:00", gross_fen: 2_000 });
    const [row] = await harness.store.all<{ starts_at: number }>(sql`SELECT starts_at FROM bookings WHERE id = ${res.body.id}`);
    expect(row?.starts_at).toBe(Date.UTC(2026, 2, 3, 2));
  });

  it("refuses a start off the hour and a duration that is not whole units", async () => {
    const offering = await publish(provider, computeBody());
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:30", "2026-03-03T11:30") }), 422, "range_not_aligned");
    const seats = await publish(provider, datasetBody());
    expectRefusal(await book(sme.client, { offering_id: seats.id, quantity: 1, ...range("2026-03-04T00:00", "2026-03-05T12:00") }), 422, "duration_not_whole_units");
  });

  it("starts daily slots at midnight in Shanghai: 16:00 UTC is a boundary, 00:00 UTC is not", async () => {
    const seats = await publish(provider, datasetBody({ unit_price_fen: 10_000 }));
    const shanghaiMidnight = await book(sme.client, { offering_id: seats.id, quantity: 1, starts_at: "2026-03-03T16:00:00Z", ends_at: "2026-03-05T16:00:00Z" });
    expect(shanghaiMidnight.status).toBe(201);
    expect(shanghaiMidnight.body).toMatchObject({ starts_at: "2026-03-04T00:00:00.000+08:00", gross_fen: 20_000 });
    expect(await bookedBySlot(harness, seats.id)).toEqual({ "2026-03-04T00:00": 1, "2026-03-05T00:00": 1 });
    expectRefusal(await book(sme.client, { offering_id: seats.id, quantity: 1, starts_at: "2026-03-04T00:00:00Z", ends_at: "2026-03-05T00:00:00Z" }), 422, "range_not_aligned");
  });

  it("keeps to weekly hours in Shanghai time, lead time and the duration bounds", async () => {
    const offering = await publish(provider, computeBody({ weekly_hours: { "2": [[9, 18]] }, lead_time_minutes: 24 * 60, min_duration_units: 2, max_duration_units: 4 }));
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T17:00", "2026-03-03T19:00") }), 409, "outside_bookable_hours");
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") }), 422, "duration_out_of_bounds");
    expect((await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T16:00", "2026-03-03T18:00") })).status).toBe(201);
    harness.clock.now = Date.parse(cst("2026-03-02T12:00"));
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T12:00") }), 409, "lead_time");
  });

  it("refuses a paused offering, more units than it has, and an offering nobody may see", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 2 }));
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 3, ...range("2026-03-03T10:00", "2026-03-03T11:00") }), 409, "exceeds_capacity");
    await provider.client.patch(`/api/offerings/${offering.id}`, { status: "paused" });
    // Paused, it is unpublished: as unknown to the SME as a missing one, so its state does not leak.
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") }), 404, "not_found");
    expect((await book(sme.client, { offering_id: "off_aaaaaaaaaaaaaaaa", quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") })).status).toBe(404);
  });
});

describe("idempotency", () => {
  it("books once however often the request is retried, and refuses the key for another request", async () => {
    const offering = await publish(provider, computeBody());
    const body = { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T11:00") };
    const key = idempotencyKey("book");
    const first = await book(sme.client, body, key);
    const retry = await book(sme.client, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.body.id).toBe(first.body.id);
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-03T10:00": 2 });
    expectRefusal(await book(sme.client, { ...body, quantity: 1 }, key), 409, "idempotency_key_reused");
    expectRefusal(await sme.client.post("/api/bookings", body), 400, "idempotency_key_required");
  });
});

describe("the lifecycle", () => {
  it("requested → confirmed → in use → delivered settles the hold on the usage reported, the rest back to the voucher", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ requires_confirmation: true }));
    const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id });
    expect(booking).toMatchObject({ status: "requested", subsidy_fen: 2_000, confirm_by_at: "2026-03-03T08:00:00.000+08:00" });
    const p = market.provider.client;
    expectRefusal(await p.post(`/api/bookings/${booking.id}/start`, {}), 409, "invalid_transition");
    expect((await p.post(`/api/bookings/${booking.id}/confirm`, {})).body.status).toBe("confirmed");
    expectRefusal(await p.post(`/api/bookings/${booking.id}/start`, {}), 409, "not_started_yet");
    // The desk offers "mark in use" only once the start has come, by the server's clock.
    const mayStart = async () => [(await p.get(`/api/bookings/${booking.id}`)).body.may_start_now, (await p.get("/api/bookings?status=confirmed")).body.items.find((b: { id: string }) => b.id === booking.id)?.may_start_now];
    expect(await mayStart()).toEqual([false, false]);
    harness.clock.now = Date.parse(cst("2026-03-03T09:59"));
    expect(await mayStart()).toEqual([false, false]);
    harness.clock.now = Date.parse(cst("2026-03-03T10:00"));
    expect(await mayStart()).toEqual([true, true]);
    expect((await p.post(`/api/bookings/${booking.id}/start`, {})).body.status).toBe("in_use");
    expect(await mayStart()).toEqual([false, undefined]);
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await reportUsage(p, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T13:00", quantity_milli: 6_000 }]);
    expectRefusal(await moneyPost(p, `/api/bookings/${booking.id}/deliver`, { delivered_gross_fen: 10_000 }), 409, "delivered_gross_mismatch");
    const delivered = await moneyPost(p, `/api/bookings/${booking.id}/deliver`, { delivered_gross_fen: 6_000 });
    expect(delivered.body).toMatchObject({ status: "delivered", delivered_gross_fen: 6_000, delivered_subsidy_fen: 1_200, delivered_copay_fen: 4_800, gross_fen: 10_000, subsidy_fen: 2_000 });
    expect(await transfersOf(harness, booking.id)).toEqual([
      { id: `hold:${booking.id}`, kind: "pending", code: "hold", amount_fen: 2_000 },
      { id: `settle:${booking.id}`, kind: "post_pending", code: "deliver", amount_fen: 1_200 },
    ]);
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(1_000_000 - 1_200);
    expect(await bookedBySlot(harness, offering.id)).toMatchObject({ "2026-03-03T10:00": 2 });
  });

  it("cancel releases the units and voids the hold exactly once", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ cancellation_notice_minutes: 120 }));
    const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 3, ...range("2026-03-03T10:00", "2026-03-03T12:00"), voucher_id: market.voucher.id });
    const cancelled = await moneyPost(market.sme.client, `/api/bookings/${booking.id}/cancel`, { reason: "计划变更 Plans changed" });
    expect(cancelled.body).toMatchObject({ status: "cancelled", status_reason: "计划变更 Plans changed" });
    expectRefusal(await moneyPost(market.sme.client, `/api/bookings/${booking.id}/cancel`, {}), 409, "invalid_transition");
    expect(await transfersOf(harness, booking.id)).toEqual([
      { id: `hold:${booking.id}`, kind: "pending", code: "hold", amount_fen: 1_200 },
      { id: `release:${booking.id}`, kind: "void_pending", code: "cancelled", amount_fen: 1_200 },
    ]);
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(1_000_000);
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
  });

  it("refuses a cancellation inside the offering's notice period", async () => {
    const offering = await publish(provider, computeBody({ cancellation_notice_minutes: 24 * 60 }));
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-02T20:00", "2026-03-02T21:00") });
    const late = await moneyPost(sme.client, `/api/bookings/${booking.id}/cancel`, {});
    expectRefusal(late, 409, "cancellation_too_late");
    expect(late.body.error.details).toEqual({ cancellable_until: "2026-03-01T20:00:00.000+08:00", cancellation_notice_minutes: 1440 });
    expect(late.body.error.message).toContain("2026-03-01 20:00");
  });

  it("a provider's rejection and a lapse each release once; a sweep run twice lapses nothing more", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ requires_confirmation: true }));
    const rejected = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T12:00"), voucher_id: market.voucher.id });
    const lapsing = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-05T10:00", "2026-03-05T12:00"), voucher_id: market.voucher.id });
    expect((await moneyPost(market.provider.client, `/api/bookings/${rejected.id}/reject`, {})).status).toBe(400);
    expect((await moneyPost(market.provider.client, `/api/bookings/${rejected.id}/reject`, { reason: "检修 Maintenance" })).body).toMatchObject({ status: "rejected", status_reason: "检修 Maintenance" });

    harness.clock.now = MONDAY_8AM + 24 * HOUR_MS + 1;
    expectRefusal(await market.provider.client.post(`/api/bookings/${lapsing.id}/confirm`, {}), 409, "confirmation_deadline_passed");
    const swept = await lapseOverdueBookings(harness.store, harness.clock.now);
    expect(swept.lapsed).toBeGreaterThanOrEqual(1);
    expect((await market.sme.client.get(`/api/bookings/${lapsing.id}`)).body).toMatchObject({ status: "lapsed" });
    const again = await lapseOverdueBookings(harness.store, harness.clock.now);
    expect(again.lapsed).toBe(0);
    expect(await transfersOf(harness, lapsing.id)).toEqual([
      { id: `hold:${lapsing.id}`, kind: "pending", code: "hold", amount_fen: 800 },
      { id: `release:${lapsing.id}`, kind: "void_pending", code: "lapse", amount_fen: 800 },
    ]);
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(1_000_000);
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
  });
});

describe("who sees and moves a booking", () => {
  it("the SME sees its own, the provider its offerings', the agency those on its programmes; others get 404", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ requires_confirmation: true }));
    const subsidised = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: market.voucher.id });
    const fullPrice = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T11:00", "2026-03-03T12:00") });
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((b) => b.id).sort();

    expect(ids(await market.sme.client.get("/api/bookings"))).toEqual([subsidised.id, fullPrice.id].sort());
    expect(ids(await market.provider.client.get(`/api/bookings?offering_id=${offering.id}`))).toEqual([subsidised.id, fullPrice.id].sort());
    expect(ids(await agency.auditor.client.get(`/api/bookings?offering_id=${offering.id}`))).toEqual([subsidised.id]);
    const otherAgency = await createAgency(harness);
    expect((await otherAgency.auditor.client.get(`/api/bookings/${subsidised.id}`)).status).toBe(404);
    expect((await sme.client.get(`/api/bookings/${subsidised.id}`)).status).toBe(404);
    expect((await provider.client.post(`/api/bookings/${subsidised.id}/confirm`, {})).status).toBe(404);
    expect((await moneyPost(sme.client, `/api/bookings/${subsidised.id}/cancel`, {})).status).toBe(404);
    expect((await market.sme.client.get("/api/bookings?status=requested&limit=1")).body).toMatchObject({ limit: 1, has_more: true });
  });

  it("shows each party's name and the programme's, so a provider's desk knows which SME booked", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const subsidised = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: market.voucher.id });
    harness.clock.now += 1_000;
    const fullPrice = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T11:00", "2026-03-03T12:00") });
    const names = { sme_name: await organisationName(harness, market.sme.org.id), provider_name: await organisationName(harness, market.provider.org.id) };

    const desk = (await market.provider.client.get(`/api/bookings?offering_id=${offering.id}`)).body.items;
    expect(desk).toEqual([
      expect.objectContaining({ id: fullPrice.id, ...names, programme_name: null }),
      expect.objectContaining({ id: subsidised.id, ...names, programme_name: market.programme.name }),
    ]);
    expect((await market.sme.client.get(`/api/bookings/${subsidised.id}`)).body).toMatchObject({ ...names, programme_name: market.programme.name });
    expect((await agency.auditor.client.get(`/api/bookings/${subsidised.id}`)).body).toMatchObject(names);
  });

  it("audits every step in the same write", async () => {
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") });
    await provider.client.post(`/api/bookings/${booking.id}/confirm`, {});
    await moneyPost(sme.client, `/api/bookings/${booking.id}/cancel`, {});
    const events = await harness.store.all<{ action: string; actor_org_id: string }>(sql`SELECT action, actor_org_id FROM audit_events WHERE subject_id = ${booking.id} ORDER BY seq`);
    expect(events).toEqual([
      { action: "booking.requested", actor_org_id: sme.org.id },
      { action: "booking.confirmed", actor_org_id: provider.org.id },
      { action: "booking.cancelled", actor_org_id: sme.org.id },
    ]);
  });
});
