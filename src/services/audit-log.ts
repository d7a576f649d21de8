// The verifiable audit log's operations (docs/audit-log.md): seal after each write and on the
// sweep, sign checkpoints every N events or M minutes, and answer inclusion and consistency
// proofs from the stored subtree hashes.
import { desc, sql } from "drizzle-orm";
import { rangeHashes, sealAuditLog, treeSize } from "../db/audit-tree";
import { constraintViolation } from "../db/constraints";
import { audit_checkpoints, type AuditCheckpoint } from "../db/schema";
import type { Store } from "../db/store";
import { openCheckpoint, signCheckpoint, type NoteSigner } from "../domain/checkpoint";
import { consistencyRanges, emptyTreeHash, equalBytes, fromBase64, inclusionRanges, toBase64, verifyConsistency, type Hash } from "../domain/merkle";

export interface AuditSettings {
  /** The checkpoint's origin line: names this log (e.g. "vouchers.example.gov.cn/audit"). */
  origin: string;
  /** Signs checkpoints; null when no key is configured (events are still sealed). */
  signer: NoteSigner | null;
  checkpointEveryEvents: number;
  checkpointEveryMinutes: number;
}

export const DEFAULT_AUDIT_ORIGIN = "compute-vouchers.local/audit";
export const DEFAULT_CHECKPOINT_EVERY_EVENTS = 256;
export const DEFAULT_CHECKPOINT_EVERY_MINUTES = 10;

export const unsignedAuditSettings: AuditSettings = {
  origin: DEFAULT_AUDIT_ORIGIN,
  signer: null,
  checkpointEveryEvents: DEFAULT_CHECKPOINT_EVERY_EVENTS,
  checkpointEveryMinutes: DEFAULT_CHECKPOINT_EVERY_MINUTES,
};

/**
 * After a write: seal what is unsealed (a few batches at most) and sign a checkpoint if one is
 * due. The write itself already committed, so a failure here is logged, never the request's:
 * the next write or the sweep picks the work up.
 */
export function sealAfterWrite(store: Store, settings: AuditSettings, now: number): Promise<void> {
  const seal = async (rounds: number) => {
    try {
      await sealAuditLog(store, { rounds, maxConflicts: 3 });
      await checkpointIfDue(store, settings, now);
    } catch (error) {
      console.warn("audit sealing after a write failed; the sweep retries", error);
    }
  };
  // Workers: each request seals for itself. A promise shared across requests would carry one
  // request's I/O into another's, which workerd cancels when the first request ends.
  if (store.driver !== "better-sqlite3") return seal(2);
  // One seal serves every request that wrote while the previous one ran: enough rounds for all
  // their events (24 per round), bounded; the sweep seals anything left.
  return sealSoon(store, () => seal(16));
}

interface SealQueue {
  running: Promise<void> | null;
  queued: Promise<void> | null;
}
const sealQueues = new WeakMap<Store, SealQueue>();

/**
 * Requests on one store (the Node server's single connection) share their seals: while one runs,
 * every request that wrote meanwhile waits for ONE more seal that starts after it finishes, so
 * each still answers only after a seal that began after its own commit, but 64 concurrent writers
 * make two seals, not 64 that mostly collide on the chain guard and re-read (a storm that cost
 * more CPU than the bookings). The guards stay in the seal's write (audit_seal_chained), so other
 * processes sealing at the same time remain safe. Node only (see sealAfterWrite).
 */
function sealSoon(store: Store, seal: () => Promise<void>): Promise<void> {
  let queue = sealQueues.get(store);
  if (!queue) sealQueues.set(store, (queue = { running: null, queued: null }));
  const q = queue;
  if (!q.running) {
    q.running = seal().finally(() => {
      q.running = null;
    });
    return q.running;
  }
  q.queued ??= q.running.then(() => {
    q.queued = null;
    return sealSoon(store, seal);
  });
  return q.queued;
}

/** The sweep's share: seal everything there is (bounded), then checkpoint if due. */
export async function sealAndCheckpoint(store: Store, settings: AuditSettings, now: number) {
  const sealed = await sealAuditLog(store, { rounds: 1000, maxConflicts: 20 });
  if (sealed.stuck_at_seq !== null) console.warn(`audit log: event ${sealed.stuck_at_seq} is missing; sealing stops there (run verify)`);
  const checkpoint = await checkpointIfDue(store, settings, now);
  return { sealed, checkpoint };
}

