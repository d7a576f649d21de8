// Sealing the audit log and reading its Merkle tree (docs/audit-log.md). Events get their
// sequence number in the batch that made the change; sealing happens after, in seq order:
// each event gets prev_hash/hash (the chain), and every subtree of STORED_LEVEL or more it
// completes is written to audit_tree; smaller subtrees (under 16 leaves) are recomputed from their
// events when a proof or the sealer needs them. The guards live in the write: an event is sealed
// only if its row is still unsealed and the previous row carries exactly the hash the sealer
// chained from (else the CHECK audit_seal_chained fails), and a node can be written once
// (audit_tree's primary key). The chain and the tree are functions of the events alone, so two
// sealers can only ever write the same values; the slower one's batch changes nothing or fails.
import { sql, type SQL } from "drizzle-orm";
import { CANONICAL_FIELDS, canonicalEventBytes, chainHash, eventFromCanonical, eventLeafHash, GENESIS_HASH, type CanonicalEvent } from "../domain/audit-event";
import { fromHex, nodeHash, nodeKey, rangeHash, rangeNodes, toHex, TreeBuilder, type Hash, type LeafRange, type TreeNode } from "../domain/merkle";
import { constraintViolation } from "./constraints";
import type { Store } from "./store";

/** Events sealed per batch: one UPDATE each plus their tree rows stay well under a batch's bound. */
export const SEAL_BATCH_EVENTS = 24;
/** Tree rows per INSERT (3 bound values each; D1 binds at most 100 per statement). */
const TREE_ROWS_PER_INSERT = 30;

/** The columns of an event's canonical fields, in canonical order. */
export const canonicalColumns = sql.raw(CANONICAL_FIELDS.join(", "));

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

/**
 * The lowest level audit_tree stores: subtrees of 2^4 = 16 leaves and more. The verifier reads
 * every stored subtree, and the levels below this one were fifteen sixteenths of all of them
 * (docs/performance.md, audit verification); a proof recomputes them from at most 16 events.
 */
export const STORED_LEVEL = 4;
const BLOCK = 2 ** STORED_LEVEL;
/** Events per read when recomputing small subtrees (a page of blocks). */
const BLOCK_EVENTS_PER_READ = 512;

/**
 * The sealed prefix's length (the tree's size): the event before the first unsealed one (a seek on
 * the partial index audit_events_unsealed_idx), or the last event when none is unsealed.
 */
const sealedSize = sql`coalesce((SELECT min(seq) FROM audit_events WHERE hash IS NULL) - 1, (SELECT max(seq) FROM audit_events), 0)`;

/** The number of leaves in the tree: the sealed prefix of the log. */
export async function treeSize(store: Store): Promise<number> {
  const [row] = await store.all<{ n: number | null }>(sql`SELECT ${sealedSize} AS n`);
  return Number(row?.n ?? 0);
}

/**
 * Subtree hashes: those of STORED_LEVEL and up read from audit_tree, the smaller ones computed from
 * their sealed events (the leaf hash is eventLeafHash of the event its stored text holds, as the
 * sealer made it).
 * A node whose events are not all there and sealed is absent from the map.
 */
export async function readNodes(store: Store, nodes: readonly TreeNode[]): Promise<Map<string, Hash>> {
  const unique = [...new Map(nodes.map((n) => [nodeKey(n), n])).values()];
  const found = await readStoredNodes(store, unique.filter((n) => n.level >= STORED_LEVEL));
  const small = unique.filter((n) => n.level < STORED_LEVEL);
  if (small.length === 0) return found;
  hashSmallNodes(small, await sealedLeaves(store, small), found);
  return found;
}

/** Hashes each subtree under STORED_LEVEL from its leaves into `into`; one with a leaf missing is left out. */
function hashSmallNodes(nodes: readonly TreeNode[], leaves: ReadonlyMap<number, Hash>, into: Map<string, Hash>): void {
  for (const node of nodes) {
    const width = 2 ** node.level;
    const hashes: Hash[] = [];
    for (let i = node.idx * width; i < (node.idx + 1) * width; i++) {
      const leaf = leaves.get(i);
      if (!leaf) break;
      hashes.push(leaf);
    }
    if (hashes.length < width) continue;
    while (hashes.length > 1) {
      for (let i = 0; i < hashes.length / 2; i++) hashes[i] = nodeHash(hashes[2 * i]!, hashes[2 * i + 1]!);
      hashes.length /= 2;
    }
    into.set(nodeKey(node), hashes[0]!);
  }
}

