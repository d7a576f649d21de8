// The Merkle tree of RFC 6962 §2.1 (and RFC 9162 §2.1): leaf = SHA-256(0x00 ‖ data), node =
// SHA-256(0x01 ‖ left ‖ right), a tree of n leaves splits at k, the largest power of two below n.
// Proofs are planned as lists of leaf ranges (pure, synchronous), so a caller can fetch every
// stored subtree hash a proof needs in one read, then hash. Hashing is node:crypto's synchronous
// SHA-256 (Node, and Workers under nodejs_compat): WebCrypto's digest costs an await and a trip
// through a thread pool per hash, which made sealing and verifying the log slow (docs/performance.md).
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";

export type Hash = Uint8Array;

/** Leaves [start, end). */
export interface LeafRange {
  start: number;
  end: number;
}

/** A complete subtree: leaves [idx·2^level, (idx+1)·2^level). */
export interface TreeNode {
  level: number;
  idx: number;
}

/** SHA-256 of the parts, concatenated. */
export function sha256(...parts: Uint8Array[]): Hash {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

export const leafHash = (data: Uint8Array) => sha256(LEAF_PREFIX, data);
export const nodeHash = (left: Hash, right: Hash) => sha256(NODE_PREFIX, left, right);
/** MTH({}) = SHA-256 of the empty string. */
export const emptyTreeHash = () => sha256(new Uint8Array(0));

/** The largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** RFC 6962 PATH(m, D[0:n]): the ranges whose hashes form the inclusion proof, leaf side first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const path = (m: number, start: number, end: number): LeafRange[] => {
    const n = end - start;
    if (n <= 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, start, start + k), { start: start + k, end }]
      : [...path(m - k, start + k, end), { start, end: start + k }];
  };
  return path(index, 0, size);
}

/** RFC 6962 PROOF(m, D[0:n]) via SUBPROOF: the ranges whose hashes prove size m grew into size n. */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize) && oldSize >= 0 && oldSize <= newSize)) {
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  const subproof = (m: number, start: number, end: number, complete: boolean): LeafRange[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [{ start, end }];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, start + k, complete), { start: start + k, end }]
      : [...subproof(m - k, start + k, end, false), { start, end: start + k }];
  };
  return subproof(oldSize, 0, newSize, true);
}

/** The complete subtrees whose hashes make up a range's hash, splitting as MTH does. */
export function rangeNodes(range: LeafRange): TreeNode[] {
  const n = range.end - range.start;
  if (n <= 0) throw new RangeError("an empty range has no subtrees");
  if (isPowerOfTwo(n) && range.start % n === 0) return [{ level: Math.log2(n), idx: range.start / n }];
  const k = splitPoint(n);
  return [...rangeNodes({ start: range.start, end: range.start + k }), ...rangeNodes({ start: range.start + k, end: range.end })];
}

export const nodeKey = (node: TreeNode) => `${node.level}:${node.idx}`;

/** MTH(D[start:end]) from stored complete subtrees (`lookup` throws or returns undefined when one is missing). */
export function rangeHash(range: LeafRange, lookup: (node: TreeNode) => Hash | undefined): Hash {
  const n = range.end - range.start;
  if (isPowerOfTwo(n) && range.start % n === 0) {
    const node = { level: Math.log2(n), idx: range.start / n };
    const hash = lookup(node);
    if (!hash) throw new Error(`subtree ${nodeKey(node)} is not stored`);
    return hash;
  }
  const k = splitPoint(n);
  return nodeHash(rangeHash({ start: range.start, end: range.start + k }, lookup), rangeHash({ start: range.start + k, end: range.end }, lookup));
}

/**
 * Builds a tree leaf by leaf, keeping only the right frontier (one complete subtree per set bit
 * of the size). Reports each complete subtree as it is completed, so a sealer can store it and a
 * verifier can compare it with what is stored.
 */
export class TreeBuilder {
  private frontier: { level: number; idx: number; hash: Hash }[] = [];
  size = 0;

  /** Starts from a stored frontier: the complete subtrees of rangeNodes([0, size)), left to right. */
  static resume(size: number, frontier: Hash[]): TreeBuilder {
    const builder = new TreeBuilder();
    const nodes = size === 0 ? [] : rangeNodes({ start: 0, end: size });
    if (nodes.length !== frontier.length) throw new Error("the frontier does not match the tree size");
    builder.frontier = nodes.map((node, i) => ({ ...node, hash: frontier[i]! }));
    builder.size = size;
    return builder;
  }

  /** Appends a leaf hash; returns every subtree it completes (the leaf itself first). */
  append(leaf: Hash): (TreeNode & { hash: Hash })[] {
    const completed: (TreeNode & { hash: Hash })[] = [];
    let node = { level: 0, idx: this.size, hash: leaf };
    completed.push(node);
    while (this.frontier.length > 0 && this.frontier[this.frontier.length - 1]!.level === node.level) {
      const left = this.frontier.pop()!;
      node = { level: node.level + 1, idx: left.idx / 2, hash: nodeHash(left.hash, node.hash) };
      completed.push(node);
    }
    this.frontier.push(node);
    this.size += 1;
    return completed;
  }

  /** The hashes of the complete subtrees of rangeNodes([0, size)), left to right (what resume takes). */
  frontierHashes(): Hash[] {
    return this.frontier.map((node) => node.hash);
  }

  root(): Hash {
    if (this.frontier.length === 0) return emptyTreeHash();
    let hash = this.frontier[this.frontier.length - 1]!.hash;
    for (let i = this.frontier.length - 2; i >= 0; i--) hash = nodeHash(this.frontier[i]!.hash, hash);
    return hash;
  }
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` with hash `leaf` in the tree of `size` with `root`? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size)) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot)? */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Hash[],
  oldRoot: Hash,
  newRoot: Hash,
): boolean {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize)) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equalBytes(fr, oldRoot) && equalBytes(sr, newRoot) && sn === 0;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export const toHex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error("not lower-case hex");
  return new Uint8Array(Buffer.from(hex, "hex"));
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
