// Reports: every money figure is a sum of ledger transfers, checked here against the transfers
// themselves after a scenario with issues, holds, a delivery, a cancellation, a revocation and
// a hold still open; and the reports are scoped to the caller's agency's programmes.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { booked, computeBody, cst, MONDAY_8AM, publish, range, voucherMarket } from "../support/bookings";
import { createAgency, newClient, signUpSme } from "../support/fixtures";
import { expectLedgerConsistent, issueVoucher, moneyPost } from "../support/programmes";
import { reportUsage } from "../support/usage";

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;

async function scenario() {
  harness.clock.now = MONDAY_8AM;
  const agency = await createAgency(harness);
  const market = await voucherMarket(harness, { agency, face_fen: 1_000_000 });
  const otherSme = await signUpSme(harness);
  const { voucher: otherVoucher } = await issueVoucher(agency, otherSme, market.programme.id, 500_000);
  const offering = await publish(market.provider, computeBody());
  const book = (client: typeof market.sme.client, voucherId: string, from: string, to: string, quantity = 1) =>
    booked(client, { offering_id: offering.id, quantity, ...range(from, to), voucher_id: voucherId });

  const delivered = await book(market.sme.client, market.voucher.id, "2026-03-03T10:00", "2026-03-03T12:00", 2);
  const cancelled = await book(market.sme.client, market.voucher.id, "2026-03-05T10:00", "2026-03-05T11:00");
  const revokedAway = await book(otherSme.client, otherVoucher.id, "2026-03-06T10:00", "2026-03-06T12:00");
  const stillHeld = await book(market.sme.client, market.voucher.id, "2026-03-09T10:00", "2026-03-09T13:00");

  expect((await moneyPost(market.sme.client, `/api/bookings/${cancelled.id}/cancel`, {})).status).toBe(200);
  harness.clock.now = Date.parse(cst("2026-03-03T10:00"));
  expect((await market.provider.client.post(`/api/bookings/${delivered.id}/start`, {})).status).toBe(200);
  harness.clock.now = Date.parse(cst("2026-03-03T12:00"));
  // Used 3 of the 4 booked card-hours: the unused quarter of the hold returns to the voucher.
  await reportUsage(market.provider.client, [{ booking_id: delivered.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: 3_000 }]);
  expect((await moneyPost(market.provider.client, `/api/bookings/${delivered.id}/deliver`, {})).body.status).toBe("delivered");
  expect((await moneyPost(agency.reviewer.client, `/api/vouchers/${otherVoucher.id}/revoke`, { reason: "虚假材料 False documents" })).status).toBe(200);
  return { agency, market, otherSme, revokedVoucher: otherVoucher, offering, bookings: { delivered, cancelled, revokedAway, stillHeld } };
}

/** The programme's transfers summed straight from the table, by kind and code. */
async function sums(programmeId: string) {
  const rows = await harness.store.all<{ kind: string; code: string; amount: number }>(sql`
    SELECT t.kind AS kind, t.code AS code, sum(t.amount_fen) AS amount FROM ledger_transfers t
    WHERE t.debit_account_id IN (SELECT id FROM ledger_accounts WHERE programme_id = ${programmeId})
       OR t.credit_account_id IN (SELECT id FROM ledger_accounts WHERE programme_id = ${programmeId})
    GROUP BY t.kind, t.code`);
  const of = (kind: string, code?: string) => rows.filter((r) => r.kind === kind && (!code || r.code === code)).reduce((s, r) => s + Number(r.amount), 0);
  return { rows, of };
}

