// The programme report's "paid" and "claim reversed" figures (docs/reports.md): after one claim is
// paid and another rejected, each equals the sum of the ledger transfers that moved that money,
// and paid money is what left the provider's payable for the paid-out account.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accountIds } from "../../src/db/accounts";
import { uniqueSuffix } from "../support/fixtures";
import { moneyPost } from "../support/programmes";
import { booked, bookingScene, computeBody, cst, publish, range, voucherMarket } from "../support/bookings";
import { reportUsage } from "../support/usage";

const { harness, agency } = await bookingScene();

const evidence = (bookingIds: string[]) => ({
  booking_ids: bookingIds,
  contract_no: `HT-${uniqueSuffix()}`,
  invoice_no: `FP-${uniqueSuffix()}`,
  invoice_amount_fen: 10_000 * bookingIds.length,
  delivery_certificate: "验收合格 Accepted on delivery",
});

describe("programme report: claims paid and reversed", () => {
  it("reports paid and claim-reversed money equal to the payout and claim_reversal transfers", async () => {
    const market = await voucherMarket(harness, { agency, rules: { notice_days: 5 } });
    const offering = await publish(market.provider, computeBody({ capacity_units: 8 }));
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push((await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id })).id);
    }
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    for (const id of ids) {
      await reportUsage(market.provider.client, [{ booking_id: id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 10_000 }]);
      expect((await moneyPost(market.provider.client, `/api/bookings/${id}/deliver`, {})).body.delivered_subsidy_fen).toBe(2_000);
      expect((await market.sme.client.post(`/api/bookings/${id}/confirm-delivery`, {})).body.confirmation_state).toBe("confirmed");
    }
    const claims = [];
    for (const id of ids) {
      const claim = await market.provider.client.post("/api/claims", evidence([id]));
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      expect((await agency.reviewer.client.post(`/api/claims/${claim.body.id}/review`, { decision: "approve" })).body.status).toBe("reviewed");
      expect((await agency.finance.client.post(`/api/claims/${claim.body.id}/approve`, {})).body.status).toBe("on_notice");
      claims.push(claim.body.id as string);
    }
    harness.clock.now = Date.parse(cst("2026-03-11T09:00"));
    expect((await moneyPost(agency.finance.client, `/api/claims/${claims[0]}/pay`, { payment_reference: "BANK-1" })).body.status).toBe("paid");
    expect((await moneyPost(agency.reviewer.client, `/api/claims/${claims[1]}/reject`, { reason: "合同与发票不符 Contract and invoice disagree" })).body.status).toBe("rejected");

    const res = await agency.auditor.client.get(`/api/reports/programmes/${market.programme.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const sum = async (code: string) => {
      const [row] = await harness.store.all<{ s: number }>(sql`
        SELECT sum(amount_fen) AS s FROM ledger_transfers
        WHERE kind = 'posted' AND code = ${code}
          AND (debit_account_id IN (SELECT id FROM ledger_accounts WHERE programme_id = ${market.programme.id})
            OR credit_account_id IN (SELECT id FROM ledger_accounts WHERE programme_id = ${market.programme.id}))`);
      return Number(row?.s ?? 0);
    };
    expect(res.body.ledger.paid_fen).toBe(await sum("payout"));
    expect(res.body.ledger.claim_reversed_fen).toBe(await sum("claim_reversal"));
    expect(res.body.ledger).toMatchObject({ paid_fen: 2_000, claim_reversed_fen: 2_000, settled_fen: 4_000 });
    const [paidOut] = await harness.store.all<{ b: number }>(sql`SELECT credits_posted_fen - debits_posted_fen AS b FROM ledger_accounts WHERE id = ${accountIds.paidOut(market.programme.id)}`);
    expect(Number(paidOut?.b)).toBe(res.body.ledger.paid_fen);
    // The overview carries the same figures.
    const overview = await agency.auditor.client.get(`/api/reports/overview?programme_id=${market.programme.id}`);
    expect(overview.body.items[0].ledger).toMatchObject({ paid_fen: 2_000, claim_reversed_fen: 2_000 });
  });
});
