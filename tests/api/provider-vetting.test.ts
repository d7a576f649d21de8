// Provider vetting is per agency, on both drivers: one agency's suspension never touches another
// agency's programmes; a programme subsidises only providers its own agency approves (quotes,
// search and bookings alike, guarded in the booking write); the platform alone suspends a
// provider everywhere.
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { constraintViolation } from "../../src/db/constraints";
import type { ApiResponse } from "../support/client";
import { createAgency, createOrganisation, signUpProvider, signUpSme } from "../support/fixtures";
import { createProgramme, expectLedgerConsistent, idempotencyKey, issueVoucher, moneyPost, type Agency } from "../support/programmes";
import { book, computeBody, cst, expectRefusal, MONDAY_8AM, publish, range, uniqueModel } from "../support/bookings";

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;
const agencyA = await createAgency(harness);
const agencyB = await createAgency(harness);
const platform = await createOrganisation(harness, "platform", ["admin"]);

beforeEach(() => {
  harness.clock.now = MONDAY_8AM;
});

/** Agency A's programme and an SME holding its voucher; a provider approved by `approvers`, with one offering. */
async function scene(approvers: readonly Agency[]) {
  const programme = await createProgramme(harness, agencyA);
  const sme = await signUpSme(harness);
  const { voucher } = await issueVoucher(agencyA, sme, programme.id, 1_000_000);
  const provider = await signUpProvider(harness, { approvedBy: approvers });
  const model = uniqueModel("Ascend 910B");
  // Published by the provider while approved somewhere; the tests then vary who approves it.
  const publisher = approvers.length > 0 ? provider : null;
  const offering = publisher ? await publish(publisher, computeBody({ accelerator_model: model, capacity_units: 8 })) : null;
  return { programme, sme, voucher, provider, offering: offering as { id: string }, model };
}

const hours = (from: string, to: string) => range(`2026-03-03T${from}`, `2026-03-03T${to}`);
const searchNeed = (model: string) => ({ category: "compute", accelerator_model: model, quantity: 1, duration_hours: 1, earliest_start_at: cst("2026-03-03T09:00"), latest_end_at: cst("2026-03-03T18:00") });

async function heldOn(voucherId: string): Promise<number> {
  const [row] = await harness.store.all<{ fen: number }>(sql`SELECT a.debits_pending_fen AS fen FROM vouchers v JOIN ledger_accounts a ON a.id = v.account_id WHERE v.id = ${voucherId}`);
  return Number(row?.fen);
}

