import { openNodeStore } from "../../src/db/node";
import { buildHarness } from "./build-harness";
import type { Harness } from "./harness-types";

/** better-sqlite3: a fresh in-memory database with every migration applied. */
export async function createHarness(): Promise<Harness> {
  return buildHarness("better-sqlite3", openNodeStore(":memory:"));
}
