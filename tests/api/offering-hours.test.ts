// Changing an offering's weekly open hours over bookings (docs/provider-timeline.md), on both
// drivers: refused with the bookings in the way named, forced only on request (holds voided, the
// enterprise told), and guarded in the write itself, so a booking committed between the change's
// read and its write is never stranded outside the new hours. Races: a booking and an hours change
// both read before either writes, in either order.
import { sql, type SQLWrapper } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { constraintViolation } from "../../src/db/constraints";
import { compile } from "../../src/db/store";
import { HOURS_NOTICE } from "../../src/services/offering-changes";
import { planOfferingChange } from "../../src/routes/offerings/offering-rows";
import type { ApiResponse } from "../support/client";
import { organisationName } from "../support/fixtures";
import { idempotencyKey, moneyPost } from "../support/programmes";
import { approvedProvider, book, booked, bookedBySlot, bookingScene, computeBody, cst, datasetBody, expectRefusal, publish, transfersOf, voucherAvailableFen, voucherMarket } from "../support/bookings";

const { harness, agency, provider, sme } = await bookingScene();

const WEEKDAYS_9_TO_18 = { "1": [[9, 18]], "2": [[9, 18]], "3": [[9, 18]], "4": [[9, 18]], "5": [[9, 18]] };
const MORNINGS = { "1": [[9, 12]], "2": [[9, 12]], "3": [[9, 12]], "4": [[9, 12]], "5": [[9, 12]] };

async function weeklyHoursOf(offeringId: string) {
  return (await provider.client.get(`/api/offerings/${offeringId}`)).body.weekly_hours;
}

async function statusOf(bookingId: string) {
  const [row] = await harness.store.all<{ status: string; status_reason: string | null }>(sql`SELECT status, status_reason FROM bookings WHERE id = ${bookingId}`);
  return row;
}