export async function latestCheckpoint(store: Store): Promise<AuditCheckpoint | undefined> {
  const [row] = await store.db.select().from(audit_checkpoints).orderBy(desc(audit_checkpoints.tree_size)).limit(1);
  return row;
}

/** MTH of the first `size` leaves, from O(log size) stored subtrees. */
export async function rootAt(store: Store, size: number): Promise<Hash> {
  if (size === 0) return emptyTreeHash();
  const [root] = await rangeHashes(store, [{ start: 0, end: size }]);
  return root!;
}

export class AuditLogInconsistent extends Error {}

/**
 * Signs a checkpoint of the whole sealed tree when N events or M minutes have passed since the
 * last (or at once with `force`). Before signing it proves, from the stored tree, that the new
 * tree extends the newest stored checkpoint; if not, it refuses (AuditLogInconsistent) rather
 * than sign a history that contradicts one already published.
 */
export async function checkpointIfDue(
  store: Store,
  settings: AuditSettings,
  now: number,
  options: { force?: boolean } = {},
): Promise<AuditCheckpoint | null> {
  const signer = settings.signer;
  if (!signer) return null;
  const [size, latest] = await Promise.all([treeSize(store), latestCheckpoint(store)]);
  if (latest && latest.tree_size >= size) return null;
  if (!latest && size === 0 && !options.force) return null;
  const due =
    options.force ||
    !latest ||
    size - latest.tree_size >= settings.checkpointEveryEvents ||
    now - latest.created_at >= settings.checkpointEveryMinutes * 60_000;
  if (!due) return null;

  const root = await rootAt(store, size);
  if (latest) await assertExtends(store, settings, signer, latest, size, root);
  const note = await signCheckpoint({ origin: settings.origin, size, root }, signer);
  const follows = latest?.tree_size ?? -1;
  try {
    await store.batch([
      sql`INSERT INTO audit_checkpoints (tree_size, root_hash, note, follows_tree_size, created_at)
          VALUES (${size}, ${toBase64(root)}, ${note},
                  (SELECT CASE WHEN coalesce((SELECT max(tree_size) FROM audit_checkpoints), -1) = ${follows} THEN ${follows} END),
                  ${now})`,
    ]);
  } catch (error) {
    // Another signer stored a checkpoint first (same size, or a newer one): nothing to do.
    if (constraintViolation(error)) return null;
    throw error;
  }
  return { tree_size: size, root_hash: toBase64(root), note, follows_tree_size: follows, created_at: now };
}

async function assertExtends(store: Store, settings: AuditSettings, signer: NoteSigner, latest: AuditCheckpoint, size: number, root: Hash) {
  const opened = await openCheckpoint(latest.note, signer);
  if ("problem" in opened || opened.origin !== settings.origin || opened.size !== latest.tree_size) {
    throw new AuditLogInconsistent(`checkpoint ${latest.tree_size} does not open under this log's key and origin; refusing to sign`);
  }
  const proof = await consistencyProof(store, latest.tree_size, size);
  if (!verifyConsistency(latest.tree_size, size, proof, opened.root, root)) {
    throw new AuditLogInconsistent(`the tree of ${size} does not extend checkpoint ${latest.tree_size}; refusing to sign`);
  }
  if (!equalBytes(fromBase64(latest.root_hash), opened.root)) {
    throw new AuditLogInconsistent(`checkpoint ${latest.tree_size}'s stored root differs from its note; refusing to sign`);
  }
}

export interface InclusionProof {
  seq: number;
  leaf_index: number;
  tree_size: number;
  leaf_hash: Hash;
  proof: Hash[];
  root: Hash;
}

/** The audit path for event `seq` in the tree of `size` (size ≤ sealed size, seq ≤ size). */
export async function inclusionProof(store: Store, seq: number, size: number): Promise<InclusionProof> {
  const ranges = inclusionRanges(seq - 1, size);
  const [leaf, root, ...proof] = await rangeHashes(store, [{ start: seq - 1, end: seq }, { start: 0, end: size }, ...ranges]);
  return { seq, leaf_index: seq - 1, tree_size: size, leaf_hash: leaf!, proof, root: root! };
}

/** The proof that the tree of `from` leaves is a prefix of the tree of `to` leaves (to ≤ sealed size). */
export async function consistencyProof(store: Store, from: number, to: number): Promise<Hash[]> {
  return rangeHashes(store, consistencyRanges(from, to));
}

export { treeSize };
