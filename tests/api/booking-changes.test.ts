// Extending and rescheduling a booking (docs/booking-changes.md), on both drivers: re-quoted,
// the slots and the voucher hold changed in one atomic write, refused with nothing changed when
// capacity, the voucher or the timing does not allow it, seen by both parties in the history and
// their inboxes; races for the last free units and against a cancel; the .ics file.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { constraintViolation } from "../../src/db/constraints";
import type { ApiResponse, TestClient } from "../support/client";
import { createAgency, signUpSme } from "../support/fixtures";
import { createProgramme, idempotencyKey, issueVoucher, moneyPost } from "../support/programmes";
import { approvedProvider, booked, bookedBySlot, bookingScene, computeBody, datasetBody, cst, expectRefusal, publish, range, transfersOf, voucherAvailableFen, voucherMarket } from "../support/bookings";

const { harness, agency } = await bookingScene();
const market = await voucherMarket(harness, { agency });
const { sme, voucher, provider } = market;

const TUESDAY = "2026-03-03";
const at = (hour: string) => cst(`${TUESDAY}T${hour}`);
/** As the API answers instants: Beijing time with milliseconds. */
const shown = (hour: string) => `${TUESDAY}T${hour}:00.000+08:00`;

/** Everything a refused change must leave as it was. */
async function snapshot(bookingId: string, offeringId: string) {
  const [row] = await harness.store.all<Record<string, unknown>>(sql`SELECT * FROM bookings WHERE id = ${bookingId}`);
  const [events] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE subject_id = ${bookingId}`);
  return { row, events: Number(events?.n), slots: await bookedBySlot(harness, offeringId), transfers: await transfersOf(harness, bookingId), available: await voucherAvailableFen(harness, voucher.id) };
}

async function inboxKinds(client: TestClient, bookingId: string) {
  const res = await client.get("/api/notifications?limit=100");
  expect(res.status).toBe(200);
  return (res.body.items as { kind: string; subject_id: string; body_zh: string; body_en: string }[]).filter((n) => n.subject_id === bookingId);
}

describe("extending a booking", () => {
  it("extends a running booking: re-quoted, the added slots and the grown hold in one write, in both parties' history and the provider's inbox", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 4 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: voucher.id });
    expect(b.subsidy_fen).toBe(800); // 2 cards × 2 h × ¥10 × 20%
    harness.clock.now = Date.parse(at("11:00"));
    expect((await provider.client.post(`/api/bookings/${b.id}/start`, {})).status).toBe(200);
    const before = await voucherAvailableFen(harness, voucher.id);

    const quote = await sme.client.get(`/api/bookings/${b.id}/change-quote?kind=extend&ends_at=${encodeURIComponent(at("14:00"))}`);
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body).toMatchObject({ kind: "extend", copay_change_fen: 3_200, subsidy_change_fen: 800, quote: { gross_fen: 8_000, subsidy_fen: 1_600, copay_fen: 6_400, capacity: { available: true } } });

    const res = await moneyPost(sme.client, `/api/bookings/${b.id}/extend`, { ends_at: at("14:00"), max_copay_fen: 6_400 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "in_use", starts_at: shown("10:00"), ends_at: shown("14:00"), gross_fen: 8_000, subsidy_fen: 1_600, copay_fen: 6_400 });
    expect(await bookedBySlot(harness, offering.id)).toEqual({ [`${TUESDAY}T10:00`]: 2, [`${TUESDAY}T11:00`]: 2, [`${TUESDAY}T12:00`]: 2, [`${TUESDAY}T13:00`]: 2 });
    expect(await voucherAvailableFen(harness, voucher.id)).toBe(before - 800);
    const transfers = await transfersOf(harness, b.id);
    expect(transfers.map((t) => [t.kind, t.amount_fen])).toEqual(expect.arrayContaining([["pending", 800], ["void_pending", 800], ["pending", 1_600]]));
    expect(res.body.hold_transfer_id).not.toBe(b.hold_transfer_id);

    for (const party of [sme, provider]) {
      const history = await party.client.get(`/api/bookings/${b.id}/history`);
      expect(history.status).toBe(200);
      expect(history.body.items.map((e: { action: string }) => e.action)).toEqual(["booking.confirmed", "booking.in_use", "booking.extended"]);
      expect(history.body.items[2]).toMatchObject({ actor_org_name: expect.any(String), change: { from: { ends_at: shown("12:00") }, to: { ends_at: shown("14:00") }, gross_fen: 8_000, subsidy_fen: 1_600 } });
    }
    const told = await inboxKinds(provider.client, b.id);
    expect(told.map((n) => n.kind)).toContain("booking.extended");
    expect(told.find((n) => n.kind === "booking.extended")?.body_zh).toContain("延长了预约");
    // The SME's own person made the change and is not told of it.
    expect((await inboxKinds(sme.client, b.id)).map((n) => n.kind)).not.toContain("booking.extended");
  });

  it("is refused with nothing changed when the added slots are full, the co-pay exceeds the limit, or the voucher ends first", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 2 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: voucher.id });
    const other = await signUpSme(harness);
    await booked(other.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T12:00`, `${TUESDAY}T13:00`) });
    const was = await snapshot(b.id, offering.id);

    expectRefusal(await moneyPost(sme.client, `/api/bookings/${b.id}/extend`, { ends_at: at("13:00") }), 409, "slot_full");
    const full = await sme.client.get(`/api/bookings/${b.id}/change-quote?kind=extend&ends_at=${encodeURIComponent(at("13:00"))}`);
    expect(full.body.quote.capacity).toMatchObject({ available: false, problem: "slot_full", free_units: 1 });
    expectRefusal(await moneyPost(sme.client, `/api/bookings/${b.id}/extend`, { ends_at: at("11:00") }), 422, "not_an_extension");
    expectRefusal(await moneyPost(sme.client, `/api/bookings/${b.id}/extend`, { ends_at: cst("2027-06-01T10:00") }), 422, "duration_out_of_bounds");
    expect(await snapshot(b.id, offering.id)).toEqual(was);

    // A voucher that expires before the new end: validity refuses it.
    const short = await voucherMarket(harness, { agency, rules: { validity: { kind: "days_from_issue", days: 2 } } });
    const o2 = await publish(short.provider, computeBody());
    const b2 = await booked(short.sme.client, { offering_id: o2.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: short.voucher.id });
    expectRefusal(await moneyPost(short.sme.client, `/api/bookings/${b2.id}/extend`, { ends_at: cst("2026-03-05T12:00") }), 409, "voucher_expires_before_end");

    // Ended bookings, and other organisations, cannot extend.
    harness.clock.now = Date.parse(at("12:00"));
    expectRefusal(await moneyPost(sme.client, `/api/bookings/${b.id}/extend`, { ends_at: at("14:00") }), 409, "booking_ended");
    expect((await moneyPost(other.client, `/api/bookings/${b.id}/extend`, { ends_at: at("14:00") })).status).toBe(404);
    expect((await moneyPost(provider.client, `/api/bookings/${b.id}/extend`, { ends_at: at("14:00") })).status).toBe(403);
  });

  it("holds no more than the voucher has: the subsidy is re-quoted against the balance plus the booking's own hold", async () => {
    const small = await voucherMarket(harness, { agency, face_fen: 1_000 });
    const offering = await publish(small.provider, computeBody());
    const b = await booked(small.sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: small.voucher.id });
    expect(b.subsidy_fen).toBe(400);
    const was = await snapshot(b.id, offering.id);
    expectRefusal(await moneyPost(small.sme.client, `/api/bookings/${b.id}/extend`, { ends_at: at("18:00"), max_copay_fen: 6_999 }), 409, "quote_changed");
    expect(await snapshot(b.id, offering.id)).toEqual(was);
    const res = await moneyPost(small.sme.client, `/api/bookings/${b.id}/extend`, { ends_at: at("18:00") });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // 8 h × ¥10 × 20% = ¥16, but the voucher holds ¥10 in all: the new hold is all of it.
    expect(res.body).toMatchObject({ gross_fen: 8_000, subsidy_fen: 1_000, copay_fen: 7_000 });
    expect(res.body.quote.subsidy.binding_limit).toBe("voucher_balance");
    expect(await voucherAvailableFen(harness, small.voucher.id)).toBe(0);
  });
});