describe("changing weekly hours over bookings", () => {
  it("refuses hours that leave a booking outside them, naming it (enterprise, time, booking), and changes nothing", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 4, weekly_hours: WEEKDAYS_9_TO_18 }));
    const inside = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T09:00"), ends_at: cst("2026-03-03T11:00") });
    const outside = await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-03T11:00"), ends_at: cst("2026-03-03T14:00") });
    const slotsBefore = await bookedBySlot(harness, offering.id);

    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: MORNINGS });
    expectRefusal(res, 409, "hours_exclude_bookings");
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff].*\/.*in the way/);
    expect(res.body.error.details.force).toBe(true);
    expect(res.body.error.details.bookings).toEqual([
      expect.objectContaining({ id: outside.id, sme_name: await organisationName(harness, sme.org.id), status: "confirmed", quantity: 2, starts_at: "2026-03-03T11:00:00.000+08:00", ends_at: "2026-03-03T14:00:00.000+08:00" }),
    ]);
    // The 12:00 and 13:00 slots are the ones the new hours close.
    expect(res.body.error.details.slots.map((s: { slot_start_at: string }) => s.slot_start_at)).toEqual(["2026-03-03T12:00:00.000+08:00", "2026-03-03T13:00:00.000+08:00"]);
    expect(await weeklyHoursOf(offering.id)).toEqual(WEEKDAYS_9_TO_18);
    expect((await statusOf(outside.id))?.status).toBe("confirmed");
    expect((await statusOf(inside.id))?.status).toBe("confirmed");
    expect(await bookedBySlot(harness, offering.id)).toEqual(slotsBefore);
  });

  it("accepts hours that still cover every booking (narrower or wider), cancelling nothing", async () => {
    const offering = await publish(provider, computeBody({ weekly_hours: WEEKDAYS_9_TO_18 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00") });
    const narrower = await provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: { "2": [[10, 12]], "4": [[8, 20]] } });
    expect(narrower.status, JSON.stringify(narrower.body)).toBe(200);
    expect(narrower.body.cancelled_bookings).toEqual([]);
    const always = await provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: null });
    expect(always.status).toBe(200);
    expect((await statusOf(b.id))?.status).toBe("confirmed");
  });

  it("a booking that has already ended is not in the way", async () => {
    const offering = await publish(provider, computeBody({ weekly_hours: WEEKDAYS_9_TO_18 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-02T14:00"), ends_at: cst("2026-03-02T16:00") });
    harness.clock.now = Date.parse(cst("2026-03-02T17:00"));
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: MORNINGS });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await statusOf(b.id))?.status).toBe("confirmed");
  });

  it("daily slots: hours that close a weekday a dataset booking covers put it in the way", async () => {
    const offering = await publish(provider, datasetBody({ unit: "seat_day", max_duration_units: 30, weekly_hours: null }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-04T00:00"), ends_at: cst("2026-03-09T00:00") });
    // Wednesday 4 to Sunday 8 March: closing the weekend closes two of its days.
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: WEEKDAYS_9_TO_18 });
    expectRefusal(res, 409, "hours_exclude_bookings");
    expect(res.body.error.details.bookings.map((x: { id: string }) => x.id)).toEqual([b.id]);
    expect(res.body.error.details.slots.map((s: { slot_start_at: string }) => s.slot_start_at)).toEqual(["2026-03-07T00:00:00.000+08:00", "2026-03-08T00:00:00.000+08:00"]);
    const weekdaysAndSaturdayAndSunday = await provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: { ...WEEKDAYS_9_TO_18, "6": [[0, 1]], "7": [[23, 24]] } });
    expect(weekdaysAndSaturdayAndSunday.status, JSON.stringify(weekdaysAndSaturdayAndSunday.body)).toBe(200);
  });

  it("with force, cancels exactly the bookings in the way as a forced maintenance does: units back, hold voided, the enterprise told", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ weekly_hours: WEEKDAYS_9_TO_18 }));
    const available = await voucherAvailableFen(harness, market.voucher.id);
    const kept = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-04T09:00"), ends_at: cst("2026-03-04T11:00") });
    const way = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-04T13:00"), ends_at: cst("2026-03-04T15:00"), voucher_id: market.voucher.id });
    expect(way.subsidy_fen).toBeGreaterThan(0);
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(available - way.subsidy_fen);

    const res = await market.provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: MORNINGS, force: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.offering.weekly_hours).toEqual(MORNINGS);
    expect(res.body.cancelled_bookings).toEqual([expect.objectContaining({ id: way.id, sme_name: await organisationName(harness, market.sme.org.id) })]);
    expect(await statusOf(way.id)).toEqual({ status: "cancelled", status_reason: HOURS_NOTICE });
    expect((await statusOf(kept.id))?.status).toBe("confirmed");
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(available);
    expect((await transfersOf(harness, way.id)).map((t) => t.kind)).toEqual(["pending", "void_pending"]);
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-04T09:00": 1, "2026-03-04T10:00": 1 });

    const inbox = await market.sme.client.get("/api/notifications?limit=100");
    expect(inbox.body.items.filter((n: { subject_id: string }) => n.subject_id === way.id).map((n: { kind: string; body_en: string }) => n.kind)).toContain("booking.cancelled");
    const history = await market.provider.client.get(`/api/bookings/${way.id}/history`);
    expect(history.body.items.at(-1)).toMatchObject({ action: "booking.cancelled_by_provider", status: "cancelled", reason: HOURS_NOTICE, actor_org_name: await organisationName(harness, market.provider.org.id) });
  });

  it("never cancels a booking already in use: force is refused and nothing changes", async () => {
    const offering = await publish(provider, computeBody({ weekly_hours: WEEKDAYS_9_TO_18 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-02T10:00"), ends_at: cst("2026-03-02T14:00") });
    harness.clock.now = Date.parse(cst("2026-03-02T10:30"));
    expect((await provider.client.post(`/api/bookings/${b.id}/start`, {})).status).toBe(200);
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { weekly_hours: MORNINGS, force: true });
    expectRefusal(res, 409, "bookings_in_progress");
    expect(await weeklyHoursOf(offering.id)).toEqual(WEEKDAYS_9_TO_18);
    expect((await statusOf(b.id))?.status).toBe("in_use");
  });
});

