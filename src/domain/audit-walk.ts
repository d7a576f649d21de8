// Re-walks an audit log from seq 1: checks the chain (dense seq, prev_hash, hash), rebuilds the
// Merkle tree, and notes the root at the sizes asked for. One checker serves the database
// verifier (which also compares every stored subtree, on D1 and on better-sqlite3) and the offline
// export verifier. It stops at the first break and says where: the sequence number and what is
// wrong there.
//
// Speed (docs/performance.md): events come in as their canonical text (the stored text in the
// database verifier, so no row object is built), leaf hashes go into one buffer per chunk of 4,096
// leaves, and the tree is built level by level over those buffers; each level the store keeps
// (`storedFrom` and up) is compared with the stored subtrees in one string comparison. SHA-256 is node:crypto's
// one-shot `hash` where the runtime has it (Node ≥ 20.12), else createHash (Workers).
import { Buffer } from "node:buffer";
import * as nodeCrypto from "node:crypto";
import { canonicalEventText, GENESIS_HASH, type CanonicalEvent } from "./audit-event";
import { emptyTreeHash, nodeHash, type Hash } from "./merkle";

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

/**
 * Compares rebuilt subtrees with stored ones: nodes from..to (inclusive) of one level, whose
 * hashes are `builtHex` (64 hex digits each, in idx order). Returns the first node that is missing
 * or differs, or null when all agree.
 */
export type CheckLevel = (level: number, from: number, to: number, builtHex: string) => Promise<{ idx: number; problem: string } | null>;

export interface WalkOptions {
  rootsAt?: ReadonlySet<number>;
  checkLevel?: CheckLevel;
  /** The lowest level checkLevel is asked about (the lowest the store keeps); 0 by default. */
  storedFrom?: number;
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: "hex" | "latin1") => string;
const oneShot: OneShotHash =
  (nodeCrypto as unknown as { hash?: OneShotHash }).hash ?? ((algorithm, data, encoding) => nodeCrypto.createHash(algorithm).update(data).digest(encoding as "hex"));

/** Leaves per chunk: 2^CHUNK_LEVEL. Chunks start at multiples of it, so each is a complete subtree. */
const CHUNK_LEVEL = 12;
const CHUNK = 2 ** CHUNK_LEVEL;

/** What LogChecker.add did with an event. */
export const Added = {
  /** Taken; feed the next one (flush first when `full`). */
  Ok: 0,
  /** The log broke here; stop feeding and call finish(). */
  Broken: 1,
  /** The hash does not match this text; nothing was taken. Feed the same event again with the text canonicalEventText makes (final). */
  Mismatch: 2,
} as const;
export type Added = (typeof Added)[keyof typeof Added];

export class LogChecker {
  private readonly rootsAt: ReadonlySet<number>;
  private readonly checkLevel: CheckLevel | undefined;
  private readonly storedFrom: number;
  private readonly result: WalkResult = { events: 0, sealed: 0, unsealed: { count: 0, first_seq: null, last_seq: null }, first_break: null, roots: new Map() };
  private prev = GENESIS_HASH;
  /** Complete subtrees left of the current chunk (levels ≥ CHUNK_LEVEL), left to right. */
  private frontier: { level: number; idx: number; hash: Buffer }[] = [];
  private chunkStart = 0;
  private count = 0;
  private readonly leaves = Buffer.alloc(CHUNK * 32);
  /** [1, 33): the previous hash, [33, …): the canonical bytes; [32] becomes the leaf prefix 0x00. */
  private scratch = Buffer.alloc(16 * 1024);
  private readonly pair = Buffer.alloc(65, 1);

  constructor(options: WalkOptions = {}) {
    this.rootsAt = options.rootsAt ?? new Set();
    this.checkLevel = options.checkLevel;
    this.storedFrom = options.storedFrom ?? 0;
    if (this.rootsAt.has(0)) this.result.roots.set(0, emptyTreeHash());
  }

  /** The chunk is full: await flush() before adding more. */
  get full(): boolean {
    return this.count === CHUNK;
  }

  add(seq: number, canonical: string, prevHash: string | null, hash: string | null, final: boolean): Added {
    const result = this.result;
    const expected = result.events + 1;
    if (seq !== expected) {
      result.events += 1;
      return this.broken(Math.min(seq, expected), seq > expected ? `event ${expected} is missing (next is ${seq})` : `event ${seq} is out of order or repeated`);
    }
    if (hash === null) {
      result.events += 1;
      result.unsealed.count += 1;
      result.unsealed.first_seq ??= expected;
      result.unsealed.last_seq = expected;
      return Added.Ok;
    }
    if (result.unsealed.count > 0) {
      result.events += 1;
      return this.broken(expected, `event ${expected} is sealed after unsealed event ${result.unsealed.first_seq}`);
    }
    if (prevHash !== this.prev) {
      result.events += 1;
      return this.broken(expected, `event ${expected}'s prev_hash is not event ${expected - 1}'s hash`);
    }
    let length = this.scratch.write(canonical, 33, "utf8");
    if (length >= this.scratch.length - 33 - 3) {
      this.scratch = Buffer.alloc(2 * (Buffer.byteLength(canonical) + 64));
      length = this.scratch.write(canonical, 33, "utf8");
    }
    this.scratch.write(this.prev, 1, "hex");
    if (oneShot("sha256", this.scratch.subarray(1, 33 + length), "hex") !== hash) {
      if (!final) return Added.Mismatch;
      result.events += 1;
      return this.broken(expected, `event ${expected}'s content does not match its hash (edited after sealing)`);
    }
    result.events += 1;
    this.scratch[32] = 0;
    this.leaves.write(oneShot("sha256", this.scratch.subarray(32, 33 + length), "latin1"), this.count * 32, "latin1");
    this.count += 1;
    this.prev = hash;
    return Added.Ok;
  }

