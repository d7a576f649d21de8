// Booking throughput over HTTP: the real server process under 64 connections from a separate
// load generator, against (a) a bare JSON route on the same stack and (b) the booking's own
// writes prepared once on plain SQLite; durability FULL against NORMAL; and whether a booking
// slows down when the tables hold 1,000,000 bookings instead of 10,000.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { openNodeStore } from "../src/db/node";
import { seedBookingBench, type BookingSeed } from "./booking-seed";
import type { LoadPlan, LoadResult } from "./load";
import { runLoad, startServer, type RunningServer } from "./processes";
import { measureInProcess, type InProcessResult } from "./in-process";
import { measureWrites, type WritesResult } from "./writes-baseline";

export const CONNECTIONS = 64;

export interface ThroughputOptions {
  dir: string;
  now: number;
  /** Seconds of measured load per run (each run also warms up for 3 s). */
  seconds: number;
  /** Also measure with 1,000,000 existing bookings. */
  growth: boolean;
  /** Write a CPU profile of the server during the main run into this directory. */
  profileDir?: string;
}

export interface BookingRun extends LoadResult {
  label: string;
  existing_bookings: number;
  synchronous: "FULL" | "NORMAL";
  rss_mib: number;
  /** Server CPU time per booking made in the run (warm-up and measured run, until the server is idle), in ms. */
  cpu_ms_per_booking: number;
}

export interface ThroughputResults {
  connections: number;
  bare: LoadResult & { cpu_ms_per_request: number };
  writes: { full: WritesResult; normal: WritesResult };
  in_process: InProcessResult;
  runs: BookingRun[];
}

function template(dir: string, existing: number, now: number): { path: string; seed: BookingSeed } {
  const path = join(dir, `template-${existing}.sqlite`);
  openNodeStore(path).close();
  const started = performance.now();
  const seed = seedBookingBench(path, now, existing);
  console.log(`seeded ${seed.smes.length} signed-in SMEs with vouchers, ${seed.offering_ids.length} offerings, ${existing} existing bookings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { path, seed };
}

let copies = 0;
function copyOf(dir: string, path: string): string {
  const copy = join(dir, `run-${copies++}.sqlite`);
  copyFileSync(path, copy);
  for (const suffix of ["-wal", "-shm"]) if (existsSync(path + suffix)) copyFileSync(path + suffix, copy + suffix);
  return copy;
}

function countNewBookings(path: string): number {
  const db = new BetterSqlite3(path, { readonly: true });
  const n = (db.prepare("SELECT count(*) AS n FROM bookings WHERE id NOT LIKE 'bkgold_%'").get() as { n: number }).n;
  db.close();
  return n;
}

/** The server's CPU time once it has stopped using any (at most 30 s of waiting). */
async function cpuWhenIdle(server: RunningServer): Promise<number> {
  let last = server.cpuMs();
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = server.cpuMs();
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function bookingRun(
  label: string,
  dir: string,
  base: { path: string; seed: BookingSeed },
  o: ThroughputOptions,
  synchronous: "FULL" | "NORMAL",
  profileDir?: string,
): Promise<BookingRun> {
  const path = copyOf(dir, base.path);
  const server = await startServer({ script: "src/server.ts", databasePath: path, synchronous, profileDir });
  if (!server.output().includes(`bench: synchronous = ${synchronous === "FULL" ? 2 : 1}`)) {
    await server.stop();
    throw new Error(`the server did not take synchronous = ${synchronous}:\n${server.output()}`);
  }
  const plan: LoadPlan = {
    url: server.url,
    connections: CONNECTIONS,
    warmup_s: 3,
    duration_s: o.seconds,
    kind: "booking",
    run_id: `${label.replace(/\W+/g, "-")}-${o.now}`,
    smes: base.seed.smes.map(({ token, voucher_id }) => ({ token, voucher_id })),
    offering_ids: base.seed.offering_ids,
    first_slot_at: base.seed.first_slot_at,
  };
  const cpuBefore = server.cpuMs();
  const result = await runLoad(plan);
  // The server finishes what was in flight when the load stopped; its CPU time counts once it is idle.
  const cpuMs = (await cpuWhenIdle(server)) - cpuBefore;
  const rss_mib = server.rssMiB();
  await server.stop();
  // Every 201 is a booking in the database. A few more may be there: requests still in flight
  // when the warm-up or the measured run ended are completed by the server but not counted.
  const answered = result.ok + result.warmup_ok;
  const made = countNewBookings(path);
  if (made < answered || made > answered + 2 * CONNECTIONS) {
    throw new Error(`${label}: ${answered} bookings answered 201 but ${made} are in the database`);
  }
  // CPU per booking made (warm-up, measured run and the requests in flight at its end), not per
  // 201 counted in the measured window: with the machine's CPU scarce, 64 requests interleave and
  // a short window can end before most of them answer, which made the old figure explode.
  const cpu_ms_per_booking = cpuMs / made;
  console.log(`${label}: ${result.per_second.toFixed(0)} bookings/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ${cpu_ms_per_booking.toFixed(2)} ms CPU each (${made} bookings in the database)`);
  return { label, existing_bookings: base.seed.existing_bookings, synchronous, rss_mib, cpu_ms_per_booking, ...result };
}

export async function measureThroughput(o: ThroughputOptions): Promise<ThroughputResults> {
  const small = template(o.dir, 10_000, o.now);

  const bareServer = await startServer({ script: "bench/bare-server.ts" });
  let bareCpu = bareServer.cpuMs();
  const bareLoad = await runLoad(
    { url: bareServer.url, connections: CONNECTIONS, warmup_s: 2, duration_s: Math.min(10, o.seconds), kind: "bare", run_id: "bare", smes: [], offering_ids: [], first_slot_at: 0 },
    () => (bareCpu = bareServer.cpuMs()),
  );
  const bare = { ...bareLoad, cpu_ms_per_request: (bareServer.cpuMs() - bareCpu) / bareLoad.ok };
  await bareServer.stop();
  console.log(`bare route: ${bare.per_second.toFixed(0)} requests/s, ${bare.cpu_ms_per_request.toFixed(3)} ms CPU each`);

  const writes = {
    full: await measureWrites(copyOf(o.dir, small.path), small.seed, 2_000, 3, "FULL", o.now),
    normal: await measureWrites(copyOf(o.dir, small.path), small.seed, 2_000, 3, "NORMAL", o.now),
  };

  console.log(`prepared writes: ${writes.full.per_second.toFixed(0)} bookings/s (FULL), ${writes.normal.per_second.toFixed(0)} (NORMAL)`);
  const in_process = await measureInProcess(copyOf(o.dir, small.path), small.seed, 300, 1_000);
  console.log(`in-process bookings (app.request, one at a time): p50 ${in_process.p50_ms.toFixed(2)} ms, ${in_process.cpu_ms_per_booking.toFixed(2)} ms CPU each`);
  if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
  const runs = [
    await bookingRun("bookings, 10k existing, FULL", o.dir, small, o, "FULL", o.profileDir),
    await bookingRun("bookings, 10k existing, NORMAL", o.dir, small, o, "NORMAL"),
  ];
  if (o.growth) {
    const large = template(o.dir, 1_000_000, o.now);
    runs.push(await bookingRun("bookings, 1M existing, FULL", o.dir, large, o, "FULL"));
  }
  if (o.profileDir) console.log(`CPU profile of the server: ${readdirSync(o.profileDir).map((f) => join(o.profileDir as string, f)).join(", ")}`);
  return { connections: CONNECTIONS, bare, writes, in_process, runs };
}
