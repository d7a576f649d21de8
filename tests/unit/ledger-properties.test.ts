// Property: any sequence of issue / hold / settle / release / expire / revoke / top-up keeps every
// ledger invariant (verifyLedger after each step), and each operation succeeds exactly when a
// simple model of balances and caps says it should, leaving the balances the model predicts.
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountIds } from "../../src/db/accounts";
import { openNodeStore } from "../../src/db/node";
import type { Store } from "../../src/db/store";
import { voucherExpiresAt } from "../../src/domain/validity";
import { AppError } from "../../src/lib/errors";
import { HOUR_MS, shanghaiYear } from "../../src/lib/time";
import { sweepExpiredVouchers } from "../../src/services/expiry";
import { formatReport, verifyLedger } from "../../src/services/verify";
import { createWorld, hold, issue, release, revoke, settle, topUp, type HoldRef, type World } from "../support/ledger-driver";

const START = Date.parse("2026-12-20T10:00:00+08:00"); // near a year end, so annual caps roll over
const BUDGET_FEN = 400_000;
const ANNUAL_CAP_FEN = 250_000;
const MAX_DRAW_FEN = 150_000;
const VALIDITY = { kind: "days_from_issue", days: 30 } as const;
const RULES = { annual_issuance_quota_fen: ANNUAL_CAP_FEN, annual_subsidy_cap_fen: ANNUAL_CAP_FEN, max_voucher_fen: MAX_DRAW_FEN, validity: VALIDITY, application_opens_on: "2000-01-01", application_closes_on: "2099-12-31" };

/** A random amount, or exactly what the tightest limit leaves, or one fen more: boundaries get hit. */
type Amount = number | "exact" | "over";

type Op =
  | { kind: "issue"; sme: number; amount: Amount }
  | { kind: "hold"; voucher: number; amount: Amount }
  | { kind: "settle"; hold: number; percent: number }
  | { kind: "release"; hold: number }
  | { kind: "advance"; hours: number }
  | { kind: "revoke"; voucher: number }
  | { kind: "top_up"; amount: number };

const amount = (max: number): fc.Arbitrary<Amount> =>
  fc.oneof({ arbitrary: fc.integer({ min: 1, max }), weight: 1 }, { arbitrary: fc.constantFrom("exact" as const, "over" as const), weight: 1 });

/** The fen an Amount stands for, given what the tightest limit leaves (never below 1 fen). */
const resolve = (a: Amount, left: number) => (a === "exact" ? Math.max(1, left) : a === "over" ? Math.max(1, left + 1) : a);

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("issue" as const), sme: fc.nat(2), amount: amount(200_000) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("hold" as const), voucher: fc.nat(50), amount: amount(100_000) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("settle" as const), hold: fc.nat(50), percent: fc.integer({ min: 0, max: 100 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("release" as const), hold: fc.nat(50) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 40 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("revoke" as const), voucher: fc.nat(50) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("top_up" as const), amount: fc.integer({ min: 1, max: 100_000 }) }), weight: 1 },
);

interface ModelVoucher { id: string; sme: number; available: number; status: "active" | "expired" | "revoked"; expires_at: number }
interface ModelHold { ref: HoldRef; voucher: ModelVoucher; amount: number; key: string; live: boolean }

/** What the ledger should say: balances and caps, as plain numbers. */
class Model {
  pool = BUDGET_FEN;
  now = START;
  vouchers: ModelVoucher[] = [];
  holds: ModelHold[] = [];
  issued = new Map<string, number>();
  subsidy = new Map<string, number>();
  key = (sme: number) => `${sme}:${shanghaiYear(this.now)}`;
  add(map: Map<string, number>, key: string, fen: number) {
    map.set(key, (map.get(key) ?? 0) + fen);
  }
  live = () => this.holds.filter((h) => h.live);
  end(v: ModelVoucher, status: "expired" | "revoked") {
    for (const h of this.holds.filter((h) => h.live && h.voucher === v)) {
      h.live = false;
      v.available += h.amount;
      this.add(this.subsidy, h.key, -h.amount);
    }
    this.pool += v.available;
    v.available = 0;
    v.status = status;
  }
}

/** Runs `attempt`; true if it succeeded, false if refused with a 409 (anything else is a failure). */
async function outcome(attempt: () => Promise<unknown>): Promise<boolean> {
  try {
    await attempt();
    return true;
  } catch (error) {
    if (error instanceof AppError && error.status === 409) return false;
    throw error;
  }
}

