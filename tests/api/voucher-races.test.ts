// Concurrency: many requests read the same balance at once, all compute that they fit, and the
// database guards let exactly the affordable ones commit (DESIGN §4). Runs on better-sqlite3 and
// on D1, where there are no interactive transactions, only guarded batches.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { constraintViolation } from "../../src/db/constraints";
import type { Store } from "../../src/db/store";
import { AppError } from "../../src/lib/errors";
import { readVoucherWithBalance } from "../../src/services/vouchers";
import { createWorld, hold, issue } from "../support/ledger-driver";
import { expectLedgerConsistent } from "../support/programmes";

const harness = await createHarness();

/** The harness's store, counting batches and the ones a guard refused. */
function countingStore(store: Store) {
  const counts = { batches: 0, guard_failures: 0 };
  const counted: Store = {
    ...store,
    async batch(statements) {
      counts.batches++;
      try {
        return await store.batch(statements);
      } catch (error) {
        if (constraintViolation(error)) counts.guard_failures++;
        throw error;
      }
    },
  };
  return { store: counted, counts };
}

function outcomes<T>(settled: PromiseSettledResult<T>[]) {
  const refused = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected").map((s) => s.reason);
  for (const reason of refused) expect(reason, String(reason)).toBeInstanceOf(AppError);
  return { succeeded: settled.filter((s) => s.status === "fulfilled").length, refused: refused as AppError[] };
}

describe("concurrent holds on one voucher", () => {
  it("of 240 holds of ¥7.00 on a ¥500.00 voucher, exactly 71 succeed and 169 are refused with a reason", async () => {
    const ATTEMPTS = 240;
    const AMOUNT_FEN = 700;
    const FACE_FEN = 50_000;
    const now = harness.clock.now;
    const world = await createWorld(harness.store, now, { budget_fen: 10_000_000, smeCount: 1, rules: { annual_subsidy_cap_fen: 1_000_000 } });
    const voucherId = await issue(harness.store, world, world.smes[0]!, FACE_FEN, now);
    const { store, counts } = countingStore(harness.store);

    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: ATTEMPTS }, () => hold(store, world, voucherId, AMOUNT_FEN, now)));
    const elapsedMs = Math.round(performance.now() - started);

    const affordable = Math.floor(FACE_FEN / AMOUNT_FEN);
    const { succeeded, refused } = outcomes(settled);
    expect(succeeded).toBe(affordable);
    expect(refused).toHaveLength(ATTEMPTS - affordable);
    for (const error of refused) {
      expect(error.status).toBe(409);
      expect(error.code).toBe("insufficient_voucher_balance");
      expect(error.message).toMatch(/余额.*\/.*(left|no longer covers)/);
    }
    const row = await readVoucherWithBalance(harness.store, voucherId);
    expect(row?.account).toMatchObject({ debits_pending_fen: affordable * AMOUNT_FEN, debits_posted_fen: 0, credits_posted_fen: FACE_FEN });
    const [holds] = await harness.store.all<{ n: number; fen: number }>(
      sql`SELECT count(*) AS n, sum(amount_fen) AS fen FROM ledger_transfers WHERE debit_account_id = ${row?.voucher.account_id} AND kind = 'pending'`,
    );
    expect(holds).toEqual({ n: affordable, fen: affordable * AMOUNT_FEN });
    const [counter] = await harness.store.all<{ subsidy_fen: number }>(sql`SELECT subsidy_fen FROM annual_subsidy WHERE programme_id = ${world.programme_id}`);
    expect(counter?.subsidy_fen).toBe(affordable * AMOUNT_FEN);
    await expectLedgerConsistent(harness);
    console.info(
      `[race ${harness.driver}] ${ATTEMPTS} holds of ${AMOUNT_FEN} fen on ${FACE_FEN} fen: ${succeeded} held, ${refused.length} refused; ` +
        `${counts.batches} batches, ${counts.guard_failures} refused by a CHECK and retried; ${elapsedMs} ms`,
    );
  });
});

describe("concurrent approvals against one budget and one annual cap", () => {
  it("a pool of ¥255.00 issues exactly 25 of 60 concurrent ¥10.00 vouchers: the budget cannot be spent twice", async () => {
    const now = harness.clock.now;
    const world = await createWorld(harness.store, now, { budget_fen: 25_500, smeCount: 60, rules: { annual_issuance_quota_fen: 100_000, annual_subsidy_cap_fen: 100_000 } });
    const settled = await Promise.allSettled(world.smes.map((sme) => issue(harness.store, world, sme, 1_000, now)));
    const { succeeded, refused } = outcomes(settled);
    expect(succeeded).toBe(25);
    for (const error of refused) expect(error.status).toBe(409);
    const [pool] = await harness.store.all<{ available: number }>(
      sql`SELECT credits_posted_fen - debits_posted_fen - debits_pending_fen AS available FROM ledger_accounts WHERE programme_id = ${world.programme_id} AND kind = 'programme_pool'`,
    );
    expect(pool?.available).toBe(500);
    await expectLedgerConsistent(harness);
  });

  it("one enterprise drawing ¥200 at a time 30 times at once gets exactly 5 draws under a ¥1,000 annual cap", async () => {
    const now = harness.clock.now;
    const world = await createWorld(harness.store, now, { budget_fen: 10_000_000, smeCount: 1, rules: { annual_issuance_quota_fen: 100_000, max_voucher_fen: 20_000 } });
    const sme = world.smes[0]!;
    const settled = await Promise.allSettled(Array.from({ length: 30 }, () => issue(harness.store, world, sme, 20_000, now)));
    const { succeeded, refused } = outcomes(settled);
    expect(succeeded).toBe(5);
    for (const error of refused) expect(error.status).toBe(409);
    const [counter] = await harness.store.all<{ issued_fen: number }>(sql`SELECT issued_fen FROM annual_issuance WHERE programme_id = ${world.programme_id} AND sme_org_id = ${sme.id}`);
    expect(counter?.issued_fen).toBe(100_000);
    await expectLedgerConsistent(harness);
  });
});