describe("the guard is the write, not the read", () => {
  it("an hours change planned before a booking is refused by the database when it commits after it", async () => {
    const offering = await publish(provider, computeBody({ weekly_hours: WEEKDAYS_9_TO_18 }));
    const [before] = await harness.store.all<Record<string, unknown>>(sql`SELECT * FROM offerings WHERE id = ${offering.id}`);
    const stale = await planOfferingChange(harness.store, before as never, { weekly_hours: MORNINGS, force: false } as never, harness.clock.now);
    expect(stale.cancelled).toEqual([]);
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-05T13:00"), ends_at: cst("2026-03-05T14:00") });
    await expect(harness.store.batch(stale.statements)).rejects.toSatisfy((error: unknown) => constraintViolation(error)?.name === "offerings.updated_at");
    expect(await weeklyHoursOf(offering.id)).toEqual(WEEKDAYS_9_TO_18);
    expect((await statusOf(b.id))?.status).toBe("confirmed");
    // The same plan commits once the booking is gone: the guard looks at booked slots, not at the plan's read.
    expect((await moneyPost(sme.client, `/api/bookings/${b.id}/cancel`, {})).status).toBe(200);
    await harness.store.batch(stale.statements);
    expect(await weeklyHoursOf(offering.id)).toEqual(MORNINGS);
  });
});

type Kind = "booking" | "hours";

/** Which request a batch belongs to, by its statements: the booking's INSERT, or the offering's UPDATE. */
function kindOf(statements: readonly SQLWrapper[]): Kind | null {
  const text = statements.map((s) => compile(s).sql).join(";\n");
  if (/insert into "bookings"/i.test(text)) return "booking";
  if (/update "offerings" set .*"weekly_hours_json"/i.test(text)) return "hours";
  return null;
}

/**
 * Runs a booking and an hours change with their first writes held until both have read, then
 * lets `first` commit before the other; re-tried writes pass straight through. Counts the guard
 * refusals by name.
 */
async function race(first: Kind, booking: () => Promise<ApiResponse>, hours: () => Promise<ApiResponse>) {
  const batch = harness.store.batch.bind(harness.store);
  const held = new Map<Kind, () => void>();
  const refusals: string[] = [];
  let bothRead: () => void = () => {};
  const gate = new Promise<void>((resolve) => (bothRead = resolve));
  let firstDone: () => void = () => {};
  const firstCommitted = new Promise<void>((resolve) => (firstDone = resolve));
  (harness.store as { batch: typeof batch }).batch = async (statements) => {
    const kind = kindOf(statements);
    const firstAttempt = kind !== null && !held.has(kind);
    if (firstAttempt) {
      held.set(kind, () => {});
      if (held.size === 2) bothRead();
      await gate;
      if (kind !== first) await firstCommitted;
    }
    try {
      return await batch(statements);
    } catch (error) {
      const name = constraintViolation(error)?.name;
      if (name) refusals.push(name);
      throw error;
    } finally {
      if (firstAttempt && kind === first) firstDone();
    }
  };
  try {
    const [b, h] = await Promise.all([booking(), hours()]);
    return { booking: b, hours: h, refusals };
  } finally {
    (harness.store as { batch: typeof batch }).batch = batch;
  }
}

