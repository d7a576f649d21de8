// Sealing the audit log and reading its Merkle tree (docs/audit-log.md). Events get their
// sequence number in the batch that made the change; sealing happens after, in seq order:
// each event gets prev_hash/hash (the chain) and its leaf, plus every subtree it completes, is
// written to audit_tree. The guards live in the write: an event is sealed only if the previous
// row carries exactly the hash the sealer chained from (else the CHECK audit_seal_chained fails),
// and a leaf or node can be written once (audit_tree's primary key). A sealer that lost a race
// gets a constraint failure, its whole batch rolls back, and it re-reads.
import { sql, type SQL } from "drizzle-orm";
import { canonicalEventBytes, chainHash, eventLeafHash, GENESIS_HASH, type CanonicalEvent } from "../domain/audit-event";
import { fromHex, nodeKey, rangeHash, rangeNodes, toHex, TreeBuilder, type Hash, type LeafRange, type TreeNode } from "../domain/merkle";
import { constraintViolation } from "./constraints";
import type { Store } from "./store";

/** Events sealed per batch: one UPDATE each plus their tree rows stay well under a batch's bound. */
export const SEAL_BATCH_EVENTS = 24;
/** Tree rows per INSERT (3 bound values each; D1 binds at most 100 per statement). */
const TREE_ROWS_PER_INSERT = 30;

export const canonicalColumns = sql.raw(
  "seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json",
);

export interface SealResult {
  /** Events this call sealed. */
  sealed: number;
  /** Sealed events (= tree size) when it stopped. */
  size: number;
  /** Batches refused because another sealer got there first. */
  conflicts: number;
  /** The seq the log cannot be sealed past (a missing row), if any. */
  stuck_at_seq: number | null;
}

/** The number of leaves in the tree: the sealed prefix of the log. */
export async function treeSize(store: Store): Promise<number> {
  const [row] = await store.all<{ n: number | null }>(sql`SELECT max(idx) + 1 AS n FROM audit_tree WHERE level = 0`);
  return Number(row?.n ?? 0);
}

/** Stored subtree hashes, in one read (coordinates are computed integers, inlined). */
export async function readNodes(store: Store, nodes: readonly TreeNode[]): Promise<Map<string, Hash>> {
  const found = new Map<string, Hash>();
  const unique = [...new Map(nodes.map((n) => [nodeKey(n), n])).values()];
  for (let i = 0; i < unique.length; i += 200) {
    const chunk = unique.slice(i, i + 200);
    for (const n of chunk) if (!Number.isSafeInteger(n.level) || !Number.isSafeInteger(n.idx)) throw new Error("bad tree coordinate");
    const rows = await store.all<{ level: number; idx: number; hash: string }>(
      sql`SELECT level, idx, hash FROM audit_tree WHERE (level, idx) IN (VALUES ${sql.raw(chunk.map((n) => `(${n.level}, ${n.idx})`).join(", "))})`,
    );
    for (const row of rows) found.set(`${row.level}:${row.idx}`, fromHex(row.hash));
  }
  return found;
}

/** The hashes of the given leaf ranges, from stored complete subtrees (O(log N) rows per range). */
export async function rangeHashes(store: Store, ranges: readonly LeafRange[]): Promise<Hash[]> {
  const stored = await readNodes(store, ranges.flatMap(rangeNodes));
  const out: Hash[] = [];
  for (const range of ranges) out.push(rangeHash(range, (node) => stored.get(nodeKey(node))));
  return out;
}

/**
 * Seals unsealed events in seq order, SEAL_BATCH_EVENTS per batch, for at most `rounds` batches.
 * Safe to run from any number of places at once (after each write, on the sweep, in tests).
 */
export async function sealAuditLog(store: Store, options: { rounds?: number; maxConflicts?: number } = {}): Promise<SealResult> {
  const rounds = options.rounds ?? 4;
  const maxConflicts = options.maxConflicts ?? 5;
  const result: SealResult = { sealed: 0, size: 0, conflicts: 0, stuck_at_seq: null };
  for (let round = 0; round < rounds; ) {
    const plan = await planSeal(store);
    result.size = plan.size;
    result.stuck_at_seq = plan.stuckAtSeq;
    if (plan.statements.length === 0) return result;
    try {
      await store.batch(plan.statements);
    } catch (error) {
      if (!constraintViolation(error)) throw error;
      // Another sealer sealed some of these first: re-read and continue from where it stopped.
      result.conflicts += 1;
      if (result.conflicts >= maxConflicts) return result;
      continue;
    }
    result.sealed += plan.count;
    result.size = plan.size + plan.count;
    round += 1;
    // Fewer than a full batch: everything there was (or everything up to a gap) is sealed now.
    // Another round would only read the tail again (two reads per write, for nothing).
    if (plan.count < SEAL_BATCH_EVENTS) return result;
  }
  return result;
}