async function step(store: Store, world: World, m: Model, o: Op): Promise<void> {
  switch (o.kind) {
    case "issue": {
      const used = m.issued.get(m.key(o.sme)) ?? 0;
      const fen = resolve(o.amount, Math.min(MAX_DRAW_FEN, m.pool, ANNUAL_CAP_FEN - used));
      const expected = fen <= MAX_DRAW_FEN && fen <= m.pool && used + fen <= ANNUAL_CAP_FEN;
      let id = "";
      expect(await outcome(async () => (id = await issue(store, world, world.smes[o.sme]!, fen, m.now))), `issue ${fen}`).toBe(expected);
      if (!expected) return;
      m.vouchers.push({ id, sme: o.sme, available: fen, status: "active", expires_at: voucherExpiresAt(VALIDITY, m.now) });
      m.pool -= fen;
      m.add(m.issued, m.key(o.sme), fen);
      return;
    }
    case "hold": {
      const v = m.vouchers[o.voucher % Math.max(1, m.vouchers.length)];
      if (!v) return;
      const key = m.key(v.sme);
      const used = m.subsidy.get(key) ?? 0;
      const fen = resolve(o.amount, Math.min(v.available, ANNUAL_CAP_FEN - used));
      const expected = v.status === "active" && v.expires_at > m.now && fen <= v.available && used + fen <= ANNUAL_CAP_FEN;
      let ref: HoldRef | undefined;
      expect(await outcome(async () => (ref = await hold(store, world, v.id, fen, m.now))), `hold ${fen}`).toBe(expected);
      if (!expected || !ref) return;
      v.available -= fen;
      m.add(m.subsidy, key, fen);
      m.holds.push({ ref, voucher: v, amount: fen, key, live: true });
      return;
    }
    case "settle":
    case "release": {
      const live = m.live();
      const h = live[o.hold % Math.max(1, live.length)];
      if (!h) return;
      const delivered = o.kind === "settle" ? Math.floor((h.amount * o.percent) / 100) : 0;
      if (o.kind === "settle") await settle(store, world, h.ref, delivered, m.now);
      else await release(store, world, h.ref, m.now);
      h.live = false;
      h.voucher.available += h.amount - delivered;
      m.add(m.subsidy, h.key, delivered - h.amount);
      return;
    }
    case "advance": {
      m.now += o.hours * HOUR_MS;
      const due = m.vouchers.filter((v) => v.status === "active" && v.expires_at <= m.now);
      const report = await sweepExpiredVouchers(store, m.now);
      expect(report.failed).toEqual([]);
      expect(report.expired).toBe(due.length);
      for (const v of due) m.end(v, "expired");
      return;
    }
    case "revoke": {
      const v = m.vouchers[o.voucher % Math.max(1, m.vouchers.length)];
      if (!v) return;
      const result = await revoke(store, v.id, m.now);
      expect(result.kind).toBe(v.status === "active" ? "ended" : "inactive");
      if (v.status === "active") m.end(v, "revoked");
      return;
    }
    case "top_up":
      await topUp(store, world, o.amount, m.now);
      m.pool += o.amount;
      return;
  }
}

async function expectMatchesModel(store: Store, world: World, m: Model) {
  const report = await verifyLedger(store);
  expect(report.ok, formatReport(report)).toBe(true);
  const available = (rows: { available: number }[]) => rows[0]?.available;
  const accountAvailable = (id: string) => store.all<{ available: number }>(sql`SELECT credits_posted_fen - debits_posted_fen - debits_pending_fen AS available FROM ledger_accounts WHERE id = ${id}`);
  expect(available(await accountAvailable(accountIds.programmePool(world.programme_id))), "pool").toBe(m.pool);
  for (const v of m.vouchers) expect(available(await accountAvailable(accountIds.voucher(v.id))), `voucher ${v.id}`).toBe(v.available);
  const counters = await store.all<{ sme_org_id: string; year: number; subsidy_fen: number }>(sql`SELECT sme_org_id, year, subsidy_fen FROM annual_subsidy WHERE programme_id = ${world.programme_id}`);
  for (const c of counters) {
    const sme = world.smes.findIndex((s) => s.id === c.sme_org_id);
    expect(c.subsidy_fen, `annual subsidy ${sme}:${c.year}`).toBe(m.subsidy.get(`${sme}:${c.year}`) ?? 0);
  }
}

describe("ledger properties", () => {
  it("random sequences of issue, hold, settle, release, expire, revoke and top-up keep every invariant and match the model", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const store = openNodeStore(":memory:");
        const world = await createWorld(store, START, { budget_fen: BUDGET_FEN, smeCount: 3, rules: RULES });
        const model = new Model();
        for (const o of ops) {
          await step(store, world, model, o);
          await expectMatchesModel(store, world, model);
        }
      }),
      { numRuns: 100 },
    );
  });
});
