// Times one capacity search over the outside probe's data set (tests/load/adversarial-search.ts)
// on a temporary file database, in this thread. For a CPU profile:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/adversarial-search.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openNodeStore } from "../src/db/node";
import { organisations, users } from "../src/db/schema";
import { seedDemo } from "../src/seed/demo";
import { searchCapacity } from "../src/services/capacity-search";
import { seedAdversary } from "../tests/load/adversarial-search";

const dir = mkdtempSync(join(tmpdir(), "adversarial-search-"));
const path = join(dir, "probe.sqlite");
const now = Date.now();
const setup = openNodeStore(path);
await seedDemo(setup, now);
setup.close();
const seeded = seedAdversary(path, now);
console.log(`seeded ${seeded.slot_rows} slot rows`);

const store = openNodeStore(path);
const [user] = await store.db.select().from(users).where(eq(users.email, "qiming@demo.cn"));
const [org] = await store.db.select().from(organisations).where(eq(organisations.id, user!.org_id));
const actor = { user: user!, org: org!, sessionId: "bench", sessionExpiresAt: now + 3_600_000 };
const request = {
  category: "compute",
  accelerator_model: "Ascend 910B",
  quantity: 1,
  duration_hours: 1,
  domestic_only: false,
  max_unit_price_fen: null,
  earliest_start_at: seeded.window_from,
  latest_end_at: seeded.window_to,
  sort: "cheapest" as const,
  limit: 20,
};
for (let run = 0; run < 3; run++) {
  const started = performance.now();
  const result = await searchCapacity(store, actor, request, now);
  const { options, ...rest } = result;
  console.log(`search ${run}: ${(performance.now() - started).toFixed(0)} ms, ${options.length} options`, JSON.stringify(rest));
}
store.close();
rmSync(dir, { recursive: true, force: true });
