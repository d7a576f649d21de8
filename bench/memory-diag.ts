// What the server's RSS is made of at the end of the booking load run (docs/performance.md,
// "Memory, fifth round"). Seeds the booking bench's database once, then for each variant (in
// turn, `--runs` times, so variants alternate on a shared machine) starts the server as the
// bench does, runs the same 64-connection booking load from autocannon's own process, and at the
// end reads /proc (VmRSS split into anonymous and file-backed, threads by name, smaps_rollup) and
// the main isolate's heap (bench/memory-probe.mjs, on SIGUSR2).
//
//   npx tsx bench/memory-diag.ts [--seconds=10] [--runs=2] [--gc] [--variant=name:flag,flag ...]
//
// Without --variant one variant, "default" (the server as `npm start` runs it). A variant's flags
// are node options for the server, and "tsx" runs it under tsx (src/server.ts) instead of built:
//   --variant=tsx:tsx --variant=built: --variant=semi8:--max-semi-space-size=8
import { mkdtempSync, readFileSync, readdirSync, rmSync, copyFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openNodeStore } from "../src/db/node";
import { seedBookingBench } from "./booking-seed";
import type { LoadPlan } from "./load";
import { runLoad, startServer } from "./processes";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const seconds = Number(opt("seconds", "10"));
const runs = Number(opt("runs", "2"));
const gc = args.includes("--gc");
const variants = args.filter((a) => a.startsWith("--variant=")).map((a) => {
  const [name, flags = ""] = a.slice(10).split(":");
  const list = flags ? flags.split(",") : [];
  // "tsx" among the flags runs the server as it ran until this round, `tsx src/server.ts`.
  return { name: name as string, runner: list.includes("tsx") ? ("tsx" as const) : ("built" as const), flags: list.filter((f) => f !== "tsx") };
});
if (!variants.length) variants.push({ name: "default", runner: "built", flags: [] });

const dir = mkdtempSync(join(tmpdir(), "memory-diag-"));
const probe = resolve(import.meta.dirname, "memory-probe.mjs");
const kib = (status: string, key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
const mib = (k: number) => +(k / 1024).toFixed(1);

try {
  const template = join(dir, "template.sqlite");
  openNodeStore(template).close();
  const now = Date.now();
  const seed = seedBookingBench(template, now, 10_000);
  let copies = 0;
  for (let r = 0; r < runs; r++) {
    for (const v of variants) {
      const path = join(dir, `run-${copies++}.sqlite`);
      copyFileSync(template, path);
      for (const suffix of ["-wal", "-shm"]) if (existsSync(template + suffix)) copyFileSync(template + suffix, path + suffix);
      const log = join(dir, `memory-${copies}.jsonl`);
      const server = await startServer({
        script: "src/server.ts",
        databasePath: path,
        runner: v.runner,
        nodeFlags: [...v.flags, ...(gc ? ["--expose-gc"] : []), "--import", probe],
        env: { BENCH_MEMORY_LOG: log, BENCH_MEMORY_GC: gc ? "1" : "0" },
      });
      const rssAtStart = server.rssMiB();
      const cpuBefore = server.cpuMs();
      const plan: LoadPlan = {
        url: server.url, connections: 64, warmup_s: 3, duration_s: seconds, kind: "booking", run_id: `mem-${v.name}-${r}-${now}`,
        smes: seed.smes.map(({ token, voucher_id }) => ({ token, voucher_id })), offering_ids: seed.offering_ids, first_slot_at: seed.first_slot_at,
      };
      const result = await runLoad(plan);
      // As the bench does: the RSS once the server has finished what was in flight.
      let last = server.cpuMs();
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        await new Promise((ok) => setTimeout(ok, 500));
        if (server.cpuMs() === last) break;
        last = server.cpuMs();
      }
      const cpu = server.cpuMs() - cpuBefore;
      const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
      const rollup = readFileSync(`/proc/${server.pid}/smaps_rollup`, "utf8");
      const threads = readdirSync(`/proc/${server.pid}/task`).map((t) => readFileSync(`/proc/${server.pid}/task/${t}/comm`, "utf8").trim());
      process.kill(server.pid, "SIGUSR2");
      await new Promise((ok) => setTimeout(ok, 1500));
      const heap = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
      await server.stop();
      const bookings = result.ok + result.warmup_ok;
      console.log(JSON.stringify({
        variant: v.name, run: r, load: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
        bookings_per_s: +result.per_second.toFixed(0), p99_ms: result.p99_ms, bookings, cpu_ms_per_booking: +(cpu / bookings).toFixed(2),
        rss_start: +rssAtStart.toFixed(0), rss: mib(kib(status, "VmRSS")), hwm: mib(kib(status, "VmHWM")), anon: mib(kib(status, "RssAnon")), file: mib(kib(status, "RssFile")),
        private_dirty: mib(kib(rollup, "Private_Dirty")), threads: threads.join(","), heap,
      }));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
