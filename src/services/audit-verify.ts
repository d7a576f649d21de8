// Verifies the whole audit log from the database (GET /api/audit/verify, `npm run cli -- verify`):
// re-walks every event in pages (memory stays bounded), rebuilds the Merkle tree and compares
// every stored subtree, checks every checkpoint's signature and root, and reports the unsealed
// tail and exactly where the log first breaks.
import { sql } from "drizzle-orm";
import { canonicalColumns } from "../db/audit-tree";
import { audit_checkpoints } from "../db/schema";
import type { Store } from "../db/store";
import { completeSubtreeCount, walkLog, type LogBreak, type StoredEvent } from "../domain/audit-walk";
import { openCheckpoint, type VerifierKey } from "../domain/checkpoint";
import { equalBytes, fromBase64, nodeKey } from "../domain/merkle";

const PAGE_EVENTS = 500;

export interface CheckpointProblem {
  tree_size: number;
  problem: string;
}

export interface AuditReport {
  ok: boolean;
  events: number;
  sealed: number;
  unsealed_tail: { count: number; first_seq: number | null; last_seq: number | null };
  first_break: LogBreak | null;
  tree: { ok: boolean; detail: string };
  checkpoints: { count: number; latest_size: number | null; first_bad: CheckpointProblem | null };
}

async function* pagedEvents(store: Store, onPage: (firstSeq: number, lastSeq: number) => Promise<void>): AsyncGenerator<StoredEvent> {
  let after = 0;
  for (;;) {
    const page = await store.all<StoredEvent>(
      sql`SELECT ${canonicalColumns}, prev_hash, hash FROM audit_events WHERE seq > ${after} ORDER BY seq LIMIT ${PAGE_EVENTS}`,
    );
    if (page.length === 0) return;
    const first = Number(page[0]!.seq);
    const last = Number(page[page.length - 1]!.seq);
    await onPage(first, last);
    for (const row of page) yield { ...row, seq: Number(row.seq), at: Number(row.at) };
    after = last;
  }
}

/**
 * The subtrees completed by the events firstSeq..lastSeq, as one primary-key range per level:
 * node (L, i) is completed by the event with seq (i+1)·2^L, so at level L the indexes run from
 * ceil(firstSeq / 2^L) − 1 to floor(lastSeq / 2^L) − 1. Each range is a seek on (level, idx), so a
 * page reads only its own nodes, not the whole tree (which made verification quadratic).
 * Integers computed here, never input, so they are written into the SQL as literals (D1 caps the
 * number of bound parameters).
 */
export function completedBy(firstSeq: number, lastSeq: number): string {
  const ranges: string[] = [];
  for (let level = 0; 2 ** level <= lastSeq; level++) {
    const width = 2 ** level;
    const from = Math.ceil(firstSeq / width) - 1;
    const to = Math.floor(lastSeq / width) - 1;
    if (from <= to) ranges.push(`(level = ${level} AND idx BETWEEN ${from} AND ${to})`);
  }
  return ranges.length > 0 ? ranges.join(" OR ") : "0";
}

