// Claims (兑付) and public notice (公示): a delivered, confirmed booking is claimed by the provider
// (通兑) or the enterprise (通用), reviewed by two different agency people, put on notice for the
// programme's working days, and paid once. The ledger is verified after every step.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accountIds } from "../../src/db/accounts";
import type { ProgrammeRules } from "../../src/domain/programme-rules";
import type { TestClient } from "../support/client";
import { newClient, uniqueSuffix } from "../support/fixtures";
import { expectLedgerConsistent, moneyPost } from "../support/programmes";
import { booked, bookingScene, computeBody, cst, expectRefusal, publish, range, voucherAvailableFen, voucherMarket } from "../support/bookings";
import { reportUsage } from "../support/usage";

const { harness, agency } = await bookingScene();

async function balance(accountId: string): Promise<number> {
  const [row] = await harness.store.all<{ b: number }>(sql`SELECT credits_posted_fen - debits_posted_fen AS b FROM ledger_accounts WHERE id = ${accountId}`);
  return Number(row?.b ?? 0);
}

/** Delivered bookings of 2 cards 10:00–15:00 on Tuesday 3 March (10,000 fen gross, 20% → 2,000 fen subsidy each), confirmed by the SME. */
async function deliveredMarket(rules: Partial<ProgrammeRules> = {}, count = 1) {
  const market = await voucherMarket(harness, { agency, rules: { notice_days: 5, ...rules } });
  const offering = await publish(market.provider, computeBody({ capacity_units: 8 }));
  const bookings = [];
  for (let i = 0; i < count; i++) bookings.push(await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id }));
  harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
  for (const b of bookings) {
    await reportUsage(market.provider.client, [{ booking_id: b.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 10_000 }]);
    expect((await moneyPost(market.provider.client, `/api/bookings/${b.id}/deliver`, {})).body.delivered_subsidy_fen).toBe(2_000);
    expect((await market.sme.client.post(`/api/bookings/${b.id}/confirm-delivery`, {})).body.confirmation_state).toBe("confirmed");
  }
  return { ...market, bookings, ids: bookings.map((b) => b.id as string), payable: accountIds.payable(market.programme.id, rules.settlement_mode === "tongyong" ? market.sme.org.id : market.provider.org.id), paidOut: accountIds.paidOut(market.programme.id) };
}

const evidence = (bookingIds: string[], invoice = `FP-${uniqueSuffix()}`) => ({
  booking_ids: bookingIds,
  contract_no: `HT-${uniqueSuffix()}`,
  invoice_no: invoice,
  invoice_amount_fen: 10_000 * bookingIds.length,
  delivery_certificate: "验收合格 Accepted on delivery",
});

async function claimOnNotice(claimant: TestClient, bookingIds: string[]) {
  const claim = await claimant.post("/api/claims", evidence(bookingIds));
  expect(claim.status, JSON.stringify(claim.body)).toBe(201);
  expect((await agency.reviewer.client.post(`/api/claims/${claim.body.id}/review`, { decision: "approve" })).body.status).toBe("reviewed");
  const approved = await agency.finance.client.post(`/api/claims/${claim.body.id}/approve`, {});
  expect(approved.body).toMatchObject({ status: "on_notice", notice_starts_on: "2026-03-04", notice_ends_on: "2026-03-10" });
  return approved.body;
}

const AFTER_NOTICE = Date.parse(cst("2026-03-11T09:00"));

