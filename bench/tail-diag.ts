// Diagnostic (not part of `npm run bench`): concurrent bookings through app.request in this
// process, timing every outer commit and telling from the WAL index whether it ran a checkpoint;
// GC pauses from a PerformanceObserver; memory at the end. Argument: autocheckpoint pages (0 off).
import { closeSync, openSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { createApp } from "../src/app";
import { openDirectoryBlobStore } from "../src/blobs/directory";
import { openNodeStore } from "../src/db/node";
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startCheckpointThread } from "../src/db/checkpoint-thread";
import { HOUR_MS } from "../src/lib/time";
import { seedBookingBench, type BookingSeed } from "./booking-seed";

const threaded = process.argv[2] === "thread";
const autocheckpoint = threaded ? BACKSTOP_AUTOCHECKPOINT_PAGES : Number(process.argv[2] ?? 1000);
const synchronous = (process.argv[3] ?? "FULL") as "FULL" | "NORMAL";
const total = Number(process.argv[4] ?? 3000);
const concurrency = 64;

const Database = createRequire(import.meta.url)("better-sqlite3");
const commits: { ms: number; checkpoint: boolean }[] = [];
let shmFd = -1;
const nBackfill = () => {
  if (shmFd < 0) return 0;
  const b = Buffer.alloc(4);
  readSync(shmFd, b, 0, 4, 96);
  return b.readUInt32LE(0);
};
const texts = new Map<string, number>();
const originalPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (text: string) {
  texts.set(text, (texts.get(text) ?? 0) + 1);
  return originalPrepare.call(this, text);
};
const original = Database.prototype.transaction;
Database.prototype.transaction = function (fn: (...a: unknown[]) => unknown) {
  const tx = original.call(this, fn);
  const db = this;
  const timed = (variant: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
    if (db.inTransaction) return variant(...args);
    const before = nBackfill();
    const t = performance.now();
    try {
      return variant(...args);
    } finally {
      const after = nBackfill();
      commits.push({ ms: performance.now() - t, checkpoint: after !== before && after > 0 });
    }
  };
  const wrapped = timed(tx) as ((...a: unknown[]) => unknown) & Record<string, unknown>;
  for (const k of ["deferred", "immediate", "exclusive"]) wrapped[k] = timed(tx[k]);
  return wrapped;
};

const gcs: { kind: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ kind: (e as unknown as { detail: { kind: number } }).detail.kind, ms: e.duration });
}).observe({ entryTypes: ["gc"] });

const dir = mkdtempSync(join(tmpdir(), "tail-diag-"));
const path = join(dir, "t.sqlite");
openNodeStore(path).close();
const now = Date.now();
const seed: BookingSeed = seedBookingBench(path, now, 10_000);
const store = openNodeStore(path, { synchronous });
store.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
const thread = threaded ? startCheckpointThread(path, store, { synchronous }) : null;
shmFd = openSync(`${path}-shm`, "r");
const blobs = openDirectoryBlobStore(join(dirname(path), "blobs"));
const app = createApp({ store: () => store, blobs: () => blobs, clientAddress: () => "127.0.0.1" });
let n = 0;
const latencies: number[] = [];
const book = async () => {
  const i = n++;
  const sme = seed.smes[i % seed.smes.length]!;
  const startsAt = seed.first_slot_at + Math.floor(i / seed.offering_ids.length) * HOUR_MS;
  const t = performance.now();
  const response = await app.request("/api/bookings", {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: "http://localhost", Cookie: `session=${sme.token}`, "Idempotency-Key": `diag-key-${i}` },
    body: JSON.stringify({ offering_id: seed.offering_ids[i % seed.offering_ids.length], quantity: 1, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(startsAt + HOUR_MS).toISOString(), voucher_id: sme.voucher_id }),
  });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  await response.arrayBuffer();
  latencies.push(performance.now() - t);
};
const worker = async () => {
  while (n < total) await book();
};
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const cpu = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
loop.disable();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
const ck = commits.filter((c) => c.checkpoint).map((c) => c.ms);
const plain = commits.filter((c) => !c.checkpoint).map((c) => c.ms);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mem = process.memoryUsage();
console.log(JSON.stringify({
  autocheckpoint, threaded, thread: await thread?.stats(), synchronous, bookings: total, per_s: +(total / wall * 1000).toFixed(0), cpu_ms_each: +((used.user + used.system) / 1000 / total).toFixed(2),
  p50: +pct(latencies, 0.5).toFixed(0), p99: +pct(latencies, 0.99).toFixed(0), max: +pct(latencies, 1).toFixed(0),
  loop_max_ms: +(loop.max / 1e6).toFixed(0), loop_p99_ms: +(loop.percentile(99) / 1e6).toFixed(0),
  commits: commits.length, commit_p50: +pct(plain, 0.5).toFixed(1), commit_p99: +pct(plain, 0.99).toFixed(1), commit_max: +pct(plain, 1).toFixed(1),
  checkpoints: ck.length, checkpoint_ms: ck.map((x) => +x.toFixed(0)),
  gc: { count: gcs.length, total_ms: +sum(gcs.map((g) => g.ms)).toFixed(0), max_ms: +pct(gcs.map((g) => g.ms), 1).toFixed(1), major: gcs.filter((g) => g.kind === 4).length, major_ms: +sum(gcs.filter((g) => g.kind === 4).map((g) => g.ms)).toFixed(0) },
  wal_pages: store.pragma("wal_checkpoint(PASSIVE)"),
  mem_mib: Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, +(v / 1048576).toFixed(0)])),
}));
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  gc();
  const m = process.memoryUsage();
  console.log(JSON.stringify({ after_gc_heap_used_mib: +(m.heapUsed / 1048576).toFixed(1), rss: +(m.rss / 1048576).toFixed(0), prepares: [...texts.values()].reduce((a, b) => a + b, 0), distinct_sql: texts.size, prepared_more_than_once: [...texts.entries()].filter(([, c]) => c > 1).length, longest: [...texts.keys()].sort((a, b) => b.length - a.length)[0]?.slice(0, 300) }));
}
closeSync(shmFd);
await thread?.close();
store.close();
