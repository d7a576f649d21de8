import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import type { ProgrammeRules } from "../../src/domain/programme-rules";
import { DAY_MS } from "../../src/lib/time";
import { sweepExpiredVouchers } from "../../src/services/expiry";
import { createAgency, organisationName, signUpSme } from "../support/fixtures";
import { hold, release, settle, type World } from "../support/ledger-driver";
import { createProgramme, expectLedgerConsistent, idempotencyKey, issueVoucher, moneyPost } from "../support/programmes";

const harness = await createHarness();
const agency = await createAgency(harness);
const otherAgency = await createAgency(harness);

afterEach(() => expectLedgerConsistent(harness));

/** A voucher issued through the API, and the handle the ledger driver needs to place holds on it. */
async function voucherFor(face_fen: number, rules: Partial<ProgrammeRules> = {}) {
  const programme = await createProgramme(harness, agency, { budget_fen: 100_000_000, rules });
  const sme = await signUpSme(harness);
  const { voucher } = await issueVoucher(agency, sme, programme.id, face_fen);
  const world: World = { agency_org_id: agency.org.id, programme_id: programme.id, smes: [], provider_org_id: "org_voucherstestprovider" };
  return { programme, sme, voucher, world };
}

const returnTransfers = (voucherId: string) =>
  harness.store.all<{ id: string; code: string; amount_fen: number }>(sql`SELECT id, code, amount_fen FROM ledger_transfers WHERE id = ${`return:${voucherId}`}`);