describe("a claim from delivery to payment", () => {
  it.each(["tongdui", "tongyong"] as const)("in %s mode: claimed, returned, resubmitted, reviewed, approved, on notice, paid once, bookings settled", async (mode) => {
    const m = await deliveredMarket({ settlement_mode: mode });
    const claimant = mode === "tongdui" ? m.provider.client : m.sme.client;
    const other = mode === "tongdui" ? m.sme.client : m.provider.client;
    expectRefusal(await other.post("/api/claims", evidence([m.ids[0] as string])), 409, "wrong_claimant");
    expectRefusal(await claimant.post("/api/claims", { ...evidence([m.ids[0] as string]), invoice_amount_fen: 9_999 }), 422, "invoice_below_gross");

    const claim = await claimant.post("/api/claims", evidence([m.ids[0] as string]));
    expect(claim.status).toBe(201);
    expect(claim.body).toMatchObject({ status: "submitted", amount_fen: 2_000, gross_fen: 10_000, claimant_org_id: mode === "tongdui" ? m.provider.org.id : m.sme.org.id, settlement_mode: mode });
    await expectLedgerConsistent(harness);
    const id = claim.body.id;
    expect((await other.get(`/api/claims/${id}`)).status).toBe(404);
    expect((await agency.auditor.client.get(`/api/claims/${id}`)).body.id).toBe(id);

    expect((await agency.reviewer.client.post(`/api/claims/${id}/review`, { decision: "return", reason: "缺少验收单 Missing acceptance form" })).body).toMatchObject({ status: "returned", return_reason: expect.stringContaining("Missing") });
    expect((await claimant.post(`/api/claims/${id}/resubmit`, { answer: "已补充 Added" })).body.status).toBe("submitted");
    expect((await agency.reviewer.client.post(`/api/claims/${id}/review`, { decision: "approve" })).body.status).toBe("reviewed");
    const onNotice = await agency.finance.client.post(`/api/claims/${id}/approve`, {});
    expect(onNotice.body).toMatchObject({ status: "on_notice", notice_starts_on: "2026-03-04", notice_ends_on: "2026-03-10" });
    await expectLedgerConsistent(harness);

    const notices = await newClient(harness).get(`/api/notices?q=${encodeURIComponent(m.programme.name)}`);
    expect(notices.body.items).toEqual([expect.objectContaining({ claim_id: id, subsidy_fen: 2_000, period_start_on: "2026-03-03", period_end_on: "2026-03-03", notice_ends_on: "2026-03-10" })]);
    const csv = await newClient(harness).call("GET", `/api/exports/notices.csv?q=${encodeURIComponent(m.programme.name)}`);
    expect(csv.status).toBe(200); // the test client decodes text and drops the BOM, so the BOM itself is not asserted here
    expect((csv.body as string)).toContain(`${id},`);
    expect((csv.body as string)).toContain("20.00");

    harness.clock.now = Date.parse(cst("2026-03-10T23:00"));
    expectRefusal(await moneyPost(agency.finance.client, `/api/claims/${id}/pay`, { payment_reference: "BANK-1" }), 409, "notice_not_over");
    harness.clock.now = AFTER_NOTICE;
    const payableBefore = await balance(m.payable);
    // Who is owed is the claimant: the hold credited its payable from the booking on.
    expect(payableBefore).toBe(2_000);
    const otherPayable = accountIds.payable(m.programme.id, mode === "tongdui" ? m.sme.org.id : m.provider.org.id);
    expect(await balance(otherPayable)).toBe(0);
    const paid = await moneyPost(agency.finance.client, `/api/claims/${id}/pay`, { payment_reference: "BANK-1" });
    expect(paid.body).toMatchObject({ status: "paid", payment_reference: "BANK-1" });
    expect(await balance(m.payable)).toBe(payableBefore - 2_000);
    expect(await balance(m.paidOut)).toBe(2_000);
    expect((await m.sme.client.get(`/api/bookings/${m.ids[0] as string}`)).body.status).toBe("settled");
    expectRefusal(await moneyPost(agency.finance.client, `/api/claims/${id}/pay`, { payment_reference: "BANK-2" }), 409, "invalid_claim_transition");
    await expectLedgerConsistent(harness);
  });
});