interface SealPlan {
  size: number;
  count: number;
  stuckAtSeq: number | null;
  statements: SQL[];
}

/**
 * What to seal next, read in one statement (one snapshot on both drivers): the tree's size from
 * the last stored leaf (a seek on audit_tree's primary key), the last sealed event (seq = size)
 * and up to SEAL_BATCH_EVENTS events after it (seeks on seq). It used to find the last sealed event
 * with `WHERE hash IS NOT NULL ORDER BY seq DESC`, which walks back over every unsealed event:
 * after a crash or a bulk import, sealing a backlog of B events cost O(B²).
 */
async function planSeal(store: Store): Promise<SealPlan> {
  const treeEnd = sql`(SELECT coalesce(max(idx) + 1, 0) FROM audit_tree WHERE level = 0)`;
  const rows = await store.all<CanonicalEvent & { size: number; hash: string | null }>(
    sql`SELECT ${treeEnd} AS size, ${canonicalColumns}, hash FROM audit_events WHERE seq >= ${treeEnd} ORDER BY seq LIMIT ${SEAL_BATCH_EVENTS + 1}`,
  );
  if (rows.length === 0) return { size: await treeSize(store), count: 0, stuckAtSeq: null, statements: [] };
  const size = Number(rows[0]!.size);
  const last = size === 0 ? null : rows.find((r) => Number(r.seq) === size);
  const pending = rows.filter((r) => Number(r.seq) > size).slice(0, SEAL_BATCH_EVENTS);
  if (pending.length === 0) return { size, count: 0, stuckAtSeq: null, statements: [] };
  if (size > 0 && !last?.hash) throw new Error(`the audit tree has ${size} leaves but event ${size} is not sealed; run verify`);
  if (pending[0]!.hash !== null) throw new Error(`event ${pending[0]!.seq} is sealed but the audit tree has only ${size} leaves; run verify`);
  // Leaves are dense: leaf i is seq i + 1. A missing seq stops sealing there (verify reports it).
  const events: CanonicalEvent[] = [];
  for (const [i, event] of pending.entries()) {
    if (Number(event.seq) !== size + 1 + i || event.hash !== null) break;
    const { size: _size, hash: _hash, ...canonical } = event;
    events.push({ ...canonical, seq: Number(event.seq), at: Number(event.at) });
  }
  const stuckAtSeq = pending.length > events.length ? size + 1 + events.length : null;
  if (events.length === 0) return { size, count: 0, stuckAtSeq, statements: [] };

  const frontierNodes = size === 0 ? [] : rangeNodes({ start: 0, end: size });
  const stored = await readNodes(store, frontierNodes);
  const frontier = frontierNodes.map((node) => stored.get(nodeKey(node)));
  if (frontier.some((h) => h === undefined)) throw new Error(`the audit tree is missing a subtree below size ${size}; run verify`);
  const builder = TreeBuilder.resume(size, frontier as Hash[]);

  const statements: SQL[] = [];
  const treeRows: { level: number; idx: number; hash: string }[] = [];
  let prev = last?.hash ?? GENESIS_HASH;
  for (const event of events) {
    const bytes = canonicalEventBytes(event);
    const hash = chainHash(prev, event, bytes);
    const prevGuard =
      event.seq === 1
        ? sql`${GENESIS_HASH}`
        : sql`(SELECT hash FROM audit_events WHERE seq = ${event.seq - 1} AND hash = ${prev})`;
    statements.push(sql`UPDATE audit_events SET prev_hash = ${prevGuard}, hash = ${hash} WHERE seq = ${event.seq} AND hash IS NULL`);
    for (const node of builder.append(eventLeafHash(event, bytes))) treeRows.push({ level: node.level, idx: node.idx, hash: toHex(node.hash) });
    prev = hash;
  }
  for (let i = 0; i < treeRows.length; i += TREE_ROWS_PER_INSERT) {
    const rows = treeRows.slice(i, i + TREE_ROWS_PER_INSERT).map((r) => sql`(${r.level}, ${r.idx}, ${r.hash})`);
    statements.push(sql`INSERT INTO audit_tree (level, idx, hash) VALUES ${sql.join(rows, sql`, `)}`);
  }
  return { size, count: events.length, stuckAtSeq, statements };
}
