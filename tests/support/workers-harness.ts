import { env } from "cloudflare:workers";
import { openR2BlobStore, type R2BucketLike } from "../../src/blobs/r2";
import { openD1Store, type D1Like } from "../../src/db/d1";
import { buildHarness } from "./build-harness";
import type { Harness } from "./harness-types";

/** D1 inside workerd: the test project's local database, migrated by workers-setup.ts; blobs in the local R2 bucket (wrangler.toml BLOBS). */
export async function createHarness(): Promise<Harness> {
  const bindings = env as unknown as { DB: D1Like; BLOBS: R2BucketLike };
  return buildHarness("d1", openD1Store(bindings.DB), openR2BlobStore(bindings.BLOBS));
}
