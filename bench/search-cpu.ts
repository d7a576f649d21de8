// `node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/search-cpu.ts [runs] [quantity] [hours]`:
// seeds the bench data set (bench/seed.ts) on a temporary file and runs the bench's capacity
// search in a loop in this thread, for a CPU profile (read it with bench/profile.ts) or timings.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openNodeStore } from "../src/db/node";
import { organisations, users } from "../src/db/schema";
import { DAY_MS } from "../src/lib/time";
import { searchCapacity } from "../src/services/capacity-search";
import { seedBench } from "./seed";

const [runs = "40", quantity = "8", hours = "4"] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "search-cpu-"));
try {
  const path = join(dir, "bench.sqlite");
  const now = Date.now();
  const store = openNodeStore(path);
  const seeded = seedBench(path, now);
  const [org] = await store.db.select().from(organisations).where(eq(organisations.id, seeded.sme_org_id));
  const [user] = await store.db.select().from(users).where(eq(users.id, seeded.sme_user_id));
  const actor = { org: org!, user: user!, sessionId: "bench", sessionExpiresAt: now + DAY_MS };
  const need = {
    category: "compute",
    accelerator_model: null,
    quantity: Number(quantity),
    duration_hours: Number(hours),
    domestic_only: false,
    max_unit_price_fen: null,
    earliest_start_at: now + DAY_MS,
    latest_end_at: now + 31 * DAY_MS,
    sort: "cheapest" as const,
    limit: 20,
  };
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < Number(runs); i++) {
    const started = performance.now();
    const result = await searchCapacity(store, actor, need, now);
    times.push(performance.now() - started);
    if (i === 0) console.log(`${result.considered_offerings} offerings considered, ${result.options.length} options, complete: ${result.complete}`);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  console.log(`${runs} searches: p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(1)} ms, CPU ${((used.user + used.system) / 1000 / Number(runs)).toFixed(1)} ms each`);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
