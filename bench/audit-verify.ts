// Audit chain verification speed: `events` audit events (booking-sized after_json) appended and
// sealed by the application's own sealer, then verifyAuditLog (chain, Merkle tree, every stored
// subtree) timed on one core, beside a baseline in the same run: reading the same rows and
// columns without verifying them. Target: ≥ 300,000 events/s.
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "drizzle-orm";
import { auditStatement } from "../src/db/audit";
import { sealAuditLog } from "../src/db/audit-tree";
import { compile } from "../src/db/store";
import { openNodeStore, type NodeStore } from "../src/db/node";
import { DEFAULT_AUDIT_ORIGIN } from "../src/services/audit-log";
import { verifyAuditLog } from "../src/services/audit-verify";

const CHUNK = 2_400;

export interface AuditVerifyResult {
  events: number;
  seed_s: number;
  seal_s: number;
  verify_s: number;
  events_per_s: number;
  read_only_s: number;
  verify_over_read: number;
  /** CPU time (user + system) of this process for the same two passes: on a shared, loaded machine wall-clock mostly measures waiting for a core. */
  read_only_cpu_s: number;
  verify_cpu_s: number;
  ok: boolean;
}

const cpuSeconds = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

function appendEvents(path: string, first: number, count: number, now: number) {
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  // The product's own insert (src/db/audit.ts), compiled once, bound per event on this connection.
  const event = (i: number) =>
    compile(
      auditStatement(null as never, { at: now + i, request_id: `req_${i}`, actor_user_id: "usr_bench", actor_org_id: "org_bench" }, {
        action: "booking.confirmed",
        subject_type: "booking",
        subject_id: `bkg_${i}`,
        programme_id: "prg_bench",
        after: { id: `bkg_${i}`, offering_id: "off_bench", quantity: 1 + (i % 4), starts_at: now + i * 3_600_000, status: "confirmed", gross_fen: 1000 * (1 + (i % 4)), subsidy_fen: 500 },
      }),
    );
  const insert = db.prepare(event(first).sql);
  db.transaction(() => {
    for (let i = first; i < first + count; i++) insert.run(...event(i).params);
  })();
  db.close();
}

/** Appends and seals `events` events in the database file at `path` (created and migrated). */
export async function seedAuditLog(path: string, events: number, now: number): Promise<{ seed_s: number; seal_s: number }> {
  const store = openNodeStore(path, { synchronous: "NORMAL" });
  // Appended and sealed a chunk at a time, as a running log is.
  let seed_s = 0;
  let seal_s = 0;
  let size = 0;
  for (let first = 0; first < events; first += CHUNK) {
    let started = performance.now();
    appendEvents(path, first, Math.min(CHUNK, events - first), now);
    seed_s += (performance.now() - started) / 1000;
    started = performance.now();
    size = (await sealAuditLog(store, { rounds: Math.ceil(CHUNK / 24) + 2, maxConflicts: 1 })).size;
    seal_s += (performance.now() - started) / 1000;
  }
  store.close();
  if (size !== events) throw new Error(`sealed ${size} of ${events} events`);
  return { seed_s, seal_s };
}

/** Times reading every event's columns (the baseline), then verifyAuditLog, on one store. */
export async function timeAuditVerify(store: NodeStore): Promise<Omit<AuditVerifyResult, "seed_s" | "seal_s">> {
  let cpuStarted = cpuSeconds();
  let started = performance.now();
  // Baseline: the same pages of the same columns, read and dropped.
  let after = 0;
  let events = 0;
  for (;;) {
    const page = await store.all<{ seq: number }>(
      sql`SELECT seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json, prev_hash, hash FROM audit_events WHERE seq > ${after} ORDER BY seq LIMIT 500`,
    );
    if (page.length === 0) break;
    events += page.length;
    after = Number(page[page.length - 1]!.seq);
  }
  const read_only_s = (performance.now() - started) / 1000;
  const read_only_cpu_s = cpuSeconds() - cpuStarted;

  cpuStarted = cpuSeconds();
  started = performance.now();
  const report = await verifyAuditLog(store, null, DEFAULT_AUDIT_ORIGIN);
  const verify_s = (performance.now() - started) / 1000;
  const verify_cpu_s = cpuSeconds() - cpuStarted;
  const ok = report.first_break === null && report.tree.ok && report.sealed === events;
  if (!ok) throw new Error(`the bench's audit log does not verify: ${JSON.stringify(report)}`);
  return { events, verify_s, events_per_s: events / verify_s, read_only_s, verify_over_read: verify_s / read_only_s, read_only_cpu_s, verify_cpu_s, ok };
}

export async function measureAuditVerify(dir: string, events: number, now: number): Promise<AuditVerifyResult> {
  const path = join(dir, "audit.sqlite");
  const seeded = await seedAuditLog(path, events, now);
  const store = openNodeStore(path, { synchronous: "NORMAL" });
  try {
    return { ...seeded, ...(await timeAuditVerify(store)) };
  } finally {
    store.close();
  }
}
