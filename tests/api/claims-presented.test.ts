// What the claims pages read: a claim with the names of its programme, parties and reviewers;
// one claim's history from the audit log and the ledger trail of its bookings and payment; and a
// voucher's spent subsidy split into settled (claim paid) and in claims (not yet paid).
import { describe, expect, it } from "vitest";
import type { ProgrammeRules } from "../../src/domain/programme-rules";
import { uniqueSuffix } from "../support/fixtures";
import { moneyPost } from "../support/programmes";
import { booked, bookingScene, computeBody, cst, publish, range, voucherMarket } from "../support/bookings";
import { reportUsage } from "../support/usage";

const { harness, agency } = await bookingScene();

/** One delivered booking (10,000 fen gross, 2,000 fen subsidy) confirmed by the SME, 通兑. */
async function deliveredBooking(rules: Partial<ProgrammeRules> = {}) {
  const market = await voucherMarket(harness, { agency, rules: { notice_days: 5, settlement_mode: "tongdui", ...rules } });
  const offering = await publish(market.provider, computeBody({ capacity_units: 8 }));
  const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: market.voucher.id });
  harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
  await reportUsage(market.provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 10_000 }]);
  expect((await moneyPost(market.provider.client, `/api/bookings/${booking.id}/deliver`, {})).body.delivered_subsidy_fen).toBe(2_000);
  expect((await market.sme.client.post(`/api/bookings/${booking.id}/confirm-delivery`, {})).body.confirmation_state).toBe("confirmed");
  return { ...market, booking };
}

/** The fixtures type organisations and users narrowly; the rows behind them carry the names. */
const nameOf = (org: object) => (org as { name: string }).name;
const personOf = (user: object) => (user as { display_name: string }).display_name;

const evidence = (bookingId: string) => ({
  booking_ids: [bookingId],
  contract_no: `HT-${uniqueSuffix()}`,
  invoice_no: `FP-${uniqueSuffix()}`,
  invoice_amount_fen: 10_000,
  delivery_certificate: "验收合格 Accepted on delivery",
});

describe("a claim as the pages read it", () => {
  it("names the programme, parties and reviewers; one claim carries its history and ledger trail, lists do not", async () => {
    const m = await deliveredBooking();
    const pdf = new TextEncoder().encode("%PDF-1.4\n% acceptance form\n%%EOF\n");
    const file = await m.provider.client.call("POST", `/api/organisations/${m.provider.org.id}/files?purpose=claim_evidence`, pdf, { "Content-Type": "application/pdf", "X-File-Name": encodeURIComponent("验收单.pdf") });
    expect(file.status, JSON.stringify(file.body)).toBe(201);
    expect((file.body as { purpose: string }).purpose).toBe("claim_evidence");
    const created = await m.provider.client.post("/api/claims", { ...evidence(m.booking.id), attachment_ids: [(file.body as { id: string }).id] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ programme_name: m.programme.name, claimant_name: nameOf(m.provider.org), provider_name: nameOf(m.provider.org), sme_name: nameOf(m.sme.org), reviewer_name: null, finance_name: null });

    await agency.reviewer.client.post(`/api/claims/${id}/review`, { decision: "return", reason: "缺少验收单 Missing acceptance form" });
    await m.provider.client.post(`/api/claims/${id}/resubmit`, { answer: "已补充验收单 Added" });
    await agency.reviewer.client.post(`/api/claims/${id}/review`, { decision: "approve" });
    await agency.finance.client.post(`/api/claims/${id}/approve`, {});
    harness.clock.now = Date.parse(cst("2026-03-11T09:00"));
    expect((await moneyPost(agency.finance.client, `/api/claims/${id}/pay`, { payment_reference: "BANK-778" })).body.status).toBe("paid");

    const one = await agency.auditor.client.get(`/api/claims/${id}`);
    expect(one.body.attachments).toEqual([{ id: (file.body as { id: string }).id, original_name: "验收单.pdf", content_type: "application/pdf", size_bytes: pdf.length }]);
    expect(one.body).toMatchObject({ reviewer_name: personOf(agency.reviewer.user), finance_name: personOf(agency.finance.user) });
    expect(one.body.history.map((h: { action: string; actor_name: string | null; note: string | null }) => [h.action, h.actor_name, h.note])).toEqual([
      ["claim.submitted", personOf(m.provider.user), null],
      ["claim.returned", personOf(agency.reviewer.user), "缺少验收单 Missing acceptance form"],
      ["claim.resubmitted", personOf(m.provider.user), "已补充验收单 Added"],
      ["claim.reviewed", personOf(agency.reviewer.user), null],
      ["claim.on_notice", personOf(agency.finance.user), null],
      ["claim.paid", personOf(agency.finance.user), "BANK-778"],
    ]);
    const trail = one.body.ledger.map((t: { code: string; amount_fen: number; from_kind: string; to_kind: string; subject_id: string }) => [t.code, t.amount_fen, t.from_kind, t.to_kind, t.subject_id]);
    // The hold and its settlement on the voucher, then the payment from the payable to paid-out.
    expect(trail[0]).toEqual(["hold", m.booking.subsidy_fen, "voucher", "provider_payable", m.booking.id]);
    expect(trail.at(-1)).toEqual(["payout", 2_000, "provider_payable", "paid_out", id]);
    expect(trail.filter((t: unknown[]) => t[4] !== m.booking.id && t[4] !== id)).toEqual([]);

    const listed = await agency.auditor.client.get(`/api/claims?programme_id=${m.programme.id}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id, programme_name: m.programme.name, claimant_name: nameOf(m.provider.org) })]);
    expect(listed.body.items[0]).not.toHaveProperty("history");
    expect(listed.body.items[0]).not.toHaveProperty("ledger");
    expect(listed.body.items[0]).not.toHaveProperty("attachments");
  });
});

describe("a voucher's spent subsidy, settled or not", () => {
  it("is in claims while the claim is unpaid and settled once it is paid", async () => {
    const m = await deliveredBooking();
    const voucherOf = async () => (await m.sme.client.get(`/api/vouchers/${m.voucher.id}`)).body;
    expect((await voucherOf()).settlement).toEqual({ settled_fen: 0, in_claims_fen: 0 });

    const id = (await m.provider.client.post("/api/claims", evidence(m.booking.id))).body.id as string;
    expect((await voucherOf()).settlement).toEqual({ settled_fen: 0, in_claims_fen: 2_000 });
    await agency.reviewer.client.post(`/api/claims/${id}/review`, { decision: "approve" });
    await agency.finance.client.post(`/api/claims/${id}/approve`, {});
    expect((await voucherOf()).settlement).toEqual({ settled_fen: 0, in_claims_fen: 2_000 });

    harness.clock.now = Date.parse(cst("2026-03-11T09:00"));
    await moneyPost(agency.finance.client, `/api/claims/${id}/pay`, { payment_reference: "BANK-779" });
    const paid = await voucherOf();
    expect(paid.settlement).toEqual({ settled_fen: 2_000, in_claims_fen: 0 });
    expect(paid.spent_fen).toBe(2_000);
  });
});