/** The leaf hashes (by leaf index) of the sealed events under the given small subtrees, a page of blocks per read. */
async function sealedLeaves(store: Store, nodes: readonly TreeNode[]): Promise<Map<number, Hash>> {
  const blocks = [...new Set(nodes.map((n) => Math.floor((n.idx * 2 ** n.level) / BLOCK)))].sort((a, b) => a - b);
  const leaves = new Map<number, Hash>();
  const perRead = BLOCK_EVENTS_PER_READ / BLOCK;
  for (let i = 0; i < blocks.length; i += perRead) {
    const ranges: [number, number][] = [];
    for (const block of blocks.slice(i, i + perRead)) {
      if (!Number.isSafeInteger(block) || block < 0) throw new Error("bad tree coordinate");
      const last = ranges[ranges.length - 1];
      if (last && last[1] === block * BLOCK) last[1] = (block + 1) * BLOCK;
      else ranges.push([block * BLOCK, (block + 1) * BLOCK]);
    }
    // Leaf i is seq i + 1; the bounds are computed integers, inlined.
    const within = ranges.map(([from, to]) => `seq BETWEEN ${from + 1} AND ${to}`).join(" OR ");
    const rows = await store.all<{ canonical: string }>(sql`SELECT canonical FROM audit_events WHERE (${sql.raw(within)}) AND hash IS NOT NULL`);
    for (const row of rows) {
      const event = eventFromCanonical(row.canonical);
      leaves.set(event.seq - 1, eventLeafHash(event));
    }
  }
  return leaves;
}

/** Stored subtree hashes (STORED_LEVEL and up), 200 per read (coordinates are computed integers, inlined). */
async function readStoredNodes(store: Store, unique: readonly TreeNode[]): Promise<Map<string, Hash>> {
  const found = new Map<string, Hash>();
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
    if (plan.after) lastSealed.set(store, plan.after);
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
  /** Where the log ends once the batch commits, with its frontier. */
  after?: SealedEnd;
}

/** The sealed log's end: its size, the hash of its last event, and the frontier's subtree hashes. */
interface SealedEnd {
  size: number;
  hash: string;
  frontier: Hash[];
}

/**
 * Where this process's last seal left the log. The last event's chain hash commits to every event
 * before it, so when the log still ends at that size with that hash, the frontier is the same and
 * the next seal need not read the last block's events to rebuild its small subtrees; any other end
 * (another process sealed, or the rows changed) is read afresh.
 */
const lastSealed = new WeakMap<Store, SealedEnd>();

/**
 * What to seal next, read in one statement (one snapshot on both drivers): the sealed size (a seek
 * on the partial index of unsealed events), the sealed events of the last, incomplete block of 16
 * (the tree keeps no subtree under 16 leaves, so the frontier's small subtrees are hashed from
 * them), always at least the last sealed event (seq = size), and up to SEAL_BATCH_EVENTS events
 * after it (seeks on seq). It used to find the last sealed event with `WHERE hash IS NOT NULL
 * ORDER BY seq DESC`, which walks back over every unsealed event: after a crash or a bulk import,
 * sealing a backlog of B events cost O(B²).
 */