describe("rescheduling a booking", () => {
  it("moves a booking that has not started: old slots released and new taken together, re-quoted, hold adjusted", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 4, cancellation_notice_minutes: 120 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: voucher.id });
    const res = await moneyPost(sme.client, `/api/bookings/${b.id}/reschedule`, { starts_at: at("11:00"), ends_at: at("14:00") });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "confirmed", starts_at: shown("11:00"), ends_at: shown("14:00"), gross_fen: 3_000, subsidy_fen: 600 });
    expect(await bookedBySlot(harness, offering.id)).toEqual({ [`${TUESDAY}T11:00`]: 1, [`${TUESDAY}T12:00`]: 1, [`${TUESDAY}T13:00`]: 1 });
    const history = await provider.client.get(`/api/bookings/${b.id}/history`);
    expect(history.body.items.at(-1)).toMatchObject({ action: "booking.rescheduled", change: { from: { starts_at: shown("10:00") }, to: { starts_at: shown("11:00"), ends_at: shown("14:00") } } });
    expect((await inboxKinds(provider.client, b.id)).map((n) => n.kind)).toContain("booking.rescheduled");

    // A shorter range gives part of the hold back.
    const shorter = await moneyPost(sme.client, `/api/bookings/${b.id}/reschedule`, { starts_at: at("15:00"), ends_at: at("16:00") });
    expect(shorter.body).toMatchObject({ gross_fen: 1_000, subsidy_fen: 200 });
    expect(await bookedBySlot(harness, offering.id)).toEqual({ [`${TUESDAY}T15:00`]: 1 });
  });

  it("respects the cancellation notice and the state: too late, already in use, or the same range are refused with nothing changed", async () => {
    const offering = await publish(provider, computeBody({ cancellation_notice_minutes: 180 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: voucher.id });
    expectRefusal(await moneyPost(sme.client, `/api/bookings/${b.id}/reschedule`, range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`)), 422, "no_change");
    harness.clock.now = Date.parse(at("07:30"));
    const was = await snapshot(b.id, offering.id);
    const late = await moneyPost(sme.client, `/api/bookings/${b.id}/reschedule`, range(`${TUESDAY}T14:00`, `${TUESDAY}T16:00`));
    expectRefusal(late, 409, "change_too_late");
    expect(late.body.error.details).toMatchObject({ changeable_until: shown("07:00"), cancellation_notice_minutes: 180 });
    harness.clock.now = Date.parse(at("10:30"));
    expect((await provider.client.post(`/api/bookings/${b.id}/start`, {})).status).toBe(200);
    expectRefusal(await moneyPost(sme.client, `/api/bookings/${b.id}/reschedule`, range(`${TUESDAY}T14:00`, `${TUESDAY}T16:00`)), 409, "invalid_transition");
    const now = await snapshot(b.id, offering.id);
    expect({ ...now, row: { ...now.row, status: was.row?.status, updated_at: was.row?.updated_at }, events: was.events }).toEqual(was);
  });
});

/** Runs `requests` with every batch yielding first, so each request's read goes stale before its write; counts the guards that fired. */
async function interleaved(requests: (() => Promise<ApiResponse>)[]) {
  const batch = harness.store.batch.bind(harness.store);
  const guards: string[] = [];
  (harness.store as { batch: typeof batch }).batch = async (statements) => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      return await batch(statements);
    } catch (error) {
      const v = constraintViolation(error);
      if (v) guards.push(v.name);
      throw error;
    }
  };
  try {
    return { answers: await Promise.all(requests.map((r) => r())), guards };
  } finally {
    (harness.store as { batch: typeof batch }).batch = batch;
  }
}

describe("races", () => {
  it("two extensions into the last free unit: exactly one wins, the other is a 409 slot_full", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 3 }));
    const other = await signUpSme(harness);
    const { voucher: v2 } = await issueVoucher(agency, other, market.programme.id, 1_000_000);
    const a = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: voucher.id });
    const b = await booked(other.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: v2.id });
    await booked(other.client, { offering_id: offering.id, quantity: 2, ...range(`${TUESDAY}T12:00`, `${TUESDAY}T13:00`) });
    const { answers, guards } = await interleaved([
      () => moneyPost(sme.client, `/api/bookings/${a.id}/extend`, { ends_at: at("13:00") }, idempotencyKey("race")),
      () => moneyPost(other.client, `/api/bookings/${b.id}/extend`, { ends_at: at("13:00") }, idempotencyKey("race")),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expectRefusal(answers.find((r) => r.status === 409) as ApiResponse, 409, "slot_full");
    expect(guards, "the database guard decided it").toContain("slot_capacity_exceeded");
    expect((await bookedBySlot(harness, offering.id))[`${TUESDAY}T12:00`]).toBe(3);
  });

  it("two reschedules into the last free unit: exactly one wins, the loser keeps its slots and hold", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 2 }));
    const other = await signUpSme(harness);
    const a = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T09:00`, `${TUESDAY}T10:00`), voucher_id: voucher.id });
    const b = await booked(other.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T11:00`, `${TUESDAY}T12:00`) });
    await booked(other.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T15:00`, `${TUESDAY}T16:00`) });
    const { answers, guards } = await interleaved([
      () => moneyPost(sme.client, `/api/bookings/${a.id}/reschedule`, range(`${TUESDAY}T15:00`, `${TUESDAY}T16:00`), idempotencyKey("race")),
      () => moneyPost(other.client, `/api/bookings/${b.id}/reschedule`, range(`${TUESDAY}T15:00`, `${TUESDAY}T16:00`), idempotencyKey("race")),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expectRefusal(answers.find((r) => r.status === 409) as ApiResponse, 409, "slot_full");
    expect(guards).toContain("slot_capacity_exceeded");
    const slots = await bookedBySlot(harness, offering.id);
    expect(slots[`${TUESDAY}T15:00`]).toBe(2);
    // The loser's old slot is still held: nothing of its change was written.
    expect((slots[`${TUESDAY}T09:00`] ?? 0) + (slots[`${TUESDAY}T11:00`] ?? 0)).toBe(1);
  });

  it("an extension racing a cancel: the cancel's release and the extension's hold never both land on a stale read", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 2 }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`), voucher_id: voucher.id });
    const { answers, guards } = await interleaved([
      () => moneyPost(sme.client, `/api/bookings/${b.id}/extend`, { ends_at: at("14:00") }, idempotencyKey("race")),
      () => moneyPost(sme.client, `/api/bookings/${b.id}/cancel`, {}, idempotencyKey("race")),
    ]);
    const [extension, cancel] = answers as [ApiResponse, ApiResponse];
    // Both read the booking before either wrote; the second write's guard failed and it re-read.
    expect(guards.some((g) => g === "bookings.status" || g === "ledger_transfers.pending_id")).toBe(true);
    expect(cancel.status).toBe(200);
    const [row] = await harness.store.all<{ status: string; ends_at: number }>(sql`SELECT status, ends_at FROM bookings WHERE id = ${b.id}`);
    expect(row?.status).toBe("cancelled");
    if (extension.status === 200) {
      // The extension won; the cancel re-read the extended booking and released all of it.
      expect(row?.ends_at).toBe(Date.parse(at("14:00")));
    } else {
      expectRefusal(extension, 409, "invalid_transition");
      expect(row?.ends_at).toBe(Date.parse(at("12:00")));
    }
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
    const live = (await transfersOf(harness, b.id)).filter((t) => t.kind === "pending").length;
    const voided = (await transfersOf(harness, b.id)).filter((t) => t.kind === "void_pending").length;
    expect(voided).toBe(live);
  });
});

describe("the booking as a calendar file", () => {
  it("gives both parties an RFC 5545 file: CRLF, UID, UTC times, named summary, folded lines; others get 404", async () => {
    const offering = await publish(provider, computeBody({ name: `昇腾910B 训练集群，含分号; 和逗号 Ascend, long name ${"很长".repeat(20)}` }));
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`) });
    for (const party of [sme, provider]) {
      const res = await party.client.getBytes(`/api/bookings/${b.id}/calendar.ics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
      const text = new TextDecoder().decode(res.body);
      expect(text.endsWith("\r\n")).toBe(true);
      expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
      const lines = text.split("\r\n").slice(0, -1);
      expect(lines.every((l) => new TextEncoder().encode(l).length <= 75)).toBe(true);
      const unfolded = text.replace(/\r\n /g, "");
      expect(unfolded).toContain(`UID:${b.id}@`);
      expect(unfolded).toContain("DTSTART:20260303T020000Z\r\n");
      expect(unfolded).toContain("DTEND:20260303T040000Z\r\n");
      expect(unfolded).toMatch(/DTSTAMP:\d{8}T\d{6}Z\r\n/);
      expect(unfolded).toContain("SUMMARY:昇腾910B 训练集群，含分号\\; 和逗号 Ascend\\, long name");
      const providerName = (await provider.client.get(`/api/bookings/${b.id}`)).body.provider_name;
      expect(unfolded).toContain(` × 2 — ${providerName.replace(/,/g, "\\,").replace(/;/g, "\\;")}\r\n`);
    }
    const stranger = await signUpSme(harness);
    expect((await stranger.client.getBytes(`/api/bookings/${b.id}/calendar.ics`)).status).toBe(404);
  });

  /** The one VEVENT's properties, unfolded, by name. */
  async function calendarEvent(client: TestClient, bookingId: string) {
    const res = await client.getBytes(`/api/bookings/${bookingId}/calendar.ics`);
    expect(res.status).toBe(200);
    const lines = new TextDecoder().decode(res.body).replace(/\r\n /g, "").split("\r\n");
    const event = lines.slice(lines.indexOf("BEGIN:VEVENT") + 1, lines.indexOf("END:VEVENT"));
    return Object.fromEntries(event.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
  }

  it("a cancelled booking's file is the same event (same UID and times) with STATUS:CANCELLED and a higher SEQUENCE, so an imported copy is replaced", async () => {
    const offering = await publish(provider, computeBody());
    const b = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T14:00`, `${TUESDAY}T16:00`) });
    const live = await calendarEvent(sme.client, b.id);
    expect(live).toMatchObject({ STATUS: "CONFIRMED", DTSTART: "20260303T060000Z", DTEND: "20260303T080000Z" });
    expect(live.SUMMARY).not.toContain("Cancelled");
    expect((await moneyPost(sme.client, `/api/bookings/${b.id}/cancel`, { reason: "计划变更 Plans changed" })).body.status).toBe("cancelled");
    for (const party of [sme, provider]) {
      const dead = await calendarEvent(party.client, b.id);
      expect(dead).toMatchObject({ UID: live.UID, STATUS: "CANCELLED", DTSTART: live.DTSTART, DTEND: live.DTEND });
      expect(Number(dead.SEQUENCE)).toBeGreaterThan(Number(live.SEQUENCE));
      expect(dead.SUMMARY).toBe(`已取消 Cancelled: ${live.SUMMARY}`);
    }
  });

  it("a request is TENTATIVE, its confirmation a new CONFIRMED version, and a refused or lapsed request CANCELLED", async () => {
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const confirmed = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T10:00`, `${TUESDAY}T12:00`) });
    const requested = await calendarEvent(sme.client, confirmed.id);
    expect(requested).toMatchObject({ STATUS: "TENTATIVE", SEQUENCE: "0" });
    expect((await provider.client.post(`/api/bookings/${confirmed.id}/confirm`, {})).body.status).toBe("confirmed");
    expect(await calendarEvent(sme.client, confirmed.id)).toMatchObject({ UID: requested.UID, STATUS: "CONFIRMED", SEQUENCE: "1" });
    // Asking twice gives the same version: SEQUENCE counts changes, not downloads.
    expect(await calendarEvent(provider.client, confirmed.id)).toMatchObject({ STATUS: "CONFIRMED", SEQUENCE: "1" });

    const refused = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range(`${TUESDAY}T13:00`, `${TUESDAY}T14:00`) });
    expect((await moneyPost(provider.client, `/api/bookings/${refused.id}/reject`, { reason: "检修 Maintenance" })).body.status).toBe("rejected");
    expect(await calendarEvent(sme.client, refused.id)).toMatchObject({ STATUS: "CANCELLED", SEQUENCE: "1" });
  });
});

describe("offerings my voucher covers", () => {
  it("narrows the catalogue to what the voucher could subsidise: category, region, the agency's approval; another's voucher is not found", async () => {
    const computeOnly = await voucherMarket(harness, { agency });
    const narrow = await createProgrammeFor(["dataset"], ["11"]);
    const covered = await publish(computeOnly.provider, computeBody());
    // Approved by another agency only: this programme's agency does not subsidise it.
    const unapproved = await approvedProvider(harness, {}, [await createAgency(harness)]);
    const notApproved = await publish(unapproved, computeBody());
    const list = async (voucherId: string) => {
      const res = await computeOnly.sme.client.get(`/api/offerings?covered_by_voucher=${voucherId}&limit=100`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.items as { id: string }[]).map((o) => o.id);
    };
    const ids = await list(computeOnly.voucher.id);
    expect(ids).toContain(covered.id);
    expect(ids).not.toContain(notApproved.id);
    // A dataset-only programme covers the provider's dataset, not its compute.
    const dataset = await publish(computeOnly.provider, datasetBody());
    const { voucher: datasetVoucher } = await issueVoucher(agency, computeOnly.sme, narrow.id, 100_000);
    const datasetIds = await list(datasetVoucher.id);
    expect(datasetIds).toContain(dataset.id);
    expect(datasetIds).not.toContain(covered.id);
    expect((await sme.client.get(`/api/offerings?covered_by_voucher=${computeOnly.voucher.id}`)).status).toBe(404);
  });
});

async function createProgrammeFor(categories: string[], regions: string[]) {
  return createProgramme(harness, agency, { rules: { eligible_categories: categories as never, eligible_region_prefixes: regions } });
}
