// Races, on both drivers: many requests at once for the last units of one offering, and many
// releases of one booking. The database write is the only guard; these prove it holds.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { accountIds } from "../../src/db/accounts";
import { constraintViolation } from "../../src/db/constraints";
import { lapseOverdueBookings } from "../../src/services/booking-lapse";
import { releaseSlots, reserveSlots } from "../../src/services/capacity";
import type { ApiResponse } from "../support/client";
import { createAgency, signUpSme, type SignedIn } from "../support/fixtures";
import { createProgramme, expectLedgerConsistent, idempotencyKey, issueVoucher, moneyPost } from "../support/programmes";
import { approvedProvider, booked, bookedBySlot, computeBody, cst, MONDAY_8AM, publish, slotCounters, transfersOf } from "../support/bookings";

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;
const agency = await createAgency(harness);
const programme = await createProgramme(harness, agency);
const provider = await approvedProvider(harness, {}, [agency]);

const CONCURRENT_BOOKINGS = 200;
const CAPACITY = 10;
const PREBOOKED = 7;

async function smeWithVoucher(): Promise<SignedIn & { voucher_id: string }> {
  const sme = await signUpSme(harness);
  const { voucher } = await issueVoucher(agency, sme, programme.id, 1_000_000);
  return { ...sme, voucher_id: voucher.id };
}

/** Request i: a start in 10:00–13:00, one or two hours (never past 14:00), one or two units, every other with a voucher. */
function request(i: number, offeringId: string, sme: { voucher_id: string }) {
  const startHour = 10 + (i % 4);
  const endHour = Math.min(14, startHour + 1 + (Math.floor(i / 4) % 2));
  const body = {
    offering_id: offeringId,
    quantity: 1 + (Math.floor(i / 8) % 2),
    starts_at: cst(`2026-03-03T${startHour}:00`),
    ends_at: cst(`2026-03-03T${endHour}:00`),
    ...(i % 2 === 0 ? { voucher_id: sme.voucher_id } : {}),
  };
  return body;
}