  private broken(seq: number, problem: string): Added {
    this.result.first_break = { seq, problem };
    return Added.Broken;
  }

  /** Builds and checks the current chunk's subtrees and the roots inside it. */
  async flush(): Promise<void> {
    const m = this.count;
    if (m === 0) return;
    const base = this.chunkStart;
    const levels: Buffer[] = [this.leaves.subarray(0, m * 32)];
    for (let level = 1; m >> level > 0; level++) {
      const below = levels[level - 1]!;
      const n = m >> level;
      const built = Buffer.allocUnsafe(n * 32);
      for (let i = 0; i < n; i++) {
        below.copy(this.pair, 1, 64 * i, 64 * i + 64);
        built.write(oneShot("sha256", this.pair, "latin1"), 32 * i, "latin1");
      }
      levels.push(built);
    }

    // The first stored subtree that disagrees, in the order the nodes were completed (the event
    // with seq (idx+1)·2^level completes node (level, idx)), lower levels first.
    let bad: { completedBy: number; level: number; idx: number; problem: string } | null = null;
    const consider = (level: number, found: { idx: number; problem: string } | null) => {
      if (!found) return;
      const completedBy = (found.idx + 1) * 2 ** level;
      if (!bad || completedBy < bad.completedBy || (completedBy === bad.completedBy && level < bad.level)) bad = { completedBy, level, ...found };
    };
    const upper: { level: number; idx: number; hash: Buffer }[] = [];
    const frontierBefore = this.frontier;
    if (m === CHUNK) {
      // Append the chunk's root to the frontier; note the subtrees above it that this completes.
      const frontier = [...frontierBefore];
      let node = { level: CHUNK_LEVEL, idx: base / CHUNK, hash: levels[CHUNK_LEVEL]!.subarray(0, 32) };
      while (frontier.length > 0 && frontier[frontier.length - 1]!.level === node.level) {
        const left = frontier.pop()!;
        node = { level: node.level + 1, idx: left.idx / 2, hash: Buffer.from(nodeHash(left.hash, node.hash)) };
        upper.push(node);
      }
      frontier.push(node);
      this.frontier = frontier;
    }
    if (this.checkLevel) {
      for (const [level, built] of levels.entries()) {
        if (level < this.storedFrom) continue;
        const from = base / 2 ** level;
        const n = built.length / 32;
        consider(level, await this.checkLevel(level, from, from + n - 1, built.toString("hex")));
      }
      for (const node of upper) consider(node.level, await this.checkLevel(node.level, node.idx, node.idx, node.hash.toString("hex")));
    }

    const stopAt: number = bad ? (bad as { completedBy: number }).completedBy - 1 : base + m;
    for (const size of this.rootsAt) {
      if (size > base && size <= stopAt) this.result.roots.set(size, rootAt(frontierBefore, levels, base, size));
    }
    const result = this.result;
    if (bad) {
      const { completedBy, level, idx, problem } = bad as { completedBy: number; level: number; idx: number; problem: string };
      result.first_break = { seq: idx * 2 ** level + 1, problem };
      result.events = completedBy;
      result.sealed = completedBy - 1;
      result.unsealed = { count: 0, first_seq: null, last_seq: null };
      this.count = 0;
      return;
    }
    result.sealed = base + m;
    this.chunkStart = base + m;
    this.count = 0;
  }

  /** Flushes what is left and returns the verdict. */
  async finish(): Promise<WalkResult> {
    if (!this.result.first_break || this.count > 0) await this.flush();
    return this.result;
  }

  /** A break was found (by add or by a stored subtree): stop reading. */
  get stopped(): boolean {
    return this.result.first_break !== null;
  }
}

/** MTH of the first `size` leaves: the frontier left of the chunk, then the chunk's own subtrees for the rest. */
function rootAt(frontier: readonly { hash: Buffer }[], levels: readonly Buffer[], base: number, size: number): Hash {
  const parts: Uint8Array[] = frontier.map((node) => node.hash);
  const rest = size - base;
  let offset = 0;
  for (let level = levels.length - 1; level >= 0; level--) {
    const width = 2 ** level;
    if ((rest & width) === 0) continue;
    const at = (offset / width) * 32;
    parts.push(levels[level]!.subarray(at, at + 32));
    offset += width;
  }
  let root = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) root = nodeHash(parts[i]!, root);
  return new Uint8Array(root);
}

/** Walks events given as objects (an export, or tests); the database verifier feeds LogChecker directly. */
export async function walkLog(events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>, options: WalkOptions = {}): Promise<WalkResult> {
  const checker = new LogChecker(options);
  for await (const event of events) {
    const added = checker.add(Number(event.seq), event.hash === null ? "" : canonicalEventText(event), event.prev_hash, event.hash, true);
    if (added === Added.Broken) break;
    if (checker.full) {
      await checker.flush();
      if (checker.stopped) break;
    }
  }
  return checker.finish();
}

/** Complete subtrees of `fromLevel` and up in a tree of n leaves: one per completed node, Σ ⌊n / 2^level⌋. */
export function completeSubtreeCount(n: number, fromLevel = 0): number {
  let count = 0;
  for (let width = 2 ** fromLevel; width <= n; width *= 2) count += Math.floor(n / width);
  return count;
}