describe("guards", () => {
  it("the same invoice twice for the same issuer is refused, and a booking joins one claim only", async () => {
    const m = await deliveredMarket({}, 3);
    const invoice = `FP-${uniqueSuffix()}`;
    expect((await m.provider.client.post("/api/claims", evidence([m.ids[0] as string], invoice))).status).toBe(201);
    expectRefusal(await m.provider.client.post("/api/claims", evidence([m.ids[1] as string], invoice)), 409, "invoice_already_claimed");
    expectRefusal(await m.provider.client.post("/api/claims", evidence([m.ids[0] as string, m.ids[2] as string])), 409, "booking_already_claimed");
    expect((await m.provider.client.post("/api/claims", evidence([m.ids[1] as string, m.ids[2] as string]))).body.amount_fen).toBe(4_000);
  });

  it("refuses a claim after the programme's claim deadline", async () => {
    const m = await deliveredMarket({ claim_deadline_days: 10 });
    harness.clock.now = Date.parse(cst("2026-03-13T15:01"));
    expectRefusal(await m.provider.client.post("/api/claims", evidence([m.ids[0] as string])), 409, "claim_deadline_passed");
  });

  it("the two-person rule: whoever reviewed cannot also approve, in the API and in the database", async () => {
    const m = await deliveredMarket();
    const claim = (await m.provider.client.post("/api/claims", evidence([m.ids[0] as string]))).body;
    await agency.admin.client.post(`/api/claims/${claim.id}/review`, { decision: "approve" });
    expectRefusal(await agency.admin.client.post(`/api/claims/${claim.id}/approve`, {}), 409, "two_person_rule");
    await expect(harness.store.batch([sql`UPDATE claims SET finance_user_id = reviewer_user_id WHERE id = ${claim.id}`])).rejects.toThrow(/claims_two_person_rule/);
    expect((await agency.finance.client.post(`/api/claims/${claim.id}/approve`, {})).body.status).toBe("on_notice");
  });

  it("an open objection stops payment until the agency resolves it", async () => {
    const m = await deliveredMarket();
    const claim = await claimOnNotice(m.provider.client, [m.ids[0] as string]);
    harness.clock.now = Date.parse(cst("2026-03-05T10:00"));
    const objection = await newClient(harness).post(`/api/notices/${claim.id}/objections`, { name: "张三", contact: "13800000000", reason: "服务未实际交付 Not actually delivered" });
    expect(objection.status).toBe(201);
    harness.clock.now = AFTER_NOTICE;
    expectRefusal(await newClient(harness).post(`/api/notices/${claim.id}/objections`, { name: "李四", contact: "x", reason: "too late" }), 409, "not_on_notice");
    expectRefusal(await moneyPost(agency.finance.client, `/api/claims/${claim.id}/pay`, { payment_reference: "BANK-1" }), 409, "open_objection");
    const seen = await agency.reviewer.client.get(`/api/claims/${claim.id}`);
    expect(seen.body.objections).toEqual([expect.objectContaining({ id: objection.body.id, name: "张三", status: "open" })]);
    expect((await m.provider.client.get(`/api/claims/${claim.id}`)).body.objections).toEqual([]);
    const resolved = await agency.reviewer.client.post(`/api/claims/${claim.id}/objections/${objection.body.id}/resolve`, { note: "现场核查属实交付 Checked on site" });
    expect(resolved.body.open_objections).toBe(0);
    expect((await moneyPost(agency.finance.client, `/api/claims/${claim.id}/pay`, { payment_reference: "BANK-1" })).body.status).toBe("paid");
  });

  it("objections are rate-limited per address", async () => {
    const m = await deliveredMarket();
    const claim = await claimOnNotice(m.provider.client, [m.ids[0] as string]);
    const anonymous = newClient(harness, { "X-Test-Client-Address": `2001:db8::${uniqueSuffix().toLowerCase()}` });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await anonymous.post(`/api/notices/${claim.id}/objections`, { name: "王五", contact: "w", reason: `r${i}` })).status);
    expect(answers).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it("50 concurrent payments of one claim pay it once", async () => {
    const m = await deliveredMarket();
    const claim = await claimOnNotice(m.provider.client, [m.ids[0] as string]);
    harness.clock.now = AFTER_NOTICE;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => moneyPost(agency.finance.client, `/api/claims/${claim.id}/pay`, { payment_reference: `BANK-${i}` })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const transfers = await harness.store.all<{ n: number; total: number }>(sql`SELECT count(*) AS n, sum(amount_fen) AS total FROM ledger_transfers WHERE code = 'payout' AND subject_id = ${claim.id}`);
    expect(transfers.map((t) => [Number(t.n), Number(t.total)])).toEqual([[1, 2_000]]);
    expect(await balance(m.paidOut)).toBe(2_000);
  });

  it("rejecting returns the subsidy to the voucher and the annual-cap room", async () => {
    const m = await deliveredMarket();
    expect(await voucherAvailableFen(harness, m.voucher.id)).toBe(1_000_000 - 2_000);
    const claim = await claimOnNotice(m.provider.client, [m.ids[0] as string]);
    const rejected = await moneyPost(agency.reviewer.client, `/api/claims/${claim.id}/reject`, { reason: "合同与发票不符 Contract and invoice disagree" });
    expect(rejected.body).toMatchObject({ status: "rejected" });
    expect(await voucherAvailableFen(harness, m.voucher.id)).toBe(1_000_000);
    const [counter] = await harness.store.all<{ s: number }>(sql`SELECT subsidy_fen AS s FROM annual_subsidy WHERE programme_id = ${m.programme.id} AND sme_org_id = ${m.sme.org.id}`);
    expect(Number(counter?.s)).toBe(0);
    expect(await balance(m.payable)).toBe(0);
    expectRefusal(await m.provider.client.post("/api/claims", evidence([m.ids[0] as string])), 409, "booking_already_claimed");
    expect((await newClient(harness).get(`/api/notices?q=${encodeURIComponent(m.programme.name)}`)).body.items).toEqual([]);
  });

  it("voiding a paid claim records and flags it without moving the paid money", async () => {
    const m = await deliveredMarket();
    const claim = await claimOnNotice(m.provider.client, [m.ids[0] as string]);
    harness.clock.now = AFTER_NOTICE;
    await moneyPost(agency.finance.client, `/api/claims/${claim.id}/pay`, { payment_reference: "BANK-1" });
    const voided = await moneyPost(agency.admin.client, `/api/claims/${claim.id}/void`, { reason: "串通骗补 Collusion" });
    expect(voided.body).toMatchObject({ status: "paid", void_reason: "串通骗补 Collusion", voided_at: expect.any(String) });
    expect(await balance(m.paidOut)).toBe(2_000);
  });
});