async function planSeal(store: Store): Promise<SealPlan> {
  const treeEnd = sql`(${sealedSize})`;
  const known = lastSealed.get(store);
  const blockStart = sql`min((${treeEnd} / ${sql.raw(String(BLOCK))}) * ${sql.raw(String(BLOCK))} + 1, ${treeEnd})`;
  // Computed integers, inlined; from the last sealed event only when the log still ends where this process left it.
  const from = known ? sql`CASE WHEN ${treeEnd} = ${sql.raw(String(known.size))} THEN ${sql.raw(String(known.size))} ELSE ${blockStart} END` : blockStart;
  const rows = await store.all<{ size: number; seq: number; canonical: string; hash: string | null }>(
    sql`SELECT ${treeEnd} AS size, seq, canonical, hash FROM audit_events WHERE seq >= ${from} ORDER BY seq LIMIT ${SEAL_BATCH_EVENTS + BLOCK}`,
  );
  if (rows.length === 0) return { size: await treeSize(store), count: 0, stuckAtSeq: null, statements: [] };
  const size = Number(rows[0]!.size);
  const last = size === 0 ? null : rows.find((r) => Number(r.seq) === size);
  const pending = rows.filter((r) => Number(r.seq) > size).slice(0, SEAL_BATCH_EVENTS);
  if (pending.length === 0) return { size, count: 0, stuckAtSeq: null, statements: [] };
  if (size > 0 && !last?.hash) throw new Error(`the sealed log ends at event ${size} but that event is missing or unsealed; run verify`);
  if (pending[0]!.hash !== null) throw new Error(`event ${pending[0]!.seq} is sealed after the sealed log's end at ${size}; run verify`);
  // The fields the text holds; the bytes hashed are canonicalEventText's of them (the definition).
  const asEvent = (row: (typeof rows)[number]): CanonicalEvent => eventFromCanonical(row.canonical);
  // Leaves are dense: leaf i is seq i + 1. A missing seq stops sealing there (verify reports it).
  const events: CanonicalEvent[] = [];
  for (const [i, event] of pending.entries()) {
    if (Number(event.seq) !== size + 1 + i || event.hash !== null) break;
    events.push(asEvent(event));
  }
  const stuckAtSeq = pending.length > events.length ? size + 1 + events.length : null;
  if (events.length === 0) return { size, count: 0, stuckAtSeq, statements: [] };

  const builder = TreeBuilder.resume(size, await frontierAt(store, size, last?.hash ?? null, rows, known, asEvent));

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
    // Sealed already (another sealer was first): prev_hash becomes NULL beside a hash, the CHECK
    // fails and the whole batch rolls back, so a sealer never counts events it did not seal.
    statements.push(
      sql`UPDATE audit_events SET prev_hash = CASE WHEN hash IS NULL THEN ${prevGuard} END, hash = coalesce(hash, ${hash}) WHERE seq = ${event.seq}`,
    );
    for (const node of builder.append(eventLeafHash(event, bytes))) {
      if (node.level >= STORED_LEVEL) treeRows.push({ level: node.level, idx: node.idx, hash: toHex(node.hash) });
    }
    prev = hash;
  }
  for (let i = 0; i < treeRows.length; i += TREE_ROWS_PER_INSERT) {
    const rows = treeRows.slice(i, i + TREE_ROWS_PER_INSERT).map((r) => sql`(${r.level}, ${r.idx}, ${r.hash})`);
    statements.push(sql`INSERT INTO audit_tree (level, idx, hash) VALUES ${sql.join(rows, sql`, `)}`);
  }
  return { size, count: events.length, stuckAtSeq, statements, after: { size: builder.size, hash: prev, frontier: builder.frontierHashes() } };
}

/**
 * The frontier's subtree hashes at `size`: this process's own from its last seal when the log
 * still ends there with the same hash; else the stored ones (16 leaves and more) and the small ones
 * hashed from the last block's events (in `rows` when the plan read them, else read now).
 */
async function frontierAt<R extends { seq: number; hash: string | null }>(
  store: Store,
  size: number,
  lastHash: string | null,
  rows: readonly R[],
  known: SealedEnd | undefined,
  asEvent: (row: R) => CanonicalEvent,
): Promise<Hash[]> {
  if (size === 0) return [];
  if (known && known.size === size && known.hash === lastHash) return known.frontier;
  const nodes = rangeNodes({ start: 0, end: size });
  const small = nodes.filter((n) => n.level < STORED_LEVEL);
  const found = await readStoredNodes(store, nodes.filter((n) => n.level >= STORED_LEVEL));
  const leaves = new Map<number, Hash>();
  for (const row of rows) if (Number(row.seq) <= size && row.hash !== null) leaves.set(Number(row.seq) - 1, eventLeafHash(asEvent(row)));
  const firstSmall = small[0] ? small[0].idx * 2 ** small[0].level : size;
  const complete = leaves.size >= size - firstSmall;
  hashSmallNodes(small, complete ? leaves : await sealedLeaves(store, small), found);
  const frontier = nodes.map((node) => found.get(nodeKey(node)));
  if (frontier.some((h) => h === undefined)) throw new Error(`the audit tree is missing a subtree below size ${size}; run verify`);
  return frontier as Hash[];
}
