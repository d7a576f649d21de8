// The sealer keeps the frontier it ended at (src/db/audit-tree.ts lastSealed) so the next seal
// need not read the last block's events to rebuild the small subtrees the tree does not store. It
// may use it only while the log still ends where it left it: two processes sealing one file in
// turn must each notice the other's seals, and a log resealed differently at the same size must
// not be extended from a frontier that is no longer its own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type SQLWrapper } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditStatement } from "../../src/db/audit";
import { sealAuditLog, treeSize } from "../../src/db/audit-tree";
import { openNodeStore, type NodeStore } from "../../src/db/node";
import { DEFAULT_AUDIT_ORIGIN } from "../../src/services/audit-log";
import { verifyAuditLog } from "../../src/services/audit-verify";

const dirs: string[] = [];
const stores: NodeStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function twoProcesses(): [NodeStore, NodeStore] {
  const dir = mkdtempSync(join(tmpdir(), "audit-frontier-"));
  dirs.push(dir);
  const path = join(dir, "db.sqlite");
  const first = openNodeStore(path);
  const second = openNodeStore(path);
  stores.push(first, second);
  return [first, second];
}

async function append(store: NodeStore, n: number, label: string) {
  const meta = { at: Date.UTC(2026, 11, 3), request_id: `req_${label}`, actor_user_id: null, actor_org_id: null };
  await store.batch(Array.from({ length: n }, (_, i) => auditStatement(store, meta, { action: "test.event", subject_type: "test", subject_id: `${label}_${i}`, after: { i, note: "审计" } })));
}

/** Reads the store makes while `run` runs. */
async function reads(store: NodeStore, run: () => Promise<unknown>): Promise<unknown[]> {
  const all = store.all.bind(store);
  const seen: unknown[] = [];
  (store as { all: typeof all }).all = (statement: SQLWrapper) => {
    seen.push(store.driver);
    return all(statement);
  };
  try {
    await run();
  } finally {
    (store as { all: typeof all }).all = all;
  }
  return seen;
}

describe("the sealer's own frontier", () => {
  it("is used while the log ends where this process left it: one read per seal, no stored subtree or block re-read", async () => {
    const [store] = twoProcesses();
    await append(store, 37, "a");
    expect((await sealAuditLog(store)).size).toBe(37);
    await append(store, 2, "b");
    const seen = await reads(store, () => sealAuditLog(store));
    expect(seen).toHaveLength(1);
    expect(await treeSize(store)).toBe(39);
    expect((await verifyAuditLog(store, null, DEFAULT_AUDIT_ORIGIN)).ok).toBe(true);
  });

  it("is dropped when another process sealed in between, and both carry one log on", async () => {
    const [first, second] = twoProcesses();
    await append(first, 20, "first");
    expect((await sealAuditLog(first)).size).toBe(20);
    await append(second, 7, "second");
    expect((await sealAuditLog(second)).size).toBe(27);
    await append(first, 21, "first-again");
    // The log no longer ends at 20: the first process reads the frontier afresh.
    const seen = await reads(first, () => sealAuditLog(first));
    expect(seen.length).toBeGreaterThan(1);
    expect(await treeSize(first)).toBe(48);
    await append(second, 3, "second-again");
    expect((await sealAuditLog(second)).size).toBe(51);
    const report = await verifyAuditLog(first, null, DEFAULT_AUDIT_ORIGIN);
    expect(report.first_break).toBeNull();
    expect(report.tree.ok).toBe(true);
  });

  it("is not used for a log resealed differently at the same size", async () => {
    const [store, other] = twoProcesses();
    await append(store, 24, "orig");
    expect((await sealAuditLog(store)).size).toBe(24);
    // Another process unseals the last four events and their subtrees, replaces one event's text
    // and seals again: the log ends at 24 again, with a different last hash.
    await other.batch([
      sql`DELETE FROM audit_tree WHERE ((idx + 1) << level) > 20`,
      sql`UPDATE audit_events SET hash = NULL, prev_hash = NULL WHERE seq > 20`,
      sql`UPDATE audit_events SET canonical = json_set(canonical, '$[11]', '{"i":99}') WHERE seq = 22`,
    ]);
    expect((await sealAuditLog(other)).size).toBe(24);
    await append(store, 9, "next");
    expect((await sealAuditLog(store)).size).toBe(33);
    // Extended from the log as it is now: its stored subtrees are the events' own.
    const report = await verifyAuditLog(store, null, DEFAULT_AUDIT_ORIGIN);
    expect(report.first_break).toBeNull();
    expect(report.tree.ok).toBe(true);
  });
});
