// Settlement end to end (DESIGN §4, SETTLEMENT.md), on both drivers: a full journey per
// settlement mode from the voucher application to payment with `verify` clean after every step;
// the claim deadline lapsing by the sweep; a provider suspended for faking usage; usage racing
// the delivery it would change. The ledger is also verified after every test (bookingScene).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { commitAs } from "../../src/db/atomic";
import { accountIds } from "../../src/db/accounts";
import { constraintViolation } from "../../src/db/constraints";
import { bookings as bookingsTable, type Booking } from "../../src/db/schema";
import { sweepLapsedClaims } from "../../src/services/claim-lapse";
import { deliverStatements } from "../../src/services/delivery";
import { runScheduled } from "../../src/services/scheduled";
import type { TestClient } from "../support/client";
import { newClient, signUpSme, uniqueSuffix } from "../support/fixtures";
import { createProgramme, expectLedgerConsistent, moneyPost } from "../support/programmes";
import { approvedProvider, booked, bookingScene, computeBody, cst, expectRefusal, publish, range, transfersOf, voucherAvailableFen, voucherMarket } from "../support/bookings";
import { meteredMilli, reportUsage } from "../support/usage";

const { harness, agency } = await bookingScene();

async function balance(accountId: string): Promise<number> {
  const [row] = await harness.store.all<{ b: number }>(sql`SELECT credits_posted_fen - debits_posted_fen AS b FROM ledger_accounts WHERE id = ${accountId}`);
  return Number(row?.b ?? 0);
}

const evidence = (bookingIds: string[]) => ({
  booking_ids: bookingIds,
  contract_no: `HT-${uniqueSuffix()}`,
  invoice_no: `FP-${uniqueSuffix()}`,
  invoice_amount_fen: 10_000 * bookingIds.length,
  delivery_certificate: "验收合格 Accepted on delivery",
});

/** Runs a step, then `verify`: the step's label names the break if there is one. */
async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
  const out = await run();
  const report = await expectLedgerConsistent(harness).catch((error: Error) => {
    throw new Error(`after "${label}": ${error.message}`);
  });
  expect(report.ok).toBe(true);
  return out;
}

const AFTER_NOTICE = Date.parse(cst("2026-03-11T09:00"));

