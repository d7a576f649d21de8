// After a crash or a bulk import the sealer may face thousands of unsealed events. Each round it
// must find where sealing stopped and what comes next by keyed seeks, not by walking back over
// the backlog (which made sealing B events cost O(B²)). Checked by counting the work: statements
// per round, and the query plan of every statement the sealer runs (no table scan, no sort).
import { sql, type SQLWrapper } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sealAuditLog, treeSize } from "../../src/db/audit-tree";
import { openNodeStore } from "../../src/db/node";
import type { Store } from "../../src/db/store";
import { verifyAuditLog } from "../../src/services/audit-verify";

const BACKLOG = 5_000;

/** Appends `n` unsealed events in one statement, as a bulk import would. */
async function appendUnsealed(store: Store, n: number, label: string) {
  await store.batch([
    sql`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
        INSERT INTO audit_events (seq, canonical)
        SELECT base.n + i, json_array('audit-event/v1', base.n + i, 1764000000000 + i, 'req-' || ${label} || '-' || i, NULL, NULL, 'test.import', 'test', 'tst_' || i, NULL, NULL, json_object('i', i, 'note', '审计') || '')
        FROM k, (SELECT coalesce(max(seq), 0) AS n FROM audit_events) AS base`,
  ]);
}

/** The store, counting reads and batches and keeping every statement's query plan. */
function counting(inner: Store) {
  const work = { reads: 0, batches: 0, plans: [] as string[] };
  const plan = async (statement: SQLWrapper) => {
    const rows = await inner.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${statement}`);
    work.plans.push(rows.map((r) => r.detail).join(" | "));
  };
  const store: Store = {
    driver: inner.driver,
    db: inner.db,
    appliedMigrations: () => inner.appliedMigrations(),
    async all<T>(statement: SQLWrapper) {
      work.reads += 1;
      await plan(statement);
      return inner.all<T>(statement);
    },
    async batch(statements) {
      work.batches += 1;
      for (const statement of statements) await plan(statement);
      return inner.batch(statements);
    },
  };
  return { store, work };
}

describe("sealing a large unsealed backlog", () => {
  it(`seals ${BACKLOG.toLocaleString("en")} events with a bounded number of keyed statements per round`, async () => {
    const inner = openNodeStore(":memory:");
    // A sealed log to start from, so the sealer resumes from a stored frontier.
    await appendUnsealed(inner, 1000, "before");
    expect((await sealAuditLog(inner, { rounds: 1000 })).size).toBe(1000);
    await appendUnsealed(inner, BACKLOG, "backlog");

    const { store, work } = counting(inner);
    const result = await sealAuditLog(store, { rounds: 1000, maxConflicts: 1 });
    expect(result).toMatchObject({ sealed: BACKLOG, size: 1000 + BACKLOG, conflicts: 0, stuck_at_seq: null });

    const rounds = Math.ceil(BACKLOG / 24);
    expect(work.batches).toBe(rounds);
    // Per round: one read for the tree's end, the last sealed event and the next 24, one for the frontier.
    expect(work.reads).toBeLessThanOrEqual(2 * rounds + 2);
    // Scans of the statement's own VALUES lists (or one constant row) are bounded; a scan of a table, or a sort, is not.
    const unbounded = work.plans.filter((p) => /\bSCAN (?!\d+-ROW VALUES CLAUSE|CONSTANT ROW)|TEMP B-TREE/.test(p));
    expect(unbounded).toEqual([]);
    expect(work.plans.some((p) => /SEARCH audit_events USING INTEGER PRIMARY KEY/.test(p))).toBe(true);

    expect(await treeSize(inner)).toBe(1000 + BACKLOG);
    const report = await verifyAuditLog(inner, null, "test");
    expect(report).toMatchObject({ sealed: 1000 + BACKLOG, first_break: null, tree: { ok: true } });
    inner.close();
  });

  it("the old way of finding the last sealed event scans the backlog (what the check above would catch)", async () => {
    const inner = openNodeStore(":memory:");
    const [plan] = await inner.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN SELECT seq, hash FROM audit_events WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1`);
    expect(plan!.detail).toMatch(/\bSCAN\b/);
    inner.close();
  });
});
