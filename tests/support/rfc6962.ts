// An independent reference of RFC 6962 §2.1, written from the RFC's definitions (MTH, PATH,
// PROOF/SUBPROOF) over the leaf data itself, with node:crypto instead of WebCrypto. Deliberately
// naive: it recomputes subtrees from the leaves, so it shares nothing with src/domain/merkle.ts.
import { createHash } from "node:crypto";

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** k: the largest power of two smaller than n (n > 1). */
function largestPowerOfTwoBelow(n: number): number {
  return 2 ** Math.floor(Math.log2(n - 1));
}

/** MTH(D[n]). */
export function mth(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return sha256();
  if (n === 1) return sha256(Uint8Array.of(0), leaves[0]!);
  const k = largestPowerOfTwoBelow(n);
  return sha256(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** PATH(m, D[n]): the audit path for leaf m. */
export function path(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  const n = leaves.length;
  if (n === 1 && m === 0) return [];
  const k = largestPowerOfTwoBelow(n);
  if (m < k) return [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))];
  return [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
export function proof(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [mth(leaves)];
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) return [...subproof(m, leaves.slice(0, k), b), mth(leaves.slice(k))];
  return [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
