import { createApp } from "../../src/app";
import type { BlobStore } from "../../src/blobs/blob-store";
import type { Store } from "../../src/db/store";
import type { Harness } from "./harness-types";

/** Test-only: the client address comes from a header so throttling by address can be exercised. */
export const TEST_ADDRESS_HEADER = "X-Test-Client-Address";

export function buildHarness(driver: Harness["driver"], store: Store, blobs: BlobStore): Harness {
  const clock = { now: Date.now() };
  const app = createApp({
    store: () => store,
    blobs: () => blobs,
    clientAddress: (c) => c.req.header(TEST_ADDRESS_HEADER) ?? "198.51.100.1",
    now: () => clock.now,
  });
  return { driver, store, blobs, app, clock };
}
