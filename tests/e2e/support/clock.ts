// The product with a clock the test can move forward: a booking starts in an hour, and the test
// need not wait for it. Only the server's clock moves; the browser keeps real time, as a
// person's would.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startProduct, type Product } from "./product";

export interface ClockedProduct extends Product {
  /** Moves the server's clock `ms` further ahead of real time. */
  advance: (ms: number) => Promise<void>;
}

const PRELOAD = resolve("tests/e2e/support/server-clock.mjs");
/** Longer than the preload's re-read interval, so the next request sees the new time. */
const SETTLE_MS = 150;

export async function startClockedProduct(): Promise<ClockedProduct> {
  const file = join(mkdtempSync(join(tmpdir(), "vouchers-e2e-clock-")), "offset-ms");
  let offset_ms = 0;
  writeFileSync(file, "0");
  const product = await startProduct({ E2E_CLOCK_FILE: file, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${PRELOAD}`.trim() });
  const advance = async (ms: number) => {
    offset_ms += ms;
    writeFileSync(file, String(offset_ms));
    await new Promise((done) => setTimeout(done, SETTLE_MS));
  };
  return { ...product, advance };
}