describe("one agency's decision binds only its own programmes", () => {
  it("agency B's suspension leaves agency A's quotes, search and bookings untouched", async () => {
    const s = await scene([agencyA, agencyB]);
    const suspended = await agencyB.reviewer.client.post(`/api/providers/${s.provider.org.id}/suspend`, { reason: "资料过期 Papers expired" });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body).toMatchObject({ provider_status: "suspended", provider_status_reason: "资料过期 Papers expired" });

    // Each agency reads its own decision; the provider reads both.
    const listedAt = async (agency: Agency) => ((await agency.reviewer.client.get("/api/providers")).body.items as any[]).find((p) => p.id === s.provider.org.id)?.provider_status;
    expect(await listedAt(agencyA)).toBe("approved");
    expect(await listedAt(agencyB)).toBe("suspended");
    const standing = (await s.provider.client.get("/api/provider-vettings")).body.items as any[];
    expect(Object.fromEntries(standing.filter((v) => [agencyA.org.id, agencyB.org.id].includes(v.agency_org_id)).map((v) => [v.agency_org_id, v.status]))).toEqual({
      [agencyA.org.id]: "approved",
      [agencyB.org.id]: "suspended",
    });

    const request = { offering_id: s.offering.id, quantity: 1, ...hours("10:00", "12:00"), voucher_id: s.voucher.id };
    const quote = await s.sme.client.post("/api/quotes", request);
    expect(quote.body).toMatchObject({ gross_fen: 2_000, subsidy_fen: 400, copay_fen: 1_600, subsidy: { programme_id: s.programme.id, zero_subsidy_reason: null } });
    const found = await s.sme.client.post("/api/search/capacity", searchNeed(s.model));
    expect(found.body.options).toHaveLength(1);
    expect(found.body.options[0]).toMatchObject({ offering: { id: s.offering.id }, voucher_id: s.voucher.id, subsidy_fen: 200 });
    const booking = await book(s.sme.client, request);
    expect(booking.status, JSON.stringify(booking.body)).toBe(201);
    expect(booking.body).toMatchObject({ subsidy_fen: 400, programme_id: s.programme.id, voucher_id: s.voucher.id });
    expect(await heldOn(s.voucher.id)).toBe(400);
    await expectLedgerConsistent(harness);
  });

  it("a provider approved only by agency B gets no subsidy from agency A's programme: the quote says why, search and booking agree", async () => {
    const s = await scene([agencyB]);
    const request = { offering_id: s.offering.id, quantity: 1, ...hours("10:00", "12:00"), voucher_id: s.voucher.id };

    const quote = await s.sme.client.post("/api/quotes", request);
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body).toMatchObject({ gross_fen: 2_000, subsidy_fen: 0, copay_fen: 2_000, subsidy: { binding_limit: "provider_not_approved_by_agency", zero_subsidy_reason: "provider_not_approved_by_agency" } });
    expect(quote.body.subsidy.limits[0]).toEqual({ name: "provider_not_approved_by_agency", fen: 0 });

    // Search shows the offering (it is published: B approved it), at full price.
    const found = await s.sme.client.post("/api/search/capacity", searchNeed(s.model));
    expect(found.body.options.map((o: any) => [o.offering.id, o.subsidy_fen, o.voucher_id])).toEqual([[s.offering.id, 0, null]]);

    const refused = await book(s.sme.client, request);
    expectRefusal(refused, 409, "no_subsidy_left");
    expect(refused.body.error.details.binding_limit).toBe("provider_not_approved_by_agency");
    const { voucher_id: _, ...fullPrice } = request;
    const paid = await book(s.sme.client, fullPrice);
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body).toMatchObject({ gross_fen: 2_000, subsidy_fen: 0, copay_fen: 2_000, voucher_id: null, programme_id: null });
    expect(await heldOn(s.voucher.id)).toBe(0);

    // Once agency A approves it too, A's programme subsidises it.
    expect((await agencyA.reviewer.client.post(`/api/providers/${s.provider.org.id}/approve`, {})).body.provider_status).toBe("approved");
    expect((await s.sme.client.post("/api/quotes", { ...request, ...hours("13:00", "15:00") })).body).toMatchObject({ subsidy_fen: 400 });
    await expectLedgerConsistent(harness);
  });

  it("a decision is refused when repeated, and suspending needs an approval first", async () => {
    const provider = await signUpProvider(harness);
    expectRefusal(await agencyA.reviewer.client.post(`/api/providers/${provider.org.id}/suspend`, { reason: "无 None" }), 409, "not_approved");
    expect((await agencyA.reviewer.client.post(`/api/providers/${provider.org.id}/approve`, {})).status).toBe(200);
    expectRefusal(await agencyA.reviewer.client.post(`/api/providers/${provider.org.id}/approve`, {}), 409, "already_decided");
    expect((await agencyB.reviewer.client.post(`/api/providers/${provider.org.id}/reject`, { reason: "材料不全 Incomplete" })).body.provider_status).toBe("rejected");
    const rows = await harness.store.all<{ agency_org_id: string; status: string }>(
      sql`SELECT agency_org_id, status FROM provider_vettings WHERE provider_org_id = ${provider.org.id} AND agency_org_id IN (${agencyA.org.id}, ${agencyB.org.id})`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.agency_org_id, r.status]))).toEqual({ [agencyA.org.id]: "approved", [agencyB.org.id]: "rejected" });
  });

  it("a provider registered after an agency was created applies to it; one registered before is listed with it already", async () => {
    const provider = await signUpProvider(harness);
    const listed = (await agencyA.reviewer.client.get("/api/providers?status=pending")).body.items as any[];
    expect(listed.map((p) => p.id)).toContain(provider.org.id);
    const later = await createAgency(harness);
    expect(((await later.reviewer.client.get("/api/providers")).body.items as any[]).map((p) => p.id)).not.toContain(provider.org.id);
    const applied = await provider.client.post("/api/provider-vettings", { agency_org_id: later.org.id });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    expect(applied.body).toMatchObject({ agency_org_id: later.org.id, status: "pending", decided_at: null });
    expectRefusal(await provider.client.post("/api/provider-vettings", { agency_org_id: later.org.id }), 409, "already_applied");
    expect(((await later.reviewer.client.get("/api/providers")).body.items as any[]).map((p) => p.id)).toContain(provider.org.id);
  });
});

