import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDirectoryBlobStore } from "../../src/blobs/directory";
import { openNodeStore } from "../../src/db/node";
import { buildHarness } from "./build-harness";
import type { Harness } from "./harness-types";

/** better-sqlite3: a fresh in-memory database with every migration applied; blobs in a fresh temporary directory. */
export async function createHarness(): Promise<Harness> {
  const blobs = openDirectoryBlobStore(join(mkdtempSync(join(tmpdir(), "vouchers-blobs-")), "blobs"));
  return buildHarness("better-sqlite3", openNodeStore(":memory:"), blobs);
}