describe("a full journey per settlement mode, verify clean after every step", () => {
  it.each(["tongdui", "tongyong"] as const)("%s: application → voucher → booking → usage → delivery → confirmation → claim → two reviews → notice → objection → payment", async (mode) => {
    const programme = await step("programme opened", () => createProgramme(harness, agency, { rules: { settlement_mode: mode, notice_days: 5, eligible_categories: ["compute"] } }));
    const sme = await step("SME signed up", () => signUpSme(harness));
    const applied = await step("SME applied", async () => {
      const r = await sme.client.post("/api/voucher-applications", { programme_id: programme.id, requested_fen: 1_000_000, purpose: "模型训练算力 Model training compute" });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    });
    const voucher = await step("application approved, voucher issued", async () => {
      const r = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.id}/approve`, {});
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.voucher;
    });
    const provider = await step("provider approved", () => approvedProvider(harness, {}, [agency]));
    const offering = await step("offering published", () => publish(provider, computeBody({ capacity_units: 4 })));
    const booking = await step("booked with the voucher", () => booked(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: voucher.id }));
    expect(booking).toMatchObject({ gross_fen: 10_000, subsidy_fen: 2_000, copay_fen: 8_000 });
    const owed = mode === "tongdui" ? provider : sme;
    const notOwed = mode === "tongdui" ? sme : provider;
    const payable = accountIds.payable(programme.id, owed.org.id);
    const [hold] = await harness.store.all<{ credit_account_id: string }>(sql`SELECT credit_account_id FROM ledger_transfers WHERE id = ${`hold:${booking.id}`}`);
    expect(hold?.credit_account_id).toBe(payable);

    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await step("usage reported (8 of 10 card-hours)", () => reportUsage(provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 8_000 }]));
    const delivered = await step("delivered on the metered usage", () => moneyPost(provider.client, `/api/bookings/${booking.id}/deliver`, {}));
    expect(delivered.body).toMatchObject({ status: "delivered", gross_fen: 10_000, subsidy_fen: 2_000, copay_fen: 8_000, delivered_gross_fen: 8_000, delivered_subsidy_fen: 1_600, delivered_copay_fen: 6_400 });
    expect(await balance(payable)).toBe(1_600);

    // The voucher's rows are signed and add up to its balance; the delivery row shows the release.
    const v = (await sme.client.get(`/api/vouchers/${voucher.id}`)).body;
    expect(v.available_fen).toBe(1_000_000 - 1_600);
    expect(v.transfers.items.reduce((n: number, t: { signed_amount_fen: number }) => n + t.signed_amount_fen, 0)).toBe(v.available_fen);
    expect(v.transfers.items.find((t: { id: string }) => t.id === `hold:${booking.id}`)).toMatchObject({ signed_amount_fen: -2_000 });
    expect(v.transfers.items.find((t: { id: string }) => t.id === `settle:${booking.id}`)).toMatchObject({ signed_amount_fen: 400, released_fen: 400 });

    await step("SME confirmed the delivery", async () => expect((await sme.client.post(`/api/bookings/${booking.id}/confirm-delivery`, {})).body.confirmation_state).toBe("confirmed"));
    expectRefusal(await notOwed.client.post("/api/claims", evidence([booking.id])), 409, "wrong_claimant");
    const claim = await step("claimed by whoever is owed", async () => {
      const r = await owed.client.post("/api/claims", evidence([booking.id]));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ settlement_mode: mode, claimant_org_id: owed.org.id, amount_fen: 1_600, gross_fen: 8_000 });
      return r.body;
    });
    await step("初审 reviewer approved", async () => expect((await agency.reviewer.client.post(`/api/claims/${claim.id}/review`, { decision: "approve" })).body.status).toBe("reviewed"));
    await step("复核 finance approved: on notice", async () => expect((await agency.finance.client.post(`/api/claims/${claim.id}/approve`, {})).body).toMatchObject({ status: "on_notice", notice_ends_on: "2026-03-10" }));

    const anyone = newClient(harness, { "X-Test-Client-Address": `2001:db8::${uniqueSuffix().toLowerCase()}` });
    const listed = await anyone.get(`/api/notices?q=${encodeURIComponent(programme.name)}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ claim_id: claim.id, subsidy_fen: 1_600, audit_seq: expect.any(Number) })]);
    // The notice names the audit event that put the claim on notice, for its inclusion proof.
    const [event] = await harness.store.all<{ action: string; subject_id: string }>(sql`SELECT action, subject_id FROM audit_events WHERE seq = ${listed.body.items[0].audit_seq}`);
    expect(event).toEqual({ action: "claim.on_notice", subject_id: claim.id });
    harness.clock.now = Date.parse(cst("2026-03-05T10:00"));
    const objection = await step("objection filed", async () => (await anyone.post(`/api/notices/${claim.id}/objections`, { name: "赵六", contact: "z@example.cn", reason: "怀疑未交付 Doubt it was delivered" })).body);
    harness.clock.now = AFTER_NOTICE;
    expectRefusal(await moneyPost(agency.finance.client, `/api/claims/${claim.id}/pay`, { payment_reference: "BANK-J" }), 409, "open_objection");
    await step("objection resolved", () => agency.reviewer.client.post(`/api/claims/${claim.id}/objections/${objection.id}/resolve`, { note: "核查属实 Checked" }));
    const paid = await step("paid", () => moneyPost(agency.finance.client, `/api/claims/${claim.id}/pay`, { payment_reference: "BANK-J" }));
    expect(paid.body).toMatchObject({ status: "paid", payment_reference: "BANK-J" });
    expect(await balance(payable)).toBe(0);
    expect(await balance(accountIds.paidOut(programme.id))).toBe(1_600);
    expect((await sme.client.get(`/api/bookings/${booking.id}`)).body.status).toBe("settled");
    expect((await sme.client.get(`/api/vouchers/${voucher.id}`)).body.available_fen).toBe(1_000_000 - 1_600);
  });
});

/** A delivered, confirmed booking (10,000 fen gross, 2,000 fen subsidy) of a fresh market. */
async function deliveredBooking(rules: Record<string, unknown> = {}) {
  const market = await voucherMarket(harness, { agency, rules: { notice_days: 5, ...rules } });
  const offering = await publish(market.provider, computeBody({ capacity_units: 4 }));
  const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id });
  harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
  await reportUsage(market.provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 10_000 }]);
  expect((await moneyPost(market.provider.client, `/api/bookings/${booking.id}/deliver`, {})).status).toBe(200);
  expect((await market.sme.client.post(`/api/bookings/${booking.id}/confirm-delivery`, {})).status).toBe(200);
  return { ...market, offering, booking };
}

