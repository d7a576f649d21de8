// The tree, its proofs and their verifiers against the independent RFC 6962 reference
// (tests/support/rfc6962.ts), for every size 1..64 and every index; and proofs a verifier must
// refuse (the bug class of GHSA-672p-m5jq-mrh8: a half-checked proof).
import { describe, expect, it } from "vitest";
import {
  consistencyRanges,
  inclusionRanges,
  leafHash,
  rangeHash,
  rangeNodes,
  TreeBuilder,
  verifyConsistency,
  verifyInclusion,
  nodeKey,
  type Hash,
} from "../../src/domain/merkle";
import { hex, mth, path, proof } from "../support/rfc6962";

const MAX = 64;
const data = Array.from({ length: MAX }, (_, i) => new TextEncoder().encode(`leaf ${i} ${"x".repeat(i % 7)}`));

async function storedTree(n: number) {
  const builder = new TreeBuilder();
  const nodes = new Map<string, Hash>();
  const roots: Hash[] = [await builder.root()];
  for (const d of data.slice(0, n)) {
    for (const node of await builder.append(await leafHash(d))) nodes.set(nodeKey(node), node.hash);
    roots.push(await builder.root());
  }
  return { nodes, roots };
}

describe("the Merkle tree against the RFC 6962 reference", async () => {
  const { nodes, roots } = await storedTree(MAX);
  const lookup = (node: { level: number; idx: number }) => nodes.get(nodeKey(node));
  const hashes = (ranges: { start: number; end: number }[]) => Promise.all(ranges.map((r) => rangeHash(r, lookup)));

  it("every size's root, built leaf by leaf and from stored subtrees, is the reference MTH", async () => {
    for (let n = 0; n <= MAX; n++) {
      expect(hex(roots[n]!)).toBe(hex(mth(data.slice(0, n))));
      if (n > 0) expect(hex(await rangeHash({ start: 0, end: n }, lookup))).toBe(hex(mth(data.slice(0, n))));
      if (n > 0) expect(rangeNodes({ start: 0, end: n }).length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)) + 1);
    }
  });

  it("every inclusion proof for every size and index is the reference PATH, and verifies", async () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const ours = await hashes(inclusionRanges(m, n));
        expect(ours.map(hex)).toEqual(path(m, data.slice(0, n)).map(hex));
        expect(await verifyInclusion(await leafHash(data[m]!), m, n, ours, roots[n]!)).toBe(true);
      }
    }
  });

  it("every consistency proof between sizes 1..64 is the reference PROOF, and verifies", async () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const ours = await hashes(consistencyRanges(m, n));
        expect(ours.map(hex)).toEqual(proof(m, data.slice(0, n)).map(hex));
        expect(await verifyConsistency(m, n, ours, roots[m]!, roots[n]!)).toBe(true);
      }
    }
  });

  it("refuses inclusion proofs with a wrong leaf, index, size, root, a flipped, dropped or extra hash", async () => {
    for (const [m, n] of [[0, 1], [3, 7], [6, 7], [8, 9], [31, 33], [12, 63]] as const) {
      const good = await hashes(inclusionRanges(m, n));
      const leaf = await leafHash(data[m]!);
      expect(await verifyInclusion(await leafHash(data[(m + 1) % MAX]!), m, n, good, roots[n]!)).toBe(false);
      if (n > 1) expect(await verifyInclusion(leaf, (m + 1) % n, n, good, roots[n]!)).toBe(false);
      // (A root does not commit to its size, the signed checkpoint does: so the wrong size is paired with its own root.)
      expect(await verifyInclusion(leaf, m, n + 1, good, roots[n + 1]!)).toBe(false);
      expect(await verifyInclusion(leaf, m, n, good, roots[n - 1 > 0 ? n - 1 : n + 1]!)).toBe(false);
      expect(await verifyInclusion(leaf, n, n, good, roots[n]!)).toBe(false);
      expect(await verifyInclusion(leaf, m, n, [...good, roots[1]!], roots[n]!)).toBe(false);
      if (good.length > 0) {
        expect(await verifyInclusion(leaf, m, n, good.slice(0, -1), roots[n]!)).toBe(false);
        const flipped = good.map((h, i) => (i === 0 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
        expect(await verifyInclusion(leaf, m, n, flipped, roots[n]!)).toBe(false);
      }
    }
  });

  it("refuses consistency proofs that are truncated, padded, flipped, or for other sizes or roots", async () => {
    for (const [m, n] of [[1, 2], [3, 7], [4, 7], [6, 8], [7, 33], [32, 63], [17, 40]] as const) {
      const good = await hashes(consistencyRanges(m, n));
      expect(await verifyConsistency(m, n, good, roots[m]!, roots[n]!)).toBe(true);
      expect(await verifyConsistency(m, n, good.slice(0, -1), roots[m]!, roots[n]!)).toBe(false);
      expect(await verifyConsistency(m, n, [...good, roots[1]!], roots[m]!, roots[n]!)).toBe(false);
      expect(await verifyConsistency(m, n, [], roots[m]!, roots[n]!)).toBe(false);
      const flipped = good.map((h, i) => (i === good.length - 1 ? Uint8Array.from(h, (b, j) => (j === 5 ? b ^ 0x80 : b)) : h));
      expect(await verifyConsistency(m, n, flipped, roots[m]!, roots[n]!)).toBe(false);
      expect(await verifyConsistency(m, n, good, roots[m - 1]!, roots[n]!)).toBe(false);
      expect(await verifyConsistency(m, n, good, roots[m]!, roots[n - 1]!)).toBe(false);
      expect(await verifyConsistency(m, n + 1, good, roots[m]!, roots[n + 1]!)).toBe(false);
      expect(await verifyConsistency(n, m, good, roots[n]!, roots[m]!)).toBe(false);
    }
  });
});
