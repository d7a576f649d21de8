import { env } from "cloudflare:workers";
import { openD1Store, type D1Like } from "../../src/db/d1";
import { buildHarness } from "./build-harness";
import type { Harness } from "./harness-types";

/** D1 inside workerd: the test project's local database, migrated by workers-setup.ts. */
export async function createHarness(): Promise<Harness> {
  return buildHarness("d1", openD1Store((env as unknown as { DB: D1Like }).DB));
}