describe("a voucher's balance", () => {
  it("shows face, held, spent and available, and the transfers behind them, newest first", async () => {
    const { sme, voucher, world } = await voucherFor(100_000);
    const now = harness.clock.now;
    const kept = await hold(harness.store, world, voucher.id, 30_000, now);
    const settled = await hold(harness.store, world, voucher.id, 20_000, now + 1);
    const cancelled = await hold(harness.store, world, voucher.id, 10_000, now + 2);
    await settle(harness.store, world, settled, 15_000, now + 3);
    await release(harness.store, world, cancelled, now + 4);

    const res = await sme.client.get(`/api/vouchers/${voucher.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ face_value_fen: 100_000, held_fen: 30_000, spent_fen: 15_000, lapsed_fen: 0, available_fen: 55_000, status: "active" });
    expect(res.body.transfers.total).toBe(6);
    expect(res.body.transfers.items.map((t: { code: string; direction: string; amount_fen: number }) => [t.code, t.direction, t.amount_fen])).toEqual([
      ["cancelled", "out", 10_000],
      ["deliver", "out", 15_000],
      ["hold", "out", 10_000],
      ["hold", "out", 20_000],
      ["hold", "out", 30_000],
      ["issue", "in", 100_000],
    ]);
    expect(kept.booking_id).toBeTruthy();
    const page = await sme.client.get(`/api/vouchers/${voucher.id}?transfers_limit=2&transfers_offset=4`);
    expect(page.body.transfers).toMatchObject({ total: 6, limit: 2, offset: 4 });
    expect(page.body.transfers.items.map((t: { code: string }) => t.code)).toEqual(["hold", "issue"]);
    expect((await sme.client.get(`/api/vouchers/${voucher.id}?transfers_limit=101`)).status).toBe(400);
  });

  it("lists an enterprise's own vouchers with balances, and an agency's vouchers of its programmes only", async () => {
    const { programme, sme, voucher } = await voucherFor(40_000);
    const mine = await sme.client.get("/api/vouchers");
    expect(mine.body.items.map((v: { id: string }) => v.id)).toEqual([voucher.id]);
    expect(mine.body.items[0]).toMatchObject({ face_value_fen: 40_000, available_fen: 40_000, held_fen: 0 });
    const agencyView = await agency.auditor.client.get(`/api/vouchers?programme_id=${programme.id}&status=active`);
    expect(agencyView.body.items.map((v: { id: string }) => v.id)).toEqual([voucher.id]);
    expect((await otherAgency.auditor.client.get(`/api/vouchers?programme_id=${programme.id}`)).body.items).toEqual([]);
  });

  it("names the holding enterprise and the programme, in lists and details, for the holder and the agency", async () => {
    const { programme, sme, voucher } = await voucherFor(5_000);
    const names = { sme_name: await organisationName(harness, sme.org.id), programme_name: programme.name };
    expect((await agency.auditor.client.get(`/api/vouchers?programme_id=${programme.id}`)).body.items).toEqual([expect.objectContaining({ id: voucher.id, ...names })]);
    expect((await sme.client.get("/api/vouchers")).body.items).toEqual([expect.objectContaining({ id: voucher.id, ...names })]);
    expect((await agency.finance.client.get(`/api/vouchers/${voucher.id}`)).body).toMatchObject({ id: voucher.id, ...names });
    expect((await sme.client.get(`/api/vouchers/${voucher.id}`)).body).toMatchObject({ id: voucher.id, ...names });
  });

  it("is hidden from other enterprises and other agencies (404)", async () => {
    const { voucher } = await voucherFor(1_000);
    const stranger = await signUpSme(harness);
    expect((await stranger.client.get(`/api/vouchers/${voucher.id}`)).status).toBe(404);
    expect((await otherAgency.admin.client.get(`/api/vouchers/${voucher.id}`)).status).toBe(404);
    expect((await agency.finance.client.get(`/api/vouchers/${voucher.id}`)).status).toBe(200);
  });
});

describe("revoking a voucher", () => {
  it("voids its holds and returns everything not spent to the pool, once per Idempotency-Key", async () => {
    const { programme, sme, voucher, world } = await voucherFor(100_000);
    const now = harness.clock.now;
    await hold(harness.store, world, voucher.id, 25_000, now);
    const spent = await hold(harness.store, world, voucher.id, 10_000, now);
    await settle(harness.store, world, spent, 10_000, now);

    const key = idempotencyKey("revoke");
    const res = await moneyPost(agency.reviewer.client, `/api/vouchers/${voucher.id}/revoke`, { reason: "虚假合同 Fabricated contract" }, key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "revoked", status_reason: "虚假合同 Fabricated contract", face_value_fen: 100_000, held_fen: 0, spent_fen: 10_000, lapsed_fen: 90_000, available_fen: 0 });
    expect((await sme.client.get(`/api/vouchers/${voucher.id}`)).body).toMatchObject({ status: "revoked", held_fen: 0, spent_fen: 10_000, lapsed_fen: 90_000, available_fen: 0 });
    expect((await agency.admin.client.get(`/api/programmes/${programme.id}`)).body.pool).toMatchObject({ issued_fen: 100_000, returned_fen: 90_000, available_fen: 99_990_000 });
    const [counter] = await harness.store.all<{ subsidy_fen: number }>(sql`SELECT subsidy_fen FROM annual_subsidy WHERE programme_id = ${programme.id}`);
    expect(counter?.subsidy_fen).toBe(10_000);

    const replay = await moneyPost(agency.reviewer.client, `/api/vouchers/${voucher.id}/revoke`, { reason: "虚假合同 Fabricated contract" }, key);
    expect(replay.body).toEqual(res.body);
    expect((await moneyPost(agency.reviewer.client, `/api/vouchers/${voucher.id}/revoke`, { reason: "另一理由 Other" }, key)).status).toBe(409);
    const again = await moneyPost(agency.reviewer.client, `/api/vouchers/${voucher.id}/revoke`, { reason: "再次 Again" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("voucher_not_active");
    expect(await returnTransfers(voucher.id)).toEqual([{ id: `return:${voucher.id}`, code: "revoke", amount_fen: 90_000 }]);
  });

  it("needs a reason and a decider of the owning agency", async () => {
    const { sme, voucher } = await voucherFor(1_000);
    expect((await moneyPost(agency.reviewer.client, `/api/vouchers/${voucher.id}/revoke`, {})).status).toBe(400);
    expect((await moneyPost(sme.client, `/api/vouchers/${voucher.id}/revoke`, { reason: "x" })).status).toBe(403);
    expect((await moneyPost(agency.auditor.client, `/api/vouchers/${voucher.id}/revoke`, { reason: "x" })).status).toBe(403);
    expect((await moneyPost(otherAgency.admin.client, `/api/vouchers/${voucher.id}/revoke`, { reason: "x" })).status).toBe(404);
  });
});

describe("the expiry sweep", () => {
  it("lapses a voucher after its last valid day: holds voided, annual room given back, balance back in the pool", async () => {
    const { programme, sme, voucher, world } = await voucherFor(60_000, { validity: { kind: "days_from_issue", days: 1 } });
    const now = harness.clock.now;
    await hold(harness.store, world, voucher.id, 20_000, now);
    const delivered = await hold(harness.store, world, voucher.id, 5_000, now);
    await settle(harness.store, world, delivered, 5_000, now);

    const early = await sweepExpiredVouchers(harness.store, Date.parse(voucher.expires_at) - 1);
    expect(early.failed).toEqual([]);
    expect((await sme.client.get(`/api/vouchers/${voucher.id}`)).body.status).toBe("active");

    const report = await sweepExpiredVouchers(harness.store, Date.parse(voucher.expires_at));
    expect(report.failed).toEqual([]);
    expect(report.expired).toBeGreaterThanOrEqual(1);
    const after = (await sme.client.get(`/api/vouchers/${voucher.id}`)).body;
    expect(after).toMatchObject({ status: "expired", held_fen: 0, spent_fen: 5_000, lapsed_fen: 55_000, available_fen: 0 });
    expect(after.status_reason).toContain(after.valid_through_on);
    expect(after.transfers.items.map((t: { code: string }) => t.code).slice(0, 2)).toEqual(["expire", "expire"]);
    expect((await agency.admin.client.get(`/api/programmes/${programme.id}`)).body.pool.returned_fen).toBe(55_000);
    const [counter] = await harness.store.all<{ subsidy_fen: number }>(sql`SELECT subsidy_fen FROM annual_subsidy WHERE programme_id = ${programme.id}`);
    expect(counter?.subsidy_fen).toBe(5_000);
  });

  it("is idempotent run twice and run concurrently: each voucher lapses once, with one return transfer", async () => {
    const { voucher: first } = await voucherFor(7_000, { validity: { kind: "days_from_issue", days: 1 } });
    const { voucher: second } = await voucherFor(9_000, { validity: { kind: "days_from_issue", days: 1 } });
    const at = Date.parse(second.expires_at) + DAY_MS;
    await Promise.all([sweepExpiredVouchers(harness.store, at), sweepExpiredVouchers(harness.store, at), sweepExpiredVouchers(harness.store, at)]);
    await sweepExpiredVouchers(harness.store, at);
    expect(await returnTransfers(first.id)).toEqual([{ id: `return:${first.id}`, code: "expire", amount_fen: 7_000 }]);
    expect(await returnTransfers(second.id)).toEqual([{ id: `return:${second.id}`, code: "expire", amount_fen: 9_000 }]);
    const events = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'voucher.expired' AND subject_id IN (${first.id}, ${second.id})`);
    expect(events[0]?.n).toBe(2);
  });

  it("runs from the scheduled work the Workers cron and the Node server's timer both call (runScheduled)", async () => {
    const { voucher } = await voucherFor(3_000, { validity: { kind: "days_from_issue", days: 1 } });
    const { runScheduled } = await import("../../src/services/scheduled");
    await runScheduled(harness.store, Date.parse(voucher.expires_at));
    expect(await returnTransfers(voucher.id)).toEqual([{ id: `return:${voucher.id}`, code: "expire", amount_fen: 3_000 }]);
  });
});