describe("a booking racing an hours change", () => {
  const request = (offeringId: string) => () => book(sme.client, { offering_id: offeringId, quantity: 1, starts_at: cst("2026-03-05T14:00"), ends_at: cst("2026-03-05T16:00") }, idempotencyKey("race"));
  const change = (offeringId: string) => () => provider.client.patch(`/api/offerings/${offeringId}`, { weekly_hours: MORNINGS });

  it("the booking commits first: the change's own write refuses it, and the re-read names the booking", async () => {
    const offering = await publish(provider, computeBody({ weekly_hours: WEEKDAYS_9_TO_18 }));
    const outcome = await race("booking", request(offering.id), change(offering.id));
    expect(outcome.booking.status, JSON.stringify(outcome.booking.body)).toBe(201);
    expect(outcome.refusals).toEqual(["offerings.updated_at"]);
    expectRefusal(outcome.hours, 409, "hours_exclude_bookings");
    expect(outcome.hours.body.error.details.bookings.map((b: { id: string }) => b.id)).toEqual([outcome.booking.body.id]);
    expect(await weeklyHoursOf(offering.id)).toEqual(WEEKDAYS_9_TO_18);
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-05T14:00": 1, "2026-03-05T15:00": 1 });
  });

  it("the change commits first: the booking's write refuses it, and the re-read finds the hours closed", async () => {
    const offering = await publish(provider, computeBody({ weekly_hours: WEEKDAYS_9_TO_18 }));
    const outcome = await race("hours", request(offering.id), change(offering.id));
    expect(outcome.hours.status, JSON.stringify(outcome.hours.body)).toBe(200);
    expect(outcome.refusals).toEqual(["bookings.provider_org_id"]);
    expectRefusal(outcome.booking, 409, "outside_bookable_hours");
    expect(await weeklyHoursOf(offering.id)).toEqual(MORNINGS);
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
  });

  it("ten bookings racing one change: whichever way each went, no booking is left outside the hours", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 20, weekly_hours: WEEKDAYS_9_TO_18 }));
    const batch = harness.store.batch.bind(harness.store);
    (harness.store as { batch: typeof batch }).batch = async (statements) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return batch(statements);
    };
    let answers: ApiResponse[];
    try {
      answers = await Promise.all([
        ...Array.from({ length: 5 }, () => request(offering.id)()),
        change(offering.id)(),
        ...Array.from({ length: 5 }, () => request(offering.id)()),
      ]);
    } finally {
      (harness.store as { batch: typeof batch }).batch = batch;
    }
    const hours = answers[5] as ApiResponse;
    const bookings = answers.filter((_, i) => i !== 5);
    expect(bookings.every((a) => a.status === 201 || (a.status === 409 && a.body.error.code === "outside_bookable_hours")), JSON.stringify(bookings.map((a) => a.status))).toBe(true);
    const live = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM bookings WHERE offering_id = ${offering.id} AND status = 'confirmed'`);
    if (hours.status === 200) {
      // The change won: every booking still standing fits the new hours (none does: they start at 14:00).
      expect(Number(live[0]?.n)).toBe(0);
      expect(await bookedBySlot(harness, offering.id)).toEqual({});
    } else {
      expectRefusal(hours, 409, "hours_exclude_bookings");
      expect(Number(live[0]?.n)).toBe(bookings.filter((a) => a.status === 201).length);
      expect(await weeklyHoursOf(offering.id)).toEqual(WEEKDAYS_9_TO_18);
    }
  });
});

describe("the booking's history on the provider's side", () => {
  it("the provider of the booking reads its history by organisation names; another provider gets 404", async () => {
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-06T10:00"), ends_at: cst("2026-03-06T12:00") });
    expect((await provider.client.post(`/api/bookings/${b.id}/confirm`, {})).status).toBe(200);
    const moved = await moneyPost(sme.client, `/api/bookings/${b.id}/reschedule`, { starts_at: cst("2026-03-06T13:00"), ends_at: cst("2026-03-06T15:00") });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    const res = await provider.client.get(`/api/bookings/${b.id}/history`);
    expect(res.status).toBe(200);
    const [smeName, providerName] = [await organisationName(harness, sme.org.id), await organisationName(harness, provider.org.id)];
    expect(res.body.items.map((e: { action: string; actor_org_name: string }) => [e.action, e.actor_org_name])).toEqual([
      ["booking.requested", smeName],
      ["booking.confirmed", providerName],
      ["booking.rescheduled", smeName],
    ]);
    expect(res.body.items[2].change.from).toEqual({ starts_at: "2026-03-06T10:00:00.000+08:00", ends_at: "2026-03-06T12:00:00.000+08:00" });
    expect(JSON.stringify(res.body)).not.toContain(sme.org.id);
    expect(JSON.stringify(res.body)).not.toContain(provider.org.id);

    const other = await approvedProvider(harness, {}, [agency]);
    expect((await other.client.get(`/api/bookings/${b.id}/history`)).status).toBe(404);
  });
});
