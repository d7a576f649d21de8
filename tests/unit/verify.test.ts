// The invariant checker must catch what it claims to catch: each test breaks one invariant behind
// the application's back (raw SQL, CHECKs switched off where they would refuse) and expects the
// check for it to fail and name the first offending row. Node only: corrupting a shared D1
// database would break other files' tests.
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { accountIds } from "../../src/db/accounts";
import { openNodeStore } from "../../src/db/node";
import type { Store } from "../../src/db/store";
import { sweepExpiredVouchers } from "../../src/services/expiry";
import { formatReport, verifyLedger } from "../../src/services/verify";
import { createWorld, hold, issue, release, settle, type World } from "../support/ledger-driver";

const NOW = Date.parse("2026-06-15T10:00:00+08:00");
let store: Store;
let world: World;
let voucherId: string;

beforeEach(async () => {
  store = openNodeStore(":memory:");
  world = await createWorld(store, NOW, { budget_fen: 1_000_000, smeCount: 2, rules: { validity: { kind: "days_from_issue", days: 10 } } });
  voucherId = await issue(store, world, world.smes[0]!, 100_000, NOW);
  const expiring = await issue(store, world, world.smes[1]!, 50_000, NOW);
  await hold(store, world, voucherId, 20_000, NOW);
  await settle(store, world, await hold(store, world, voucherId, 30_000, NOW), 25_000, NOW);
  await release(store, world, await hold(store, world, voucherId, 5_000, NOW), NOW);
  await hold(store, world, expiring, 10_000, NOW);
  await sweepExpiredVouchers(store, NOW + 11 * 86_400_000);
});

async function failing(name: string) {
  const report = await verifyLedger(store);
  expect(report.ok).toBe(false);
  const check = report.checks.find((c) => c.name === name);
  expect(check?.ok, formatReport(report)).toBe(false);
  return check!;
}