describe("the claim deadline", () => {
  it("lapses by the sweep: the unclaimed subsidy goes back to the voucher and the annual cap, once; a claim after it is refused", async () => {
    const m = await deliveredBooking({ claim_deadline_days: 10 });
    const payable = accountIds.providerPayable(m.programme.id, m.provider.org.id);
    expect(await voucherAvailableFen(harness, m.voucher.id)).toBe(1_000_000 - 2_000);
    harness.clock.now = Date.parse(cst("2026-03-13T14:59"));
    await sweepLapsedClaims(harness.store, harness.clock.now);
    expect(await balance(payable)).toBe(2_000);
    harness.clock.now = Date.parse(cst("2026-03-13T15:01"));
    await runScheduled(harness.store, harness.clock.now);
    expect(await balance(payable)).toBe(0);
    expect(await voucherAvailableFen(harness, m.voucher.id)).toBe(1_000_000);
    const [counter] = await harness.store.all<{ s: number }>(sql`SELECT subsidy_fen AS s FROM annual_subsidy WHERE programme_id = ${m.programme.id} AND sme_org_id = ${m.sme.org.id}`);
    expect(Number(counter?.s)).toBe(0);
    expect(await transfersOf(harness, m.booking.id)).toContainEqual({ id: `claim-return:${m.booking.id}`, kind: "posted", code: "claim_reversal", amount_fen: 2_000 });
    expect((await m.sme.client.get(`/api/bookings/${m.booking.id}`)).body.status_reason).toContain("claim deadline");
    const again = await transfersOf(harness, m.booking.id);
    await sweepLapsedClaims(harness.store, harness.clock.now);
    expect(await transfersOf(harness, m.booking.id)).toEqual(again);
    expectRefusal(await m.provider.client.post("/api/claims", evidence([m.booking.id])), 409, "claim_deadline_passed");
  });

  it("returns the subsidy to the programme's pool when the voucher has ended", async () => {
    const m = await deliveredBooking({ claim_deadline_days: 10 });
    expect((await moneyPost(agency.admin.client, `/api/vouchers/${m.voucher.id}/revoke`, { reason: "企业注销 Enterprise dissolved" })).status).toBe(200);
    const pool = accountIds.programmePool(m.programme.id);
    const poolBefore = await balance(pool);
    harness.clock.now = Date.parse(cst("2026-03-13T15:01"));
    await sweepLapsedClaims(harness.store, harness.clock.now);
    expect(await balance(pool)).toBe(poolBefore + 2_000);
    expect(await balance(accountIds.providerPayable(m.programme.id, m.provider.org.id))).toBe(0);
  });

  it("a claim that committed first wins over the sweep, and the sweep leaves it alone", async () => {
    const m = await deliveredBooking({ claim_deadline_days: 10 });
    const claim = await m.provider.client.post("/api/claims", evidence([m.booking.id]));
    expect(claim.status).toBe(201);
    harness.clock.now = Date.parse(cst("2026-03-13T15:01"));
    await sweepLapsedClaims(harness.store, harness.clock.now);
    expect(await balance(accountIds.providerPayable(m.programme.id, m.provider.org.id))).toBe(2_000);
    expect(await transfersOf(harness, m.booking.id)).not.toContainEqual(expect.objectContaining({ code: "claim_reversal" }));
  });
});