describe("programme report", () => {
  it("reconciles every money figure with the ledger's transfers", async () => {
    const { agency, market, bookings } = await scenario();
    const res = await agency.auditor.client.get(`/api/reports/programmes/${market.programme.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = res.body;
    const { of, rows } = await sums(market.programme.id);
    // A settled or released hold leaves "held" with its full held amount, whatever was posted.
    const [resolved] = await harness.store.all<{ amount: number }>(sql`
      SELECT sum(h.amount_fen) AS amount FROM ledger_transfers h JOIN ledger_transfers r ON r.pending_id = h.id
      WHERE h.subject_id IN (${bookings.delivered.id}, ${bookings.cancelled.id}, ${bookings.revokedAway.id}, ${bookings.stillHeld.id})`);
    const resolvedHoldsFen = Number(resolved!.amount);

    expect(report.ledger).toEqual({
      budget_fen: of("posted", "budget"),
      issued_fen: of("posted", "issue"),
      holds_placed_fen: of("pending", "hold"),
      held_fen: of("pending", "hold") - resolvedHoldsFen,
      settled_fen: of("post_pending", "deliver"),
      holds_released_fen: of("void_pending"),
      lapsed_fen: of("posted", "expire"),
      revoked_fen: of("posted", "revoke"),
      dispute_reversed_fen: 0,
      net_subsidy_fen: of("post_pending", "deliver"),
      paid_fen: of("posted", "payout"),
      claim_reversed_fen: of("posted", "claim_reversal"),
    });
    expect(report.ledger.issued_fen).toBe(1_500_000);
    expect(report.ledger.revoked_fen).toBe(500_000);
    expect(report.transfers_by_code.reduce((s: number, t: { amount_fen: number }) => s + t.amount_fen, 0)).toBe(rows.reduce((s, r) => s + Number(r.amount), 0));

    // The held figure is exactly the one booking still open.
    const [hold] = await harness.store.all<{ amount_fen: number }>(sql`SELECT amount_fen FROM ledger_transfers WHERE id = ${`hold:${bookings.stillHeld.id}`}`);
    expect(report.ledger.held_fen).toBe(Number(hold!.amount_fen));
    // The pool holds what was budgeted, less what was issued, plus what revocation returned.
    expect(report.pool_available_fen).toBe(report.ledger.budget_fen - report.ledger.issued_fen + report.ledger.revoked_fen);
    expect(report.burn_down.remaining_fen).toBe(report.pool_available_fen);

    // Delivered subsidy from the ledger equals the booking's settled figures; gross = subsidy + co-pay.
    const [b] = await harness.store.all<{ s: number; g: number; c: number }>(sql`SELECT delivered_subsidy_fen AS s, delivered_gross_fen AS g, delivered_copay_fen AS c FROM bookings WHERE id = ${bookings.delivered.id}`);
    expect(report.delivered).toMatchObject({ bookings: 1, subsidy_fen: Number(b!.s), gross_fen: Number(b!.g), copay_fen: Number(b!.c) });
    expect(report.delivered.subsidy_fen).toBe(report.ledger.settled_fen);
    expect(report.delivered.gross_fen).toBe(report.delivered.subsidy_fen + report.delivered.copay_fen);
    expect(report.delivered.subsidy_ratio_bp).toBe(Math.round((report.delivered.subsidy_fen * 10_000) / report.delivered.gross_fen));
    for (const rowsBy of Object.values(report.delivered_by) as { subsidy_fen: number; copay_fen: number }[][]) {
      expect(rowsBy.reduce((s, r) => s + r.subsidy_fen, 0)).toBe(report.ledger.net_subsidy_fen);
      expect(rowsBy.reduce((s, r) => s + r.copay_fen, 0)).toBe(report.delivered.copay_fen);
    }
    expect(report.delivered_by.month.map((r: { key: string }) => r.key)).toEqual(["2026-03"]);
    expect(report.delivered_by.category).toMatchObject([{ key: "compute" }]);
    expect(report.top_providers).toMatchObject([{ key: market.provider.org.id, subsidy_fen: report.ledger.settled_fen }]);
    expect(report.top_smes).toMatchObject([{ key: market.sme.org.id, subsidy_fen: report.ledger.settled_fen }]);

    expect(report.applications).toMatchObject({ applied: 2, approved: 2, rejected: 0 });
    expect(report.vouchers).toMatchObject({ issued: 2, active: 1, revoked: 1, expired: 0, face_value_fen: 1_500_000 });
    await expectLedgerConsistent(harness);
  });

  it("a past period gives the pool and its burn-down as they stood at the period's end, reconciled with the transfers recorded by then", async () => {
    const { agency, market, revokedVoucher } = await scenario();
    const [{ pool } = { pool: "" }] = await harness.store.all<{ pool: string }>(sql`SELECT pool_account_id AS pool FROM programmes WHERE id = ${market.programme.id}`);
    /** The pool's available balance from the table: credits − debits posted, less holds still open, before `to`. */
    const poolBefore = async (to: number) => {
      const [row] = await harness.store.all<{ credits: number; debits: number; open: number }>(sql`
        SELECT sum(CASE WHEN t.kind IN ('posted', 'post_pending') AND t.credit_account_id = ${pool} THEN t.amount_fen ELSE 0 END) AS credits,
          sum(CASE WHEN t.kind IN ('posted', 'post_pending') AND t.debit_account_id = ${pool} THEN t.amount_fen ELSE 0 END) AS debits,
          sum(CASE WHEN t.kind = 'pending' AND t.debit_account_id = ${pool}
            AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = t.id AND r.created_at < ${to}) THEN t.amount_fen ELSE 0 END) AS open
        FROM ledger_transfers t WHERE t.created_at < ${to} AND (t.credit_account_id = ${pool} OR t.debit_account_id = ${pool})`);
      return Number(row!.credits) - Number(row!.debits) - Number(row!.open ?? 0);
    };
    const [{ revoked_at } = { revoked_at: 0 }] = await harness.store.all<{ revoked_at: number }>(sql`
      SELECT created_at AS revoked_at FROM ledger_transfers WHERE code = 'revoke' AND subject_id = ${revokedVoucher.id}`);
    // Before the revocation (12:00 on 3 March) returned 5,000 yuan to the pool.
    const end = Date.parse(cst("2026-03-03T11:00"));
    expect(Number(revoked_at)).toBeGreaterThan(end);

    const today = (await agency.auditor.client.get(`/api/reports/programmes/${market.programme.id}`)).body;
    const [account] = await harness.store.all<{ credits: number; debits: number; pending: number }>(sql`
      SELECT credits_posted_fen AS credits, debits_posted_fen AS debits, debits_pending_fen AS pending FROM ledger_accounts WHERE id = ${pool}`);
    expect(today.as_of).toBe(new Date(harness.clock.now).toISOString());
    expect(today.pool_available_fen, "replayed from the transfers, the pool is the account row").toBe(Number(account!.credits) - Number(account!.debits) - Number(account!.pending));
    expect(today.pool_available_fen).toBe(await poolBefore(harness.clock.now + 1));

    const to = encodeURIComponent(new Date(end).toISOString());
    for (const query of [`to=${to}`, `from=${encodeURIComponent(cst("2026-03-03T00:00"))}&to=${to}`]) {
      const past = await agency.auditor.client.get(`/api/reports/programmes/${market.programme.id}?${query}`);
      expect(past.status, JSON.stringify(past.body)).toBe(200);
      expect(past.body.as_of).toBe(new Date(end - 1).toISOString());
      expect(past.body.pool_available_fen).toBe(await poolBefore(end));
      expect(past.body.pool_available_fen, "the revocation came after the period").toBe(today.pool_available_fen - 500_000);
      expect(past.body.burn_down.remaining_fen).toBe(past.body.pool_available_fen);
      expect(past.body.burn_down.months.at(-1)).toMatchObject({ remaining_fen: past.body.pool_available_fen });
      expect(past.body.ledger.revoked_fen).toBe(0);
      const overview = await agency.finance.client.get(`/api/reports/overview?programme_id=${market.programme.id}&${query}`);
      expect(overview.body.items).toMatchObject([{ as_of: past.body.as_of, pool_available_fen: past.body.pool_available_fen, runs_out_on: past.body.runs_out_on }]);
    }
    // Before the programme existed: an empty pool, nothing to run out.
    const before = await agency.auditor.client.get(`/api/reports/programmes/${market.programme.id}?to=${encodeURIComponent(cst("2001-03-01T00:00"))}`);
    expect(before.body).toMatchObject({ pool_available_fen: 0, runs_out_on: null, burn_down: { months: [], remaining_fen: 0, runs_out_on: null } });
  });

  it("measures booked capacity and metered usage over the period", async () => {
    const { agency, market } = await scenario();
    const res = await agency.admin.client.get(`/api/reports/programmes/${market.programme.id}?from=${encodeURIComponent(cst("2026-03-03T00:00"))}&to=${encodeURIComponent(cst("2026-03-04T00:00"))}`);
    expect(res.status).toBe(200);
    // One offering of 8 cards over 24 hours; 2 cards booked for 2 hours on 3 March.
    expect(res.body.utilisation).toMatchObject({ offerings: 1, booked_unit_hours: 4, capacity_unit_hours: 192, booked_of_capacity_bp: 208 });
    expect(res.body.utilisation).toMatchObject({ bookings_metered: 1, metered_milli: 3_000, booked_milli: 4_000, metered_of_booked_bp: 7_500 });
  });

  it("is refused to another agency (404), an SME (403) and without sign-in (401); the overview lists only the caller's programmes", async () => {
    const { market } = await scenario();
    const other = await createAgency(harness);
    expect((await other.auditor.client.get(`/api/reports/programmes/${market.programme.id}`)).status).toBe(404);
    expect((await market.sme.client.get(`/api/reports/programmes/${market.programme.id}`)).status).toBe(403);
    expect((await newClient(harness).get(`/api/reports/programmes/${market.programme.id}`)).status).toBe(401);
    const overview = await other.admin.client.get("/api/reports/overview");
    expect(overview.status).toBe(200);
    expect(overview.body.items.map((i: { programme: { id: string } }) => i.programme.id)).not.toContain(market.programme.id);
    const own = await market.agency.finance.client.get("/api/reports/overview");
    expect(own.body.items).toMatchObject([{ programme: { id: market.programme.id }, vouchers: { issued: 2 } }]);
  });
});

describe("CSV exports", () => {
  const csv = async (client: { get: (path: string, headers?: Record<string, string>) => Promise<{ status: number; body: Uint8Array; headers: Headers }> }, path: string) => {
    const res = await client.get(path, { "X-Test-Raw-Response": "1" });
    return { status: res.status, bytes: res.body, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(res.body), type: res.headers.get("content-type") };
  };

  it("exports the programme's ledger transfers with a BOM, one line per transfer, amounts summing to the ledger", async () => {
    const { agency, market } = await scenario();
    const res = await csv(agency.auditor.client as never, `/api/exports/ledger-transfers.csv?programme_id=${market.programme.id}`);
    expect(res.status).toBe(200);
    expect(res.type).toContain("text/csv");
    expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.text.slice(1).trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,kind,code,amount_fen,debit_account_id,credit_account_id,pending_id,subject_id,created_at");
    const { rows } = await sums(market.programme.id);
    const amounts = lines.slice(1).map((l) => Number(l.split(",")[3]));
    expect(amounts.reduce((s, a) => s + a, 0)).toBe(rows.reduce((s, r) => s + Number(r.amount), 0));
  });

  it("writes Chinese names intact, neutralises formula-like names, and stops at max_rows with a note", async () => {
    const { agency, market } = await scenario();
    await harness.store.all(sql`UPDATE organisations SET name = ${"=HYPERLINK(\"http://x\",\"北京\")"} WHERE id = ${market.sme.org.id}`);
    const all = await csv(agency.admin.client as never, `/api/exports/bookings.csv?programme_id=${market.programme.id}`);
    expect(all.status).toBe(200);
    expect(all.text).toContain(`"'=HYPERLINK(""http://x"",""北京"")"`);
    expect(all.text.trimEnd().split("\r\n")).toHaveLength(1 + 4);
    const cut = await csv(agency.admin.client as never, `/api/exports/bookings.csv?programme_id=${market.programme.id}&max_rows=2`);
    const lines = cut.text.trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 2 + 1);
    expect(lines[3]).toContain("truncated at 2 rows");
  });

  it("is scoped like the reports: another agency's programme is not found", async () => {
    const { market } = await scenario();
    const other = await createAgency(harness);
    expect((await csv(other.admin.client as never, `/api/exports/vouchers.csv?programme_id=${market.programme.id}`)).status).toBe(404);
    const own = await csv(other.admin.client as never, "/api/exports/vouchers.csv");
    expect(own.text).not.toContain(market.voucher.id);
  });

  it("narrows vouchers by the ledger page's status filter", async () => {
    const { agency, market, revokedVoucher } = await scenario();
    const ids = async (query: string) =>
      (await csv(agency.auditor.client as never, `/api/exports/vouchers.csv?programme_id=${market.programme.id}${query}`)).text.slice(1).trimEnd().split("\r\n").slice(1).map((l) => l.split(",")[0]);
    expect(await ids("&status=active")).toEqual([market.voucher.id]);
    expect(await ids("&status=revoked")).toEqual([revokedVoucher.id]);
    expect(await ids("&status=expired")).toEqual([]);
    expect((await ids("")).sort()).toEqual([market.voucher.id, revokedVoucher.id].sort());
    expect((await csv(agency.auditor.client as never, "/api/exports/vouchers.csv?status=spent")).status).toBe(400);
  });
});