describe("verifyLedger", () => {
  it("passes every check on a ledger moved only through the services", async () => {
    const report = await verifyLedger(store);
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(["balanced", "accounts_match_transfers", "no_overdraft", "pools_within_budget", "vouchers_match_accounts", "annual_subsidy_within_cap", "annual_issuance_within_cap", "pending_resolved_once", "transfers_in_their_programme"]));
    expect(formatReport(report)).toContain("ledger invariants hold");
  });

  it("records each transfer's programme in its own write: the budget's, the issues', the holds' and their resolutions'", async () => {
    const rows = await store.all<{ code: string; kind: string; programme_id: string | null }>(sql`SELECT code, kind, programme_id FROM ledger_transfers ORDER BY rowid`);
    expect(rows.map((r) => r.code)).toEqual(expect.arrayContaining(["budget", "issue", "hold", "deliver", "expire"]));
    expect(rows.filter((r) => r.programme_id !== world.programme_id)).toEqual([]);
  });

  it("catches a transfer filed under another programme, and one under none", async () => {
    const [settled] = await store.all<{ id: string }>(sql`SELECT id FROM ledger_transfers WHERE kind = 'post_pending' LIMIT 1`);
    await store.batch([sql`UPDATE ledger_transfers SET programme_id = 'prg_elsewhere' WHERE id = ${settled!.id}`]);
    expect((await failing("transfers_in_their_programme")).first_failure).toMatchObject({ transfer_id: settled!.id, programme_id: "prg_elsewhere", debit_programme_id: world.programme_id });
    await store.batch([sql`UPDATE ledger_transfers SET programme_id = NULL WHERE id = ${settled!.id}`]);
    expect((await failing("transfers_in_their_programme")).first_failure).toMatchObject({ transfer_id: settled!.id, programme_id: null });
  });

  it("catches money made from nothing: the sum is no longer zero, and the account no longer matches its transfers", async () => {
    await store.batch([sql`UPDATE ledger_accounts SET credits_posted_fen = credits_posted_fen + 1 WHERE id = ${accountIds.voucher(voucherId)}`]);
    expect((await failing("balanced")).detail).toContain("= 1 fen");
    expect((await failing("accounts_match_transfers")).first_failure).toMatchObject({ account_id: accountIds.voucher(voucherId), credits_posted_fen: 100_001, transfers_credits_posted_fen: 100_000 });
  });

  it("catches a balanced move with no transfer behind it", async () => {
    await store.batch([
      sql`UPDATE ledger_accounts SET debits_posted_fen = debits_posted_fen + 7 WHERE id = ${accountIds.programmePool(world.programme_id)}`,
      sql`UPDATE ledger_accounts SET credits_posted_fen = credits_posted_fen + 7 WHERE id = ${accountIds.voucher(voucherId)}`,
    ]);
    expect((await verifyLedger(store)).checks.find((c) => c.name === "balanced")?.ok).toBe(true);
    expect((await failing("accounts_match_transfers")).detail).toMatch(/^2 violation/);
  });

  it("catches an overdrawn voucher, and one whose account lost its overdraft limit", async () => {
    await store.all(sql`PRAGMA ignore_check_constraints = 1`);
    await store.batch([sql`UPDATE ledger_accounts SET debits_pending_fen = debits_pending_fen + 1000000 WHERE id = ${accountIds.voucher(voucherId)}`]);
    expect((await failing("no_overdraft")).first_failure).toMatchObject({ account_id: accountIds.voucher(voucherId), kind: "voucher" });
    await store.all(sql`PRAGMA ignore_check_constraints = 0`);
  });

  it("catches a voucher account without its limit flag", async () => {
    await store.batch([sql`UPDATE ledger_accounts SET debits_must_not_exceed_credits = 0 WHERE id = ${accountIds.voucher(voucherId)}`]);
    expect((await failing("no_overdraft")).first_failure).toMatchObject({ account_id: accountIds.voucher(voucherId) });
  });

  it("catches a budget that no transfer funded", async () => {
    await store.batch([sql`UPDATE programmes SET budget_fen = budget_fen + 1 WHERE id = ${world.programme_id}`]);
    expect((await failing("pools_within_budget")).first_failure).toMatchObject({ programme_id: world.programme_id, budget_fen: 1_000_001, funded_fen: 1_000_000 });
  });

  it("catches a voucher whose face value differs from what its account was credited", async () => {
    await store.batch([sql`UPDATE vouchers SET face_value_fen = face_value_fen + 1 WHERE id = ${voucherId}`]);
    expect((await failing("vouchers_match_accounts")).first_failure).toMatchObject({ voucher_id: voucherId, face_value_fen: 100_001, credits_posted_fen: 100_000 });
  });

  it("catches an annual subsidy counter that disagrees with the holds it counts", async () => {
    await store.batch([sql`UPDATE annual_subsidy SET subsidy_fen = subsidy_fen - 1 WHERE sme_org_id = ${world.smes[0]!.id}`]);
    expect((await failing("annual_subsidy_within_cap")).first_failure).toMatchObject({ sme_org_id: world.smes[0]!.id, subsidy_fen: 24_999, counted_fen: 25_000 });
  });

  it("catches an annual issuance counter that disagrees with the vouchers issued", async () => {
    await store.batch([sql`UPDATE annual_issuance SET issued_fen = issued_fen + 1 WHERE sme_org_id = ${world.smes[1]!.id}`]);
    expect((await failing("annual_issuance_within_cap")).first_failure).toMatchObject({ sme_org_id: world.smes[1]!.id, issued_fen: 50_001, issued_sum_fen: 50_000 });
  });

  it("catches a pending transfer resolved twice", async () => {
    const [voided] = await store.all<{ pending_id: string; debit_account_id: string; credit_account_id: string; amount_fen: number }>(sql`SELECT * FROM ledger_transfers WHERE kind = 'void_pending' LIMIT 1`);
    await store.batch([sql`DROP INDEX ledger_transfers_pending_resolved_once`]);
    await store.batch([
      sql`INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, kind, pending_id, code, created_at)
          VALUES ('again', ${voided!.debit_account_id}, ${voided!.credit_account_id}, ${voided!.amount_fen}, 'void_pending', ${voided!.pending_id}, 'cancelled', ${NOW})`,
    ]);
    expect((await failing("pending_resolved_once")).first_failure).toMatchObject({ pending_id: voided!.pending_id, resolutions: 2 });
  });
});