describe("fraud: an agency suspends a provider found faking usage", () => {
  it("no new subsidised booking, its pending claims frozen (no review, approval or payment) until approved again; rejecting still works", async () => {
    const m = await deliveredBooking();
    const second = await booked(m.sme.client, { offering_id: m.offering.id, quantity: 1, ...range("2026-03-04T10:00", "2026-03-04T12:00"), voucher_id: m.voucher.id });
    const claim = (await m.provider.client.post("/api/claims", evidence([m.booking.id]))).body;
    expect((await agency.reviewer.client.post(`/api/claims/${claim.id}/review`, { decision: "approve" })).body.status).toBe("reviewed");
    expect((await agency.finance.client.post(`/api/claims/${claim.id}/approve`, {})).body.status).toBe("on_notice");
    expect((await agency.reviewer.client.post(`/api/providers/${m.provider.org.id}/suspend`, { reason: "虚报用量 Faked usage" })).status).toBe(200);

    const quote = await m.sme.client.post("/api/quotes", { offering_id: m.offering.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T12:00"), voucher_id: m.voucher.id });
    expect(quote.status, JSON.stringify(quote.body)).toBe(404);
    harness.clock.now = AFTER_NOTICE;
    expectRefusal(await moneyPost(agency.finance.client, `/api/claims/${claim.id}/pay`, { payment_reference: "BANK-F" }), 409, "provider_suspended");
    expect(await balance(accountIds.paidOut(m.programme.id))).toBe(0);
    // The existing second booking's delivery and claim stay frozen too.
    harness.clock.now = Date.parse(cst("2026-03-04T12:00"));
    await reportUsage(m.provider.client, [{ booking_id: second.id, from: "2026-03-04T10:00", to: "2026-03-04T12:00", quantity_milli: 2_000 }]);
    await moneyPost(m.provider.client, `/api/bookings/${second.id}/deliver`, {});
    await m.sme.client.post(`/api/bookings/${second.id}/confirm-delivery`, {});
    expectRefusal(await m.provider.client.post("/api/claims", evidence([second.id])), 409, "provider_suspended");

    // Frozen in the write too: a pay statement built before the suspension fails when it commits.
    expect((await agency.admin.client.post(`/api/providers/${m.provider.org.id}/approve`, {})).status).toBe(200);
    harness.clock.now = AFTER_NOTICE;
    const { payStatements } = await import("../../src/services/claim-moves");
    const [row] = await harness.store.all<Record<string, unknown>>(sql`SELECT * FROM claims WHERE id = ${claim.id}`);
    const actor = { user: { id: agency.finance.user.id }, org: { id: agency.org.id, kind: "agency" } } as never;
    const prepared = await payStatements(harness.store, row as never, actor, "BANK-RACE", harness.clock.now);
    expect((await agency.reviewer.client.post(`/api/providers/${m.provider.org.id}/suspend`, { reason: "再次 Again" })).status).toBe(200);
    const failed = await commitAs(harness.store, { at: harness.clock.now, request_id: "race", actor_user_id: null, actor_org_id: null }, prepared.statements, prepared.events).catch((e: unknown) => e);
    expect(constraintViolation(failed)).not.toBeNull();
    expect(await balance(accountIds.paidOut(m.programme.id))).toBe(0);

    const rejected = await moneyPost(agency.reviewer.client, `/api/claims/${claim.id}/reject`, { reason: "虚报用量 Faked usage" });
    expect(rejected.body.status).toBe("rejected");
    expect(await voucherAvailableFen(harness, m.voucher.id)).toBe(1_000_000 - (await balanceOfHold(second.id)));
  });
});

/** What the second booking still takes from the voucher (its settled subsidy). */
async function balanceOfHold(bookingId: string): Promise<number> {
  const [row] = await harness.store.all<{ s: number }>(sql`SELECT delivered_subsidy_fen AS s FROM bookings WHERE id = ${bookingId}`);
  return Number(row?.s ?? 0);
}

describe("usage racing the delivery", () => {
  it("never settles on a quantity other than the one recorded: a batch landing between the delivery's read and write fails the delivery, which settles on the new total when retried", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ capacity_units: 4 }));
    const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await reportUsage(market.provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: 4_000 }]);
    const [read] = await harness.store.db.select().from(bookingsTable).where(sql`${bookingsTable.id} = ${booking.id}`);
    // The delivery reads 4 card-hours and builds its write ...
    const prepared = await deliverStatements(harness.store, read as Booking, harness.clock.now);
    // ... usage lands in between ...
    await reportUsage(market.provider.client, [{ booking_id: booking.id, from: "2026-03-03T12:00", to: "2026-03-03T15:00", quantity_milli: 6_000 }]);
    // ... and the stale write fails whole.
    const failed = await commitAs(harness.store, { at: harness.clock.now, request_id: "stale-delivery", actor_user_id: null, actor_org_id: null }, prepared.statements, prepared.events).catch((e: unknown) => e);
    expect(constraintViolation(failed)).not.toBeNull();
    expect((await market.sme.client.get(`/api/bookings/${booking.id}`)).body.status).toBe("confirmed");
    const delivered = await moneyPost(market.provider.client, `/api/bookings/${booking.id}/deliver`, {});
    expect(delivered.body).toMatchObject({ delivered_quantity_milli: 10_000, delivered_gross_fen: 10_000, delivered_subsidy_fen: 2_000 });
    expect(await meteredMilli(harness, booking.id)).toBe(10_000);
  });

  it("a usage batch and a delivery sent together: whichever commits first, the settlement matches the recorded total", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody({ capacity_units: 4 }));
    const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await reportUsage(market.provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: 4_000 }]);
    const p: TestClient = market.provider.client;
    await Promise.all([
      p.post("/api/usage", { events: [{ event_id: `evt-${uniqueSuffix()}`, booking_id: booking.id, period_start: cst("2026-03-03T12:00"), period_end: cst("2026-03-03T15:00"), quantity_milli: 6_000 }] }),
      moneyPost(p, `/api/bookings/${booking.id}/deliver`, {}),
    ]);
    const b = (await market.sme.client.get(`/api/bookings/${booking.id}`)).body;
    expect(b.status).toBe("delivered");
    expect(b.delivered_quantity_milli).toBe(await meteredMilli(harness, booking.id));
    expect([4_000, 10_000]).toContain(b.delivered_quantity_milli);
  });
});


