// Bench only, loaded into the server with `--import` when BENCH_MEMORY_LOG is set (bench/memory-diag.ts):
// on SIGUSR2 the main thread appends one JSON line to that file with process.memoryUsage(), V8's
// heap statistics and each heap space (used, committed), so the diag can split the RSS it reads
// from /proc into the main isolate's heap and the rest. With BENCH_MEMORY_GC=1 it also runs a
// full GC first (node must then be started with --expose-gc) to show what is live.
import { appendFileSync } from "node:fs";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { isMainThread } from "node:worker_threads";

const file = process.env.BENCH_MEMORY_LOG;
if (file && isMainThread) {
  const mib = (n) => +(n / 1048576).toFixed(1);
  const snapshot = (tag) => {
    const m = process.memoryUsage();
    const h = getHeapStatistics();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { used: mib(s.space_used_size), committed: mib(s.physical_space_size) }]));
    appendFileSync(file, JSON.stringify({ tag, rss: mib(m.rss), heap_total: mib(m.heapTotal), heap_used: mib(m.heapUsed), external: mib(m.external), array_buffers: mib(m.arrayBuffers), malloced: mib(h.malloced_memory), peak_malloced: mib(h.peak_malloced_memory), spaces }) + "\n");
  };
  process.on("SIGUSR2", () => {
    snapshot("end");
    if (process.env.BENCH_MEMORY_GC === "1" && globalThis.gc) {
      globalThis.gc();
      snapshot("after_gc");
    }
  });
}
