// Usage accounting and settlement on actual usage (据实结算): providers report usage by event id,
// counted once however often it is replayed; delivery settles the voucher hold on the metered
// gross; the SME confirms or disputes; the agency resolves by reversal. The ledger is verified
// after every test (bookingScene).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accountIds } from "../../src/db/accounts";
import { DAY_MS } from "../../src/lib/time";
import { sweepDeliveries } from "../../src/services/delivery-sweep";
import { createAgency } from "../support/fixtures";
import { moneyPost } from "../support/programmes";
import { booked, bookingScene, computeBody, cst, expectRefusal, publish, range, transfersOf, voucherAvailableFen, voucherMarket } from "../support/bookings";
import { importFile, meteredMilli, postUsage, reportUsage, usageEvent } from "../support/usage";

const { harness, agency, provider } = await bookingScene();

/** A booking of 2 cards for 10:00–15:00 on Tuesday 3 March (10 card-hours, 10,000 fen), with a 20% voucher. */
async function meteredBooking(options: { rules?: Record<string, unknown> } = {}) {
  const market = await voucherMarket(harness, { agency, rules: options.rules });
  const offering = await publish(market.provider, computeBody({ capacity_units: 4 }));
  const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id });
  return { ...market, offering, booking, p: market.provider.client };
}