describe("GET /api/exports/claims.csv", () => {
  const csv = async (client: TestClient, path: string) => {
    const res = await (client as unknown as { get: (p: string, h: Record<string, string>) => Promise<{ status: number; body: Uint8Array }> }).get(path, { "X-Test-Raw-Response": "1" });
    return { status: res.status, bytes: res.body, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(res.body) };
  };

  it("streams the agency's claims with a BOM, bounded by max_rows and scoped like the reports", async () => {
    const m = await deliveredBooking();
    const second = await booked(m.sme.client, { offering_id: m.offering.id, quantity: 2, ...range("2026-03-04T10:00", "2026-03-04T15:00"), voucher_id: m.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-04T15:00"));
    await reportUsage(m.provider.client, [{ booking_id: second.id, from: "2026-03-04T10:00", to: "2026-03-04T15:00", quantity_milli: 10_000 }]);
    await moneyPost(m.provider.client, `/api/bookings/${second.id}/deliver`, {});
    await m.sme.client.post(`/api/bookings/${second.id}/confirm-delivery`, {});
    const first = (await m.provider.client.post("/api/claims", evidence([m.booking.id]))).body;
    const other = (await m.provider.client.post("/api/claims", evidence([second.id]))).body;
    await moneyPost(agency.reviewer.client, `/api/claims/${other.id}/reject`, { reason: "发票不符 Invoice mismatch" });

    const res = await csv(agency.auditor.client, `/api/exports/claims.csv?programme_id=${m.programme.id}`);
    expect(res.status).toBe(200);
    expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.text.slice(1).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^id,programme_id,settlement_mode,status,claimant_org_id,claimant_name,provider_org_id,provider_name,sme_org_id,sme_name,booking_count,/);
    expect(lines).toHaveLength(3);
    const byId = new Map(lines.slice(1).map((l) => [l.split(",")[0], l]));
    expect(byId.get(first.id)).toContain(",tongdui,submitted,");
    expect(byId.get(first.id)).toContain(",2000,");
    expect(byId.get(other.id)).toContain(",rejected,");
    expect(byId.get(other.id)).toContain("Invoice mismatch");

    // The queue's status filter narrows the export to what the page shows.
    const rejected = (await csv(agency.auditor.client, `/api/exports/claims.csv?programme_id=${m.programme.id}&status=rejected`)).text.slice(1).trimEnd().split("\r\n");
    expect(rejected.slice(1).map((l) => l.split(",")[0])).toEqual([other.id]);
    expect((await csv(agency.auditor.client, "/api/exports/claims.csv?status=lost")).status).toBe(400);

    const cut = await csv(agency.auditor.client, `/api/exports/claims.csv?programme_id=${m.programme.id}&max_rows=1`);
    expect(cut.text.trimEnd().split("\r\n")[2]).toContain("truncated at 1 rows");
    const { createAgency } = await import("../support/fixtures");
    const stranger = await createAgency(harness);
    expect((await csv(stranger.admin.client, `/api/exports/claims.csv?programme_id=${m.programme.id}`)).status).toBe(404);
    expect((await csv(stranger.admin.client, "/api/exports/claims.csv")).text).not.toContain(first.id);
    expect((await csv(m.provider.client, "/api/exports/claims.csv")).status).toBe(403);
  });
});
