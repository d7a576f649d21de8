// `node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/search-cpu.ts [runs] [quantity] [hours]`:
// seeds the bench data set (bench/seed.ts) on a temporary file and runs the bench's capacity
// search in a loop in this thread, for a CPU profile (read it with bench/profile.ts) or timings.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openNodeStore } from "../src/db/node";
import { searchCapacity } from "../src/services/capacity-search";
import { benchNeed, benchSme, seedBench } from "./seed";

const [runs = "40", quantity = "8", hours = "4"] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "search-cpu-"));
try {
  const path = join(dir, "bench.sqlite");
  const now = Date.now();
  const store = openNodeStore(path);
  const seeded = seedBench(path, now);
  const actor = await benchSme(store, seeded, now);
  const need = benchNeed(now, Number(quantity), Number(hours));
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