describe("a race for the last units", () => {
  it(`${CONCURRENT_BOOKINGS} concurrent bookings never overfill a slot; every refusal is a 409 with a reason; the ledger balances`, async () => {
    const smes = [await smeWithVoucher(), await smeWithVoucher(), await smeWithVoucher(), await smeWithVoucher()];
    const offering = await publish(provider, computeBody({ capacity_units: CAPACITY }));
    for (let i = 0; i < PREBOOKED; i++) {
      await booked(smes[0]!.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T14:00") });
    }

    // Each write first yields to the other requests, as under a busy server's I/O, so reads go
    // stale before their writes; count the batches the capacity CHECK then refused.
    const batch = harness.store.batch.bind(harness.store);
    let guardRefusals = 0;
    (harness.store as { batch: typeof batch }).batch = async (statements) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      try {
        return await batch(statements);
      } catch (error) {
        if (constraintViolation(error)?.name === "slot_capacity_exceeded") guardRefusals += 1;
        throw error;
      }
    };
    const bodies = Array.from({ length: CONCURRENT_BOOKINGS }, (_, i) => ({ sme: smes[i % smes.length]!, body: request(i, offering.id, smes[i % smes.length]!) }));
    const started = Date.now();
    const answers: ApiResponse[] = await Promise.all(bodies.map(({ sme, body }) => moneyPost(sme.client, "/api/bookings", body, idempotencyKey("race"))));
    const elapsedMs = Date.now() - started;
    (harness.store as { batch: typeof batch }).batch = batch;

    const won = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.every((a) => a.status === 409), JSON.stringify(refused.find((a) => a.status !== 409)?.body)).toBe(true);
    expect(new Set(refused.map((a) => a.body.error.code))).toEqual(new Set(["slot_full"]));
    expect(refused.every((a) => /[\u4e00-\u9fff].*\/.*[A-Za-z]/.test(a.body.error.message))).toBe(true);
    expect(won.length).toBeGreaterThan(0);
    expect(guardRefusals, "the race should reach the database's guard").toBeGreaterThan(0);
    // A write the slot guard refused is answered at once (the guard's own 409), never re-read and
    // re-tried: under a burst a retry cost every loser its reads again. The others were refused
    // by their first read, before writing anything.
    const justTaken = refused.filter((a) => /just taken/.test(a.body.error.message));
    expect(justTaken.length).toBe(guardRefusals);

    // No slot over capacity, and each of the four hours ends exactly full: a one-hour, one-unit
    // request for every hour was refused only because its hour was full.
    const slots = await slotCounters(harness, offering.id);
    expect(slots.every((s) => s.booked_units <= s.capacity_units && s.capacity_units === CAPACITY)).toBe(true);
    expect(await bookedBySlot(harness, offering.id)).toEqual({
      "2026-03-03T10:00": CAPACITY,
      "2026-03-03T11:00": CAPACITY,
      "2026-03-03T12:00": CAPACITY,
      "2026-03-03T13:00": CAPACITY,
    });
    const wonUnitsPerHour = [10, 11, 12, 13].map((h) =>
      won.filter((a) => Date.parse(a.body.starts_at) <= Date.parse(cst(`2026-03-03T${h}:00`)) && Date.parse(a.body.ends_at) > Date.parse(cst(`2026-03-03T${h}:00`))).reduce((n, a) => n + a.body.quantity, 0),
    );
    expect(wonUnitsPerHour).toEqual([CAPACITY - PREBOOKED, CAPACITY - PREBOOKED, CAPACITY - PREBOOKED, CAPACITY - PREBOOKED]);

    // Holds: exactly the winners' subsidies are pending on the four vouchers.
    const held = won.reduce((n, a) => n + a.body.subsidy_fen, 0);
    const [pending] = await harness.store.all<{ fen: number }>(
      sql`SELECT coalesce(sum(debits_pending_fen), 0) AS fen FROM ledger_accounts WHERE id IN (${sql.join(smes.map((s) => sql`${accountIds.voucher(s.voucher_id)}`), sql`, `)})`,
    );
    expect(Number(pending?.fen)).toBe(held);
    await expectLedgerConsistent(harness);
    console.info(`[${harness.driver}] race: ${CONCURRENT_BOOKINGS} concurrent bookings for ${CAPACITY - PREBOOKED} free units in 4 slots: ${won.length} booked, ${refused.length} refused (409 slot_full), ${guardRefusals} writes refused by the slot CHECK after a stale read, ${elapsedMs} ms`);
  });
});

describe("the guard is the write, not the read", () => {
  it("the database refuses a reservation that would overfill a slot, even when nothing read it first", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 2 }));
    const range = { offering_id: offering.id, starts_at: Date.parse(cst("2026-03-05T10:00")), ends_at: Date.parse(cst("2026-03-05T13:00")) };
    await harness.store.batch([reserveSlots({ ...range, quantity: 2 }, 60)]);
    const overfill = harness.store.batch([reserveSlots({ ...range, starts_at: Date.parse(cst("2026-03-05T12:00")), ends_at: Date.parse(cst("2026-03-05T14:00")), quantity: 1 }, 60)]);
    await expect(overfill).rejects.toSatisfy((error: unknown) => constraintViolation(error)?.name === "slot_capacity_exceeded");
    // All or nothing: the free 13:00 slot of the refused statement was not taken either.
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-05T10:00": 2, "2026-03-05T11:00": 2, "2026-03-05T12:00": 2 });
    await harness.store.batch([releaseSlots({ ...range, quantity: 2 })]);
  });
});

describe("racing releases", () => {
  it("twenty concurrent cancels and a lapse sweep release a booking once", async () => {
    const sme = await smeWithVoucher();
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-04T10:00"), ends_at: cst("2026-03-04T12:00"), voucher_id: sme.voucher_id });
    harness.clock.now = MONDAY_8AM + 25 * 3_600_000;
    const [answers, swept] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => moneyPost(sme.client, `/api/bookings/${booking.id}/cancel`, {}))),
      lapseOverdueBookings(harness.store, harness.clock.now),
    ]);
    const released = answers.filter((a) => a.status === 200).length + swept.lapsed;
    expect(released).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const voids = (await transfersOf(harness, booking.id)).filter((t) => t.kind === "void_pending");
    expect(voids).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200).length + (swept.lapsed > 0 && voids[0]!.code === "lapse" ? 1 : 0)).toBe(1);
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
    await expectLedgerConsistent(harness);
  });
});
