// Migration 0015 rebuilds audit_tree WITHOUT ROWID, and 0018 stores each event's canonical text
// with its fields read from it and drops the subtrees under 16 leaves (both written by hand). A log
// sealed under the old tables must come through both whole: the same canonical text (so the same
// hashes), every subtree of 16 leaves or more copied, the same checks in force, verify still clean.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditStatement } from "../../src/db/audit";
import { sealAuditLog, STORED_LEVEL } from "../../src/db/audit-tree";
import { MIGRATIONS_DIR, openNodeStore, type NodeStore } from "../../src/db/node";
import { DEFAULT_AUDIT_ORIGIN } from "../../src/services/audit-log";
import { CANONICAL_EVENT_SQL, chainHash, eventLeafHash, GENESIS_HASH, type CanonicalEvent } from "../../src/domain/audit-event";
import { toHex, TreeBuilder } from "../../src/domain/merkle";
import { AUDIT_EVENTS_TABLE_SQL, verifyAuditLog } from "../../src/services/audit-verify";

const TAG = "0015_audit_tree_without_rowid";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the migrations folder that stops before 0015. */
function migrationsBefore0015(): string {
  const dir = mkdtempSync(join(tmpdir(), "migrations-"));
  dirs.push(dir);
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  rmSync(join(dir, `${TAG}.sql`));
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === TAG);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe("migrations 0015 (audit_tree WITHOUT ROWID) and 0018 (the canonical text stored)", () => {
  it("keeps every stored subtree of a log sealed under the old table, and the log still verifies", async () => {
    const work = mkdtempSync(join(tmpdir(), "audit-tree-migration-"));
    dirs.push(work);
    const path = join(work, "db.sqlite");
    const tableSql = (store: NodeStore) => store.all<{ sql: string }>(sql`SELECT sql FROM sqlite_master WHERE name = 'audit_tree'`);
    const treeRows = (store: NodeStore) => store.all<{ level: number; idx: number; hash: string }>(sql`SELECT level, idx, hash FROM audit_tree ORDER BY level, idx`);

    // The database as the release before 0015 left it: 37 events, sealed (37 leaves, 34 inner nodes).
    const old = openNodeStore(path, { migrationsFolder: migrationsBefore0015() });
    expect((await tableSql(old))[0]?.sql).not.toMatch(/WITHOUT ROWID/);
    await old.batch(
      Array.from({ length: 37 }, (_, n) => {
        const i = n + 1;
        return sql`INSERT INTO audit_events (at, request_id, action, subject_type, subject_id, after_json)
          VALUES (${Date.UTC(2026, 11, 1) + i}, ${`req_${i}`}, 'booking.confirmed', 'booking', ${`bkg_${i}`}, ${JSON.stringify({ i, note: "预约 ✓" })})`;
      }),
    );
    // Sealed as that release's sealer did: the chain on the rows, every subtree (leaves included) in audit_tree.
    const fields = await old.all<CanonicalEvent & { canonical: string }>(
      sql`SELECT seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json, ${sql.raw(CANONICAL_EVENT_SQL)} AS canonical FROM audit_events ORDER BY seq`,
    );
    const builder = new TreeBuilder();
    let prev = GENESIS_HASH;
    const seals = fields.map((e) => {
      const event = { ...e, seq: Number(e.seq), at: Number(e.at) };
      const hash = chainHash(prev, event);
      const statement = sql`UPDATE audit_events SET prev_hash = ${prev}, hash = ${hash} WHERE seq = ${event.seq}`;
      prev = hash;
      return statement;
    });
    const nodes = fields.flatMap((e) => builder.append(eventLeafHash({ ...e, seq: Number(e.seq), at: Number(e.at) })));
    await old.batch(seals);
    await old.batch(nodes.map((n) => sql`INSERT INTO audit_tree (level, idx, hash) VALUES (${n.level}, ${n.idx}, ${toHex(n.hash)})`));
    const before = await treeRows(old);
    expect(before).toHaveLength(37 + 34);
    old.close();

    const migrated = openNodeStore(path);
    try {
      expect((await tableSql(migrated))[0]?.sql).toMatch(/WITHOUT ROWID/);
      expect(await treeRows(migrated)).toEqual(before.filter((n) => n.level >= STORED_LEVEL));
      const [table] = await migrated.all<{ sql: string }>(sql`SELECT sql FROM sqlite_master WHERE name = 'audit_events'`);
      expect(table!.sql).toBe(AUDIT_EVENTS_TABLE_SQL);
      const after = await migrated.all<CanonicalEvent & { canonical: string }>(
        sql`SELECT seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json, canonical FROM audit_events ORDER BY seq`,
      );
      expect(after).toEqual(fields);
      const report = await verifyAuditLog(migrated, null, DEFAULT_AUDIT_ORIGIN);
      expect(report.first_break).toBeNull();
      expect(report.tree).toEqual({ ok: true, detail: "37 sealed events; every stored subtree matches them" });
      // The key and the checks came across: a second writer of a node, a bad level, a short hash.
      await expect(migrated.batch([sql`INSERT INTO audit_tree (level, idx, hash) VALUES (4, 0, ${"a".repeat(64)})`])).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
      await expect(migrated.batch([sql`INSERT INTO audit_tree (level, idx, hash) VALUES (63, 0, ${"a".repeat(64)})`])).rejects.toThrow(/audit_tree_level_range/);
      await expect(migrated.batch([sql`INSERT INTO audit_tree (level, idx, hash) VALUES (0, 99, 'abc')`])).rejects.toThrow(/audit_tree_hash_hex/);
      // Today's writer and sealer carry the migrated log on: the frontier's small subtrees from the
      // last block's events, its larger ones from what was copied.
      const meta = { at: Date.UTC(2026, 11, 3), request_id: "req_after", actor_user_id: null, actor_org_id: null };
      await migrated.batch(Array.from({ length: 30 }, (_, i) => auditStatement(migrated, meta, { action: "booking.confirmed", subject_type: "booking", subject_id: `bkg_after_${i}`, after: { i } })));
      expect((await sealAuditLog(migrated, { rounds: 10 })).size).toBe(67);
      const carried = await verifyAuditLog(migrated, null, DEFAULT_AUDIT_ORIGIN);
      expect(carried.tree).toEqual({ ok: true, detail: "67 sealed events; every stored subtree matches them" });
    } finally {
      migrated.close();
    }
  });
});
