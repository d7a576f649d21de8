// A fresh start on an empty database loads the demo and seals its audit events before it serves:
// the public checkpoint and an inclusion proof are there before anyone has written anything.
// (Before, the demo's events waited for the first write or the first sweep, up to a minute, and
// the public notice page had no checkpoint to show meanwhile.)
import { describe, expect, it } from "vitest";
import { startProduct } from "./support/product";

describe("a fresh start", () => {
  it("serves the demo's audit log sealed and signed from the first request", async () => {
    const product = await startProduct();
    try {
      const latest = await fetch(`${product.baseUrl}/api/audit/checkpoints`);
      expect(latest.status).toBe(200);
      const { tree_size } = (await latest.json()) as { tree_size: number };
      expect(tree_size).toBeGreaterThan(0);
      const proof = await fetch(`${product.baseUrl}/api/audit/proofs/inclusion?seq=${tree_size}&size=${tree_size}`);
      expect(proof.status).toBe(200);
      expect(product.output()).toContain("loaded demo data");
    } finally {
      await product.stop();
    }
  });
});