export async function verifyAuditLog(store: Store, key: VerifierKey | null, origin: string): Promise<AuditReport> {
  const checkpoints = await store.db.select().from(audit_checkpoints).orderBy(audit_checkpoints.tree_size);
  // The stored subtrees completed by the leaves of the current page: node (L, i) is completed by
  // leaf (i+1)·2^L, i.e. by the event with that seq.
  let stored = new Map<string, string>();
  const events = pagedEvents(store, async (firstSeq, lastSeq) => {
    const rows = await store.all<{ level: number; idx: number; hash: string }>(
      sql`SELECT level, idx, hash FROM audit_tree WHERE ${sql.raw(completedBy(firstSeq, lastSeq))}`,
    );
    stored = new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
  });
  const walk = await walkLog(events, {
    rootsAt: new Set(checkpoints.map((c) => c.tree_size)),
    checkNode: (node, hashHex) => {
      const found = stored.get(nodeKey(node));
      if (found === undefined) return `the tree is missing subtree level ${node.level} index ${node.idx}`;
      return found === hashHex ? null : `stored subtree level ${node.level} index ${node.idx} differs from the events it covers`;
    },
  });

  let tree = { ok: true, detail: `${walk.sealed} sealed events; every stored subtree matches them` };
  if (!walk.first_break) {
    const [counted] = await store.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_tree`);
    const expected = completeSubtreeCount(walk.sealed);
    if (Number(counted?.n ?? 0) !== expected) {
      tree = { ok: false, detail: `the tree holds ${counted?.n} subtrees; ${walk.sealed} sealed events make ${expected}` };
    }
  } else {
    tree = { ok: false, detail: `rebuilt up to event ${walk.first_break.seq - 1}` };
  }

  let firstBad: CheckpointProblem | null = null;
  for (const checkpoint of checkpoints) {
    const problem = await checkpointProblem(checkpoint, key, origin, walk.roots);
    if (problem) {
      firstBad = { tree_size: checkpoint.tree_size, problem };
      break;
    }
  }
  // A checkpoint past the verified log: events it covered were removed (or broke).
  const beyond = checkpoints.find((c) => c.tree_size > walk.sealed);
  const firstBreak =
    walk.first_break ??
    (beyond ? { seq: walk.sealed + 1, problem: `checkpoint ${beyond.tree_size} was published over event ${walk.sealed + 1}, which the log no longer holds sealed` } : null);

  return {
    ok: firstBreak === null && tree.ok && firstBad === null,
    events: walk.events,
    sealed: walk.sealed,
    unsealed_tail: walk.unsealed,
    first_break: firstBreak,
    tree,
    checkpoints: { count: checkpoints.length, latest_size: checkpoints.at(-1)?.tree_size ?? null, first_bad: firstBad },
  };
}

async function checkpointProblem(
  checkpoint: { tree_size: number; root_hash: string; note: string },
  key: VerifierKey | null,
  origin: string,
  roots: Map<number, Uint8Array>,
): Promise<string | null> {
  if (!key) return "no public key is configured, so signatures cannot be checked";
  const opened = await openCheckpoint(checkpoint.note, key);
  if ("problem" in opened) return `signature: ${opened.problem.replaceAll("_", " ")}`;
  if (opened.origin !== origin) return `origin is "${opened.origin}", not this log's "${origin}"`;
  if (opened.size !== checkpoint.tree_size || !equalBytes(opened.root, fromBase64(checkpoint.root_hash))) {
    return "the stored size or root differs from the signed note";
  }
  const root = roots.get(checkpoint.tree_size);
  if (!root) return `the log no longer holds ${checkpoint.tree_size} verified sealed events`;
  if (!equalBytes(root, opened.root)) return "the signed root differs from the root of the events";
  return null;
}

export function formatAuditReport(report: AuditReport): string {
  const lines = [
    `${report.first_break ? "FAIL" : "ok  "} audit_chain: ${report.events} events, ${report.sealed} sealed and chained from seq 1` +
      (report.first_break ? `\n     first break at seq ${report.first_break.seq}: ${report.first_break.problem}` : ""),
    `${report.tree.ok ? "ok  " : "FAIL"} audit_tree: ${report.tree.detail}`,
    `${report.checkpoints.first_bad ? "FAIL" : "ok  "} audit_checkpoints: ${report.checkpoints.count} signed checkpoint(s), latest size ${report.checkpoints.latest_size ?? "none"}` +
      (report.checkpoints.first_bad ? `\n     first bad: size ${report.checkpoints.first_bad.tree_size}: ${report.checkpoints.first_bad.problem}` : ""),
    `     unsealed tail: ${report.unsealed_tail.count} event(s)` +
      (report.unsealed_tail.count ? ` (seq ${report.unsealed_tail.first_seq}–${report.unsealed_tail.last_seq})` : ""),
    report.ok ? "audit log verifies" : "AUDIT LOG BROKEN",
  ];
  return lines.join("\n");
}