describe("reporting usage", () => {
  it("counts an event id once: the same payload again is a duplicate, a different payload is refused", async () => {
    const { booking, p } = await meteredBooking();
    harness.clock.now = Date.parse(cst("2026-03-03T12:00"));
    const event = usageEvent({ event_id: "job-1", booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T11:00", quantity_milli: 1_500 });
    const first = await p.post("/api/usage", { events: [event] });
    expect(first.body).toMatchObject({ accepted: 1, duplicate: 0, refused: 0 });
    const replay = await p.post("/api/usage", { events: [event, event] });
    expect(replay.body).toMatchObject({ accepted: 0, duplicate: 2, refused: 0 });
    const reused = await p.post("/api/usage", { events: [{ ...event, quantity_milli: 1_600 }] });
    expect(reused.body.results).toEqual([{ event_id: "job-1", result: "refused", code: "event_id_reused", message: expect.stringMatching(/[\u4e00-\u9fff].*\/.*[A-Za-z]/) }]);
    expect(await meteredMilli(harness, booking.id)).toBe(1_500);
  });

  it("counts 50 concurrent identical batches once", async () => {
    const { booking, p } = await meteredBooking();
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    const events = [0, 1, 2, 3, 4].map((h) => usageEvent({ event_id: `hour-${h}`, booking_id: booking.id, from: `2026-03-03T1${h}:00`, to: `2026-03-03T1${h + 1}:00`, quantity_milli: 2_000 }));
    const answers = await Promise.all(Array.from({ length: 50 }, () => p.post("/api/usage", { events })));
    expect(answers.map((a) => a.status).every((s) => s === 200)).toBe(true);
    expect(answers.reduce((n, a) => n + a.body.accepted, 0)).toBe(5);
    expect(answers.reduce((n, a) => n + a.body.duplicate, 0)).toBe(49 * 5);
    expect(await meteredMilli(harness, booking.id)).toBe(10_000);
    const [count] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM usage_events WHERE booking_id = ${booking.id}`);
    expect(Number(count?.n)).toBe(5);
  });

  it("refuses more than booked, more than the offering's capacity, outside the window, before the start, and others' bookings", async () => {
    const { booking, p } = await meteredBooking();
    const early = await postUsage(p, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T11:00", quantity_milli: 1_000 }]);
    expect(early.body.results[0]).toMatchObject({ result: "refused", code: "booking_not_started" });
    harness.clock.now = Date.parse(cst("2026-03-03T16:00"));
    const res = await postUsage(p, [
      { booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T11:00", quantity_milli: 4_001 },
      { booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T11:00", quantity_milli: 2_001 },
      { booking_id: booking.id, from: "2026-03-03T09:00", to: "2026-03-03T11:00", quantity_milli: 1_000 },
      { booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 9_000 },
      { booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 1_001 },
    ]);
    expect(res.body.results.map((r: { code?: string; result: string }) => r.code ?? r.result)).toEqual(["above_capacity", "above_booked", "period_outside_booking", "accepted", "above_booked"]);
    const stranger = await postUsage(provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T11:00", quantity_milli: 1 }]);
    expect(stranger.body.results[0]).toMatchObject({ result: "refused", code: "unknown_booking" });
    expect(await meteredMilli(harness, booking.id)).toBe(9_000);
  });

  it("takes corrections as negative events with a reason, never below zero", async () => {
    const { booking, p, sme: owner } = await meteredBooking();
    harness.clock.now = Date.parse(cst("2026-03-03T16:00"));
    await reportUsage(p, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: 3_000 }]);
    const res = await postUsage(p, [
      { booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: -500 },
      { booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: -3_001, reason: "重复计量 Double-counted" },
      { booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: -1_000, reason: "重复计量 Double-counted" },
    ]);
    expect(res.body.results.map((r: { code?: string; result: string }) => r.code ?? r.result)).toEqual(["correction_needs_reason", "below_zero", "accepted"]);
    expect(await meteredMilli(harness, booking.id)).toBe(2_000);
    const usage = await owner.client.get(`/api/bookings/${booking.id}/usage`);
    expect(usage.body).toMatchObject({ booked_milli: 10_000, metered_milli: 2_000, events: 2, days: [{ on: "2026-03-03", booked_milli: 10_000, metered_milli: 2_000, events: 2 }] });
  });

});

describe("importing usage files", () => {
  it("applies nothing from a CSV with bad rows and names every bad line; a good file (BOM, quotes) applies once however often uploaded", async () => {
    const { booking, p } = await meteredBooking();
    harness.clock.now = Date.parse(cst("2026-03-03T16:00"));
    const header = "event_id,booking_id,period_start,period_end,quantity,reason";
    const bad = [header, `c-1,${booking.id},2026-03-03T10:00:00,2026-03-03T11:00:00,1.5,`, `c-2,${booking.id},2026-03-03T11:00:00,2026-03-03T10:00:00,1,`, `c-3,${booking.id},2026-03-03T11:00,2026-03-03T12:00,1.2345,`, `c-4,${booking.id},2026-03-03T11:00,2026-03-03T12:00,3,`].join("\n");
    const refused = await importFile(p, bad);
    expectRefusal(refused, 422, "usage_file_invalid");
    expect(refused.body.error.details.bad_rows.map((r: { line: number }) => r.line)).toEqual([3, 4, 5]);
    expect(refused.body.error.details.bad_rows[2].reason).toContain("above_booked");
    expect(await meteredMilli(harness, booking.id)).toBeNull();

    const good = `\uFEFF${[header, `c-1,${booking.id},2026-03-03T10:00:00,2026-03-03T11:00:00,1.5,`, `c-2,${booking.id},2026-03-03T11:00:00+08:00,2026-03-03T12:00:00+08:00,2,"补报, late"`].join("\r\n")}\r\n`;
    const applied = await importFile(p, good);
    expect(applied.body).toMatchObject({ format: "csv", rows: 2, accepted: 2, duplicate: 0, chunks: 1 });
    const again = await importFile(p, good);
    expect(again.body).toMatchObject({ accepted: 0, duplicate: 2 });
    expect(await meteredMilli(harness, booking.id)).toBe(3_500);
  });

  it("counts each Slurm job allocation once (not its steps), skipping running and never-run jobs", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ capacity_units: 8 }));
    const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 8, ...range("2026-03-03T09:00", "2026-03-03T14:00"), voucher_id: market.voucher.id });
    const p = market.provider.client;
    expect((await p.post(`/api/bookings/${booking.id}/slurm-account`, { slurm_account: "qiming-bkg" })).body.slurm_account).toBe("qiming-bkg");
    harness.clock.now = Date.parse(cst("2026-03-03T14:00"));
    const sacct = [
      "JobID|Account|Start|End|ElapsedRaw|AllocTRES|State",
      "81234|qiming-bkg|2026-03-03T09:00:02|2026-03-03T13:00:02|14400|billing=64,cpu=64,gres/gpu=8,mem=512G,node=1|COMPLETED",
      "81234.batch|qiming-bkg|2026-03-03T09:00:02|2026-03-03T13:00:02|14400|cpu=64,gres/gpu=8,mem=512G,node=1|COMPLETED",
      "81234.extern|qiming-bkg|2026-03-03T09:00:02|2026-03-03T13:00:02|14400|billing=64,cpu=64,gres/gpu=8,mem=512G,node=1|COMPLETED",
      "81240|qiming-bkg|2026-03-03T13:05:00|Unknown|3600|billing=16,cpu=16,gres/gpu=2,gres/gpu:h800=2,node=1|RUNNING",
      "81241|qiming-bkg|None|2026-03-03T13:06:00|0||CANCELLED by 1001",
    ].join("\n");
    const res = await importFile(p, sacct);
    expect(res.body).toMatchObject({ format: "slurm", rows: 1, accepted: 1, steps_skipped: 2, skipped_count: 2 });
    expect(res.body.skipped.map((s: { line: number }) => s.line)).toEqual([5, 6]);
    expect(await meteredMilli(harness, booking.id)).toBe(32_000);
    expect((await importFile(p, sacct, "slurm")).body).toMatchObject({ accepted: 0, duplicate: 1 });
    const unknown = await importFile(p, sacct.replaceAll("qiming-bkg", "someone-else"));
    expectRefusal(unknown, 422, "usage_file_invalid");
  });

  it("takes a file over the 1 MiB request limit on the import route (up to 20 MB)", async () => {
    const { p } = await meteredBooking();
    const rows = Array.from({ length: 30_000 }, (_, i) => `long-event-id-${String(i).padStart(8, "0")},bkg_nonexistent,2026-03-03T10:00,2026-03-03T11:00,1,`);
    const body = ["event_id,booking_id,period_start,period_end,quantity,reason", ...rows].join("\n");
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const res = await importFile(p, body);
    expectRefusal(res, 422, "usage_file_invalid");
    expect(res.body.error.details).toMatchObject({ bad_row_count: 30_000 });
    expect(res.body.error.details.bad_rows).toHaveLength(200);
  });
});

describe("delivery on metered usage", () => {
  it("is refused before the start", async () => {
    const { booking, p } = await meteredBooking();
    expectRefusal(await moneyPost(p, `/api/bookings/${booking.id}/deliver`, {}), 409, "not_started_yet");
  });

  it("settles less when less was used: posts the subsidy on the metered gross and releases the rest to the voucher", async () => {
    const { booking, p, voucher, sme: owner } = await meteredBooking();
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await reportUsage(p, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T13:00", quantity_milli: 4_250 }]);
    const delivered = await moneyPost(p, `/api/bookings/${booking.id}/deliver`, {});
    expect(delivered.body).toMatchObject({ status: "delivered", gross_fen: 10_000, subsidy_fen: 2_000, delivered_quantity_milli: 4_250, delivered_gross_fen: 4_250, delivered_subsidy_fen: 850, delivered_copay_fen: 3_400, confirmation_state: "pending" });
    expect(await transfersOf(harness, booking.id)).toEqual([
      { id: `hold:${booking.id}`, kind: "pending", code: "hold", amount_fen: 2_000 },
      { id: `settle:${booking.id}`, kind: "post_pending", code: "deliver", amount_fen: 850 },
    ]);
    const v = (await owner.client.get(`/api/vouchers/${voucher.id}`)).body;
    expect(v.available_fen).toBe(1_000_000 - 850);
    expect(v.transfers.items.reduce((n: number, t: { signed_amount_fen: number }) => n + t.signed_amount_fen, 0)).toBe(v.available_fen);
    expect(v.transfers.items.find((t: { id: string }) => t.id === `settle:${booking.id}`)).toMatchObject({ signed_amount_fen: 1_150, released_fen: 1_150 });
    expect((await postUsage(p, [{ booking_id: booking.id, from: "2026-03-03T13:00", to: "2026-03-03T14:00", quantity_milli: 1_000 }])).body.results[0]).toMatchObject({ code: "booking_delivered" });
  });

  it("the sweep delivers an ended booking on its usage, delivers one with no usage at zero after 3 days, and silence confirms after the window", async () => {
    const used = await meteredBooking({ rules: { confirmation_days: 2 } });
    const silent = await booked(used.sme.client, { offering_id: used.offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T12:00"), voucher_id: used.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await reportUsage(used.p, [{ booking_id: used.booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 10_000 }]);
    // Counts include other tests' bookings on a shared database: assert on this test's own.
    expect((await sweepDeliveries(harness.store, harness.clock.now)).delivered).toBeGreaterThanOrEqual(1);
    expect((await used.sme.client.get(`/api/bookings/${used.booking.id}`)).body).toMatchObject({ status: "delivered", delivered_subsidy_fen: 2_000, confirmation_state: "pending" });
    expect((await used.sme.client.get(`/api/bookings/${silent.id}`)).body.status).toBe("confirmed");

    harness.clock.now = Date.parse(cst("2026-03-03T12:00")) + 3 * DAY_MS;
    await sweepDeliveries(harness.store, harness.clock.now);
    expect((await used.sme.client.get(`/api/bookings/${silent.id}`)).body).toMatchObject({ status: "delivered", delivered_gross_fen: 0, delivered_subsidy_fen: 0, status_reason: expect.stringContaining("No usage") });
    expect(await transfersOf(harness, silent.id)).toContainEqual({ id: `settle:${silent.id}`, kind: "post_pending", code: "deliver", amount_fen: 0 });
    expect((await used.sme.client.get(`/api/bookings/${used.booking.id}`)).body.confirmation_state).toBe("confirmed");
    const before = [await transfersOf(harness, used.booking.id), await transfersOf(harness, silent.id)];
    await sweepDeliveries(harness.store, harness.clock.now);
    expect([await transfersOf(harness, used.booking.id), await transfersOf(harness, silent.id)]).toEqual(before);
  });
});

describe("confirming and disputing a delivery", () => {
  async function deliveredBooking(meteredMilli = 10_000) {
    const m = await meteredBooking();
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await reportUsage(m.p, [{ booking_id: m.booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: meteredMilli }]);
    expect((await moneyPost(m.p, `/api/bookings/${m.booking.id}/deliver`, {})).body.delivered_subsidy_fen).toBe(meteredMilli / 5);
    return m;
  }

  it("the SME confirms; a second answer is refused", async () => {
    const m = await deliveredBooking();
    expect((await m.sme.client.post(`/api/bookings/${m.booking.id}/confirm-delivery`, {})).body.confirmation_state).toBe("confirmed");
    expectRefusal(await m.sme.client.post(`/api/bookings/${m.booking.id}/dispute`, { reason: "太迟 too late" }), 409, "not_awaiting_confirmation");
  });

  it("a dispute upheld corrects the usage and reverses the subsidy no longer owed to the voucher and the annual cap", async () => {
    const m = await deliveredBooking();
    expect((await m.sme.client.post(`/api/bookings/${m.booking.id}/dispute`, { reason: "只用了一半 We used half" })).body).toMatchObject({ confirmation_state: "disputed", dispute_reason: "只用了一半 We used half" });
    expect((await moneyPost(m.agency.admin.client, `/api/bookings/${m.booking.id}/resolve-dispute`, { decision: "uphold", note: "核实 checked" })).status).toBe(422);
    expectRefusal(await moneyPost(m.agency.admin.client, `/api/bookings/${m.booking.id}/resolve-dispute`, { decision: "uphold", corrected_quantity_milli: 10_001, note: "核实 checked" }), 422, "correction_above_metered");
    const upheld = await moneyPost(m.agency.reviewer.client, `/api/bookings/${m.booking.id}/resolve-dispute`, { decision: "uphold", corrected_quantity_milli: 5_000, note: "日志显示一半 Logs show half" });
    expect(upheld.body).toMatchObject({ confirmation_state: "confirmed", dispute_resolution: "upheld", delivered_quantity_milli: 5_000, delivered_gross_fen: 5_000, delivered_subsidy_fen: 1_000, delivered_copay_fen: 4_000 });
    expect(await transfersOf(harness, m.booking.id)).toContainEqual({ id: `reverse:${m.booking.id}`, kind: "posted", code: "dispute_reversal", amount_fen: 1_000 });
    expect(await voucherAvailableFen(harness, m.voucher.id)).toBe(1_000_000 - 1_000);
    expect(await meteredMilli(harness, m.booking.id)).toBe(5_000);
    const [counter] = await harness.store.all<{ subsidy_fen: number }>(sql`SELECT subsidy_fen FROM annual_subsidy WHERE sme_org_id = ${m.booking.sme_org_id} AND programme_id = ${m.programme.id}`);
    expect(Number(counter?.subsidy_fen)).toBe(1_000);
    const v = (await m.sme.client.get(`/api/vouchers/${m.voucher.id}`)).body;
    expect(v).toMatchObject({ spent_fen: 1_000, available_fen: 999_000 });
    expect(v.transfers.items.reduce((n: number, t: { signed_amount_fen: number }) => n + t.signed_amount_fen, 0)).toBe(999_000);
  });

  it("a dispute upheld after the voucher ended returns the subsidy to the programme's pool, not the voucher", async () => {
    const m = await deliveredBooking();
    await m.sme.client.post(`/api/bookings/${m.booking.id}/dispute`, { reason: "只用了一半 We used half" });
    expect((await moneyPost(m.agency.admin.client, `/api/vouchers/${m.voucher.id}/revoke`, { reason: "企业退出 Enterprise withdrew" })).body.status).toBe("revoked");
    const upheld = await moneyPost(m.agency.admin.client, `/api/bookings/${m.booking.id}/resolve-dispute`, { decision: "uphold", corrected_quantity_milli: 5_000, note: "核实 checked" });
    expect(upheld.body).toMatchObject({ dispute_resolution: "upheld", delivered_subsidy_fen: 1_000 });
    const [reversal] = await harness.store.all<{ credit_account_id: string; amount_fen: number }>(sql`SELECT credit_account_id, amount_fen FROM ledger_transfers WHERE id = ${`reverse:${m.booking.id}`}`);
    expect(reversal).toEqual({ credit_account_id: accountIds.programmePool(m.programme.id), amount_fen: 1_000 });
    expect(await voucherAvailableFen(harness, m.voucher.id)).toBe(0);
  });

  it("a dispute dismissed stands as delivered; another agency cannot resolve it, nor can the provider", async () => {
    const m = await deliveredBooking(8_000);
    await m.sme.client.post(`/api/bookings/${m.booking.id}/dispute`, { reason: "质量差 Poor service" });
    const other = await createAgency(harness);
    expect((await moneyPost(other.admin.client, `/api/bookings/${m.booking.id}/resolve-dispute`, { decision: "dismiss", note: "n/a" })).status).toBe(404);
    expect((await moneyPost(m.p, `/api/bookings/${m.booking.id}/resolve-dispute`, { decision: "dismiss", note: "n/a" })).status).toBe(403);
    const dismissed = await moneyPost(m.agency.admin.client, `/api/bookings/${m.booking.id}/resolve-dispute`, { decision: "dismiss", note: "用量有据 Usage is evidenced" });
    expect(dismissed.body).toMatchObject({ confirmation_state: "confirmed", dispute_resolution: "dismissed", delivered_subsidy_fen: 1_600 });
    expect(await transfersOf(harness, m.booking.id)).toHaveLength(2);
  });

  it("the window closes: a dispute after it is refused", async () => {
    const m = await deliveredBooking();
    harness.clock.now += 7 * DAY_MS + 1;
    expectRefusal(await m.sme.client.post(`/api/bookings/${m.booking.id}/dispute`, { reason: "迟到 late" }), 409, "confirmation_window_closed");
  });
});
