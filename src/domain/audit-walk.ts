// Re-walks an audit log from seq 1: checks the chain (dense seq, prev_hash, hash), rebuilds the
// Merkle tree leaf by leaf, and notes the root at the sizes asked for. One walk serves the
// database verifier (which also compares every stored subtree) and the offline export verifier.
// It stops at the first break and says where: the sequence number and what is wrong there.
import { canonicalEventBytes, chainHash, eventLeafHash, GENESIS_HASH, type CanonicalEvent } from "./audit-event";
import { toHex, TreeBuilder, type Hash, type TreeNode } from "./merkle";

export interface StoredEvent extends CanonicalEvent {
  prev_hash: string | null;
  hash: string | null;
}

export interface LogBreak {
  seq: number;
  problem: string;
}

export interface WalkResult {
  /** Events read. */
  events: number;
  /** Sealed events verified from seq 1 (the tree size the walk rebuilt). */
  sealed: number;
  /** Unsealed events after the sealed prefix (not yet in the tree; not an error). */
  unsealed: { count: number; first_seq: number | null; last_seq: number | null };
  first_break: LogBreak | null;
  /** The root at each asked-for size the walk reached. */
  roots: Map<number, Hash>;
}

export interface WalkOptions {
  rootsAt?: ReadonlySet<number>;
  /** Compares a rebuilt subtree with a stored one; returns a problem, or null when they agree. */
  checkNode?: (node: TreeNode, hashHex: string) => string | null;
}

export async function walkLog(events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>, options: WalkOptions = {}): Promise<WalkResult> {
  const builder = new TreeBuilder();
  const roots = new Map<number, Hash>();
  const result: WalkResult = { events: 0, sealed: 0, unsealed: { count: 0, first_seq: null, last_seq: null }, first_break: null, roots };
  if (options.rootsAt?.has(0)) roots.set(0, builder.root());
  let prev = GENESIS_HASH;
  for await (const event of events) {
    result.events += 1;
    const expected = result.events;
    const broken = (problem: string): WalkResult => ({ ...result, first_break: { seq: Math.min(Number(event.seq), expected), problem } });
    if (Number(event.seq) !== expected) {
      return broken(Number(event.seq) > expected ? `event ${expected} is missing (next is ${event.seq})` : `event ${event.seq} is out of order or repeated`);
    }
    if (event.hash === null) {
      result.unsealed.count += 1;
      result.unsealed.first_seq ??= expected;
      result.unsealed.last_seq = expected;
      continue;
    }
    if (result.unsealed.count > 0) return broken(`event ${expected} is sealed after unsealed event ${result.unsealed.first_seq}`);
    if (event.prev_hash !== prev) return broken(`event ${expected}'s prev_hash is not event ${expected - 1}'s hash`);
    const bytes = canonicalEventBytes(event);
    if (chainHash(prev, event, bytes) !== event.hash) return broken(`event ${expected}'s content does not match its hash (edited after sealing)`);
    for (const node of builder.append(eventLeafHash(event, bytes))) {
      const problem = options.checkNode?.(node, toHex(node.hash));
      if (problem) return { ...result, first_break: { seq: node.idx * 2 ** node.level + 1, problem } };
    }
    prev = event.hash;
    result.sealed = builder.size;
    if (options.rootsAt?.has(builder.size)) roots.set(builder.size, builder.root());
  }
  return result;
}

/** Stored subtrees a tree of n leaves has: one per completed node, 2n − popcount(n). */
export function completeSubtreeCount(n: number): number {
  let bits = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) bits += v % 2;
  return 2 * n - bits;
}
