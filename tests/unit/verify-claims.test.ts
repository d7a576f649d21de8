// The claim checks of `verify` catch what they claim to: each test builds a programme with one
// paid claim, one claim on notice and one unclaimed settlement through the API, breaks one fact
// behind the application's back (raw SQL), and expects the check to fail naming the first
// offending account, programme or claim; GET /api/audit/verify says the same. Node only: each
// test has its own in-memory database, so corrupting it touches no other test.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { accountIds } from "../../src/db/accounts";
import { formatReport, verifyLedger } from "../../src/services/verify";
import { createAgency, uniqueSuffix } from "../support/fixtures";
import type { Harness } from "../support/harness-types";
import { MONDAY_8AM, booked, computeBody, cst, publish, range, voucherMarket } from "../support/bookings";
import { moneyPost } from "../support/programmes";
import { reportUsage } from "../support/usage";

const evidence = (bookingId: string) => ({
  booking_ids: [bookingId],
  contract_no: `HT-${uniqueSuffix()}`,
  invoice_no: `FP-${uniqueSuffix()}`,
  invoice_amount_fen: 10_000,
  delivery_certificate: "验收合格 Accepted",
});

/** Three delivered bookings of 2,000 fen subsidy each: one claim paid, one on notice, one unclaimed. */
async function scene() {
  const harness: Harness = await createHarness();
  harness.clock.now = MONDAY_8AM;
  const agency = await createAgency(harness);
  const m = await voucherMarket(harness, { agency, rules: { notice_days: 5 } });
  const offering = await publish(m.provider, computeBody({ capacity_units: 8 }));
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await booked(m.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: m.voucher.id })).id);
  harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
  for (const id of ids) {
    await reportUsage(m.provider.client, [{ booking_id: id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 10_000 }]);
    await moneyPost(m.provider.client, `/api/bookings/${id}/deliver`, {});
    await m.sme.client.post(`/api/bookings/${id}/confirm-delivery`, {});
  }
  const claims: string[] = [];
  for (const id of ids.slice(0, 2)) {
    const claim = await m.provider.client.post("/api/claims", evidence(id));
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    await agency.reviewer.client.post(`/api/claims/${claim.body.id}/review`, { decision: "approve" });
    await agency.finance.client.post(`/api/claims/${claim.body.id}/approve`, {});
    claims.push(claim.body.id);
  }
  harness.clock.now = Date.parse(cst("2026-03-11T09:00"));
  expect((await moneyPost(agency.finance.client, `/api/claims/${claims[0]}/pay`, { payment_reference: "BANK-1" })).body.status).toBe("paid");
  const report = await verifyLedger(harness.store);
  expect(report.ok, formatReport(report)).toBe(true);
  return {
    harness,
    agency,
    paid: claims[0] as string,
    onNotice: claims[1] as string,
    payable: accountIds.providerPayable(m.programme.id, m.provider.org.id),
    paidOut: accountIds.paidOut(m.programme.id),
    programmeId: m.programme.id,
  };
}

async function failing(harness: Harness, name: string) {
  const report = await verifyLedger(harness.store);
  expect(report.ok).toBe(false);
  const check = report.checks.find((c) => c.name === name);
  expect(check?.ok, formatReport(report)).toBe(false);
  return check!;
}

describe("verify: payables and paid-out against the claims", () => {
  it("passes on claims moved only through the API, and reports what each payable holds", async () => {
    const s = await scene();
    const report = await verifyLedger(s.harness.store);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["payables_match_claims", "paid_out_matches_paid_claims"]));
    const [payable] = await s.harness.store.all<{ b: number }>(sql`SELECT credits_posted_fen - debits_posted_fen AS b FROM ledger_accounts WHERE id = ${s.payable}`);
    expect(Number(payable?.b)).toBe(4_000); // the claim on notice + the unclaimed settlement
  });

  it("catches a claim whose amount no longer matches the money it stands for", async () => {
    const s = await scene();
    await s.harness.store.batch([sql`UPDATE claims SET amount_fen = amount_fen + 1 WHERE id = ${s.onNotice}`]);
    const check = await failing(s.harness, "payables_match_claims");
    expect(check.detail).toMatch(/^1 violation/);
    expect(check.first_failure).toMatchObject({ account_id: s.payable, balance_fen: 4_000, unpaid_claims_fen: 2_001, unpaid_claims: 1, first_claim_id: s.onNotice, unclaimed_settlements_fen: 2_000, unclaimed_settlements: 1 });
  });

  it("catches a claim marked paid with no payout behind it", async () => {
    const s = await scene();
    await s.harness.store.batch([sql`UPDATE claims SET status = 'paid' WHERE id = ${s.onNotice}`]);
    expect((await failing(s.harness, "paid_out_matches_paid_claims")).first_failure).toMatchObject({ programme_id: s.programmeId, paid_out_fen: 2_000, paid_claims_fen: 4_000, paid_claims: 2, first_bad_claim_id: s.onNotice, bad_claims: 1 });
    expect((await failing(s.harness, "payables_match_claims")).first_failure).toMatchObject({ account_id: s.payable, balance_fen: 4_000, unpaid_claims_fen: 0, unclaimed_settlements_fen: 2_000 });
  });

  it("catches a payout with no claim, even when the accounts agree with the transfers", async () => {
    const s = await scene();
    await s.harness.store.batch([
      sql`INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, kind, code, subject_id, created_at)
          VALUES ('pay:forged', ${s.payable}, ${s.paidOut}, 500, 'posted', 'payout', 'forged', ${s.harness.clock.now})`,
      sql`UPDATE ledger_accounts SET debits_posted_fen = debits_posted_fen + 500 WHERE id = ${s.payable}`,
      sql`UPDATE ledger_accounts SET credits_posted_fen = credits_posted_fen + 500 WHERE id = ${s.paidOut}`,
    ]);
    const report = await verifyLedger(s.harness.store);
    expect(report.checks.find((c) => c.name === "accounts_match_transfers")?.ok).toBe(true);
    expect(report.checks.find((c) => c.name === "balanced")?.ok).toBe(true);
    expect((await failing(s.harness, "payables_match_claims")).first_failure).toMatchObject({ account_id: s.payable, balance_fen: 3_500, unpaid_claims_fen: 2_000, unclaimed_settlements_fen: 2_000 });
    expect((await failing(s.harness, "paid_out_matches_paid_claims")).first_failure).toMatchObject({ programme_id: s.programmeId, paid_out_fen: 2_500, paid_claims_fen: 2_000 });
  });

  it("catches a paid claim whose payout was for another amount, and says so at GET /api/audit/verify", async () => {
    const s = await scene();
    await s.harness.store.batch([
      sql`UPDATE ledger_transfers SET amount_fen = 1999 WHERE id = ${`pay:${s.paid}`}`,
      sql`UPDATE ledger_accounts SET debits_posted_fen = debits_posted_fen - 1 WHERE id = ${s.payable}`,
      sql`UPDATE ledger_accounts SET credits_posted_fen = credits_posted_fen - 1 WHERE id = ${s.paidOut}`,
    ]);
    expect((await failing(s.harness, "paid_out_matches_paid_claims")).first_failure).toMatchObject({ paid_out_fen: 1_999, paid_claims_fen: 2_000, first_bad_claim_id: s.paid });
    const answer = await s.agency.auditor.client.get("/api/audit/verify");
    expect(JSON.stringify(answer.body)).toContain("paid_out_matches_paid_claims");
    expect(JSON.stringify(answer.body)).toContain(s.paid);
  });
});