describe("the booking write checks the agency's approval, not only the read", () => {
  it("no booking with agency A's subsidy commits after A's suspension committed, though every request read the approval before it", async () => {
    // B approves it too, so it stays published: only A's subsidy is at stake.
    const s = await scene([agencyA, agencyB]);
    const IN_FLIGHT = 6;
    const requests = Array.from({ length: IN_FLIGHT }, (_, i) => ({ offering_id: s.offering.id, quantity: 1, ...hours(`${10 + i}:00`, `${11 + i}:00`), voucher_id: s.voucher.id }));

    // Every booking's write waits until all have read and priced (with the approval in force);
    // then agency A's suspension commits, and only then are the bookings' writes let through.
    const batch = harness.store.batch.bind(harness.store);
    let waiting = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let allWaiting!: () => void;
    const allRead = new Promise<void>((resolve) => (allWaiting = resolve));
    let holding = true;
    let guardRefusals = 0;
    (harness.store as { batch: typeof batch }).batch = async (statements) => {
      if (holding) {
        waiting += 1;
        if (waiting === IN_FLIGHT) allWaiting();
        await released;
      }
      try {
        return await batch(statements);
      } catch (error) {
        if (constraintViolation(error)?.name === "bookings_hold_iff_voucher") guardRefusals += 1;
        throw error;
      }
    };
    let answers: ApiResponse[];
    let suspensionSeq: number;
    try {
      const inFlight = Promise.all(requests.map((body) => moneyPost(s.sme.client, "/api/bookings", body, idempotencyKey("revoked"))));
      await allRead;
      holding = false;
      const suspended = await agencyA.reviewer.client.post(`/api/providers/${s.provider.org.id}/suspend`, { reason: "涉嫌虚开发票 Suspected false invoices" });
      expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
      const [event] = await harness.store.all<{ seq: number }>(sql`SELECT max(seq) AS seq FROM audit_events WHERE action = 'provider.suspended' AND subject_id = ${s.provider.org.id}`);
      suspensionSeq = Number(event?.seq);
      release();
      answers = await inFlight;
    } finally {
      (harness.store as { batch: typeof batch }).batch = batch;
    }

    expect(guardRefusals, "the stale writes should reach the database's guard").toBeGreaterThanOrEqual(IN_FLIGHT);
    for (const answer of answers) {
      expectRefusal(answer, 409, "no_subsidy_left");
      expect(answer.body.error.details.binding_limit).toBe("provider_not_approved_by_agency");
    }
    const subsidised = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM bookings WHERE programme_id = ${s.programme.id}`);
    expect(Number(subsidised[0]?.n)).toBe(0);
    const lateEvents = await harness.store.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM audit_events WHERE subject_type = 'booking' AND programme_id = ${s.programme.id} AND seq > ${suspensionSeq}`,
    );
    expect(Number(lateEvents[0]?.n)).toBe(0);
    expect(await heldOn(s.voucher.id)).toBe(0);
    // Still published (B approves it): the SME may book it at full price.
    const { voucher_id: _, ...fullPrice } = requests[0]!;
    expect((await book(s.sme.client, fullPrice)).body).toMatchObject({ subsidy_fen: 0, voucher_id: null });
    await expectLedgerConsistent(harness);
  });
});

describe("the platform's installation-wide suspension", () => {
  it("stops every booking of the provider, whatever agencies approve it, and only the platform lifts it", async () => {
    const s = await scene([agencyA, agencyB]);
    const request = { offering_id: s.offering.id, quantity: 1, ...hours("10:00", "11:00") };
    const suspended = await platform.admin.client.post(`/api/providers/${s.provider.org.id}/installation-status`, { status: "suspended", reason: "骗补 Subsidy fraud" });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body).toMatchObject({ installation_status: "suspended", provider_status: "suspended" });
    expectRefusal(await book(s.sme.client, request), 404, "not_found");
    expect((await s.sme.client.post("/api/search/capacity", searchNeed(s.model))).body.options).toEqual([]);
    expect((await s.provider.client.post("/api/offerings", computeBody())).status).toBe(403);
    // The agencies' own decisions stand untouched, and an agency cannot lift the platform's.
    const rows = await harness.store.all<{ status: string }>(sql`SELECT status FROM provider_vettings WHERE provider_org_id = ${s.provider.org.id} AND agency_org_id IN (${agencyA.org.id}, ${agencyB.org.id})`);
    expect(rows.map((r) => r.status)).toEqual(["approved", "approved"]);
    expect((await agencyA.admin.client.post(`/api/providers/${s.provider.org.id}/installation-status`, { status: "active", reason: "申诉 Appeal" })).status).toBe(403);

    const reinstated = await platform.admin.client.post(`/api/providers/${s.provider.org.id}/installation-status`, { status: "active", reason: "核查无误 Cleared" });
    expect(reinstated.body).toMatchObject({ installation_status: "active", provider_status: "approved" });
    expect((await book(s.sme.client, request)).status).toBe(201);
    await expectLedgerConsistent(harness);
  });
});
