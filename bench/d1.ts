// The Worker on a local D1 under bursts (issue 11): `wrangler dev` (workerd + miniflare's D1) on
// 127.0.0.1, offline, on a fresh local database migrated by `wrangler d1 migrations apply --local`
// and seeded with the booking bench's parties (bench/booking-seed.ts, written straight into the
// local D1 file before the Worker starts). A burst is `size` bookings sent at once, one per
// connection (autocannon), by different SMEs for one card in the same hour of one offering with
// fewer units than the burst: exactly `capacity` must be 201 and every other answer a 409. The
// same bursts run against the Node server on better-sqlite3 for comparison.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import BetterSqlite3 from "better-sqlite3";
import { openNodeStore } from "../src/db/node";
import { HOUR_MS } from "../src/lib/time";
import { seedBookingBench, type BookingSeed } from "./booking-seed";
import { freePort, startServer } from "./processes";
import { printTable } from "./table";

const ROOT = resolve(import.meta.dirname, "..");
/** BENCH_WRANGLER: another wrangler's bin (an instrumented copy, a newer release) for a comparison run. */
const TSX = resolve(ROOT, "node_modules/.bin/tsx");
const WRANGLER = process.env.BENCH_WRANGLER ?? resolve(ROOT, "node_modules/.bin/wrangler");
/** No metrics, no requests to Cloudflare: the whole run works offline. */
const OFFLINE_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "1", NO_COLOR: "1" };

export interface LocalD1 {
  dir: string;
  config: string;
  persistTo: string;
  /** The local D1 database's SQLite file (miniflare's). */
  sqlitePath: string;
  seed: BookingSeed;
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...OFFLINE_ENV }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => (code === 0 ? done(out) : fail(new Error(`${command} ${args.join(" ")} exited ${code}:\n${out}`))));
  });
}

function findSqlite(dir: string): string | null {
  if (!existsSync(dir)) return null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath ?? dir, entry.name);
    if (entry.isDirectory()) {
      const found = findSqlite(path);
      if (found) return found;
    } else if (entry.name.endsWith(".sqlite") && !entry.name.startsWith("metadata")) return path;
  }
  return null;
}

/**
 * A wrangler configuration of its own in `dir` (the product's Worker and migrations, the D1 and R2
 * bindings, no static assets so no front-end build is needed), a migrated local D1 and the seed.
 */
export async function prepareLocalD1(dir: string, now: number, main = "src/worker.ts"): Promise<LocalD1> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "wrangler.toml");
  const persistTo = join(dir, "state");
  writeFileSync(
    config,
    [
      `name = "compute-vouchers-bench"`,
      `main = ${JSON.stringify(resolve(ROOT, main))}`,
      `compatibility_date = "2026-04-01"`,
      `compatibility_flags = ["nodejs_compat"]`,
      `[[d1_databases]]`,
      `binding = "DB"`,
      `database_name = "compute-vouchers"`,
      `database_id = "00000000-0000-0000-0000-000000000000"`,
      `migrations_dir = ${JSON.stringify(resolve(ROOT, "drizzle"))}`,
      `[[r2_buckets]]`,
      `binding = "BLOBS"`,
      `bucket_name = "compute-vouchers-blobs"`,
      "",
    ].join("\n"),
  );
  await run(WRANGLER, ["d1", "migrations", "apply", "compute-vouchers", "--local", "--persist-to", persistTo, "-c", config], dir);
  const sqlitePath = findSqlite(join(persistTo, "v3", "d1"));
  if (!sqlitePath) throw new Error(`no local D1 file under ${persistTo}`);
  const seed = seedBookingBench(sqlitePath, now, 0, { wal: false });
  return { dir, config, persistTo, sqlitePath, seed };
}

export interface RunningWorker {
  url: string;
  /** Headers every request to `url` carries (the ones wrangler's proxy would add; none through the proxy). */
  headers: Record<string, string>;
  inspectorPort: number;
  output(): string;
  /** CPU time (user + system) of workerd so far, in ms. */
  cpuMs(): number;
  /** Resident set size of workerd, in MiB. */
  rssMiB(): number;
  /** Each workerd process: its pid and RSS (MiB), to see one grow or be replaced between bursts. */
  processes(): string;
  stop(): Promise<void>;
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const task of safeReaddir(`/proc/${pid}/task`)) {
    const children = readProc(`/proc/${pid}/task/${task}/children`).trim().split(/\s+/).filter(Boolean).map(Number);
    for (const child of children) out.push(child, ...descendants(child));
  }
  return out;
}
const safeReaddir = (path: string) => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};
const readProc = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};
const cpuOf = (pid: number) => {
  const fields = readProc(`/proc/${pid}/stat`).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
};
const rssOf = (pid: number) => Number(readProc(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;

export async function startWranglerDev(d1: LocalD1): Promise<RunningWorker> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const child = spawn(
    WRANGLER,
    ["dev", "-c", d1.config, "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", d1.persistTo, "--show-interactive-dev-session=false", "--log-level", "log"],
    { cwd: d1.dir, env: { ...process.env, ...OFFLINE_ENV }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      fail(new Error(`wrangler dev did not start:\n${output}`));
    }, 300_000);
    const check = () => {
      if (/Ready on http/.test(output)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", (code) => fail(new Error(`wrangler dev exited (${code}):\n${output}`)));
  });
  return running(child, `http://127.0.0.1:${port}`, {}, inspectorPort, () => output);
}

function running(child: ChildProcess, url: string, headers: Record<string, string>, inspectorPort: number, output: () => string, group = false): RunningWorker {
  const workerd = () => descendants(child.pid as number).filter((pid) => readProc(`/proc/${pid}/comm`).trim() === "workerd");
  return {
    url,
    headers,
    inspectorPort,
    output,
    cpuMs: () => workerd().reduce((sum, pid) => sum + cpuOf(pid), 0),
    rssMiB: () => workerd().reduce((sum, pid) => sum + rssOf(pid), 0),
    processes: () => workerd().map((pid) => `workerd ${pid} ${rssOf(pid).toFixed(0)} MiB`).join(", "),
    stop: () => stop(child, group),
  };
}

/**
 * The same Worker started through wrangler's API (bench/direct-worker.ts), answering on its own
 * workerd socket: the bursts go to that socket, not through wrangler's ProxyWorker. Same
 * configuration, bindings, local D1 and workerd as `wrangler dev`; no inspector.
 */
export async function startDirectWorker(d1: LocalD1): Promise<RunningWorker> {
  const port = await freePort();
  const child = spawn(TSX, [resolve(ROOT, "bench/direct-worker.ts"), d1.config, d1.persistTo, String(port)], {
    cwd: d1.dir,
    env: { ...process.env, ...OFFLINE_ENV },
    stdio: ["ignore", "pipe", "pipe"],
    // A process group of its own: stopping it stops tsx's node child and its workerd processes too
    // (a SIGTERM to tsx alone left them running).
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const ready = await new Promise<{ userWorkerUrl: string; headers: Record<string, string> }>((done, fail) => {
    const timer = setTimeout(() => {
      void stop(child, true);
      fail(new Error(`the Worker did not start:\n${output}`));
    }, 300_000);
    const check = () => {
      const line = /^DIRECT (.*)$/m.exec(output)?.[1];
      if (line) {
        clearTimeout(timer);
        done(JSON.parse(line));
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => fail(new Error(`the Worker exited (${code}):\n${output}`)));
  });
  return running(child, ready.userWorkerUrl, ready.headers, 0, () => output, true);
}

/** `group`: the child leads a process group of its own (spawned detached); signal all of it. */
function stop(child: ChildProcess, group = false): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      if (group) process.kill(-(child.pid as number), name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (group) signal("SIGKILL"); // whatever of the group outlived its leader
      return done();
    }
    const timer = setTimeout(() => signal("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      if (group) signal("SIGKILL"); // the leader (tsx) is gone once its node child is: only workerd can be left
      done();
    });
    signal("SIGTERM");
  });
}

export interface BurstResult {
  size: number;
  statuses: Record<string, number>;
  /** Connection errors and timeouts (no HTTP answer at all). */
  errors: number;
  /** Those errors by kind (error code or message). */
  error_kinds: Record<string, number>;
  /** The first few 5xx bodies, to see who answered them. */
  failures: string[];
  /** Distinct `X-Isolate` answers (the stand-in Worker, bench/trivial-worker.ts, sends its isolate's id). */
  isolates: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** From the first request sent to the last answer. */
  wall_ms: number;
  /** Bookings in the slot afterwards and its booked units, read from the database. */
  booked: { bookings: number; units: number };
  /** The server's RSS right after the burst (MiB) and its CPU during the burst per request (ms); set by the series. */
  rss_mib?: number;
  cpu_ms_per_request?: number;
}

export interface BurstPlan {
  url: string;
  seed: BookingSeed;
  offeringId: string;
  startsAt: number;
  size: number;
  tag: string;
  /** Added to every request (bench/direct-worker.ts: what wrangler's proxy would add). */
  headers?: Record<string, string>;
}

/** `size` bookings of one card in one hour, all sent at once on `size` connections. */
export async function burst(plan: BurstPlan, readBooked: () => { bookings: number; units: number }): Promise<BurstResult> {
  let n = 0;
  const failures: string[] = [];
  const isolates = new Set<string>();
  const started = performance.now();
  const errorKinds: Record<string, number> = {};
  const instance = autocannon({
    url: plan.url,
    connections: plan.size,
    amount: plan.size,
    timeout: 300,
    requests: [
      {
        method: "POST",
        path: "/api/bookings",
        setupRequest(request) {
          const i = n++;
          const sme = plan.seed.smes[i % plan.seed.smes.length] as BookingSeed["smes"][number];
          return {
            ...request,
            headers: {
              ...plan.headers,
              "Content-Type": "application/json",
              Cookie: `session=${sme.token}`,
              Origin: new URL(plan.url).origin,
              "Idempotency-Key": `burst-${plan.tag}-${i}`,
            },
            body: JSON.stringify({
              offering_id: plan.offeringId,
              quantity: 1,
              starts_at: new Date(plan.startsAt).toISOString(),
              ends_at: new Date(plan.startsAt + HOUR_MS).toISOString(),
              voucher_id: sme.voucher_id,
            }),
          };
        },
        onResponse(status, body, _context, headers) {
          if (status >= 500 && failures.length < 3) failures.push(`${status} ${String(body).slice(0, 600)}`);
          const isolate = headers?.["x-isolate"] ?? headers?.["X-Isolate"];
          if (isolate) isolates.add(isolate);
        },
      },
    ],
  });
  // What a request without an HTTP answer met (reset, closed, timed out): kept beside the count.
  (instance as unknown as import("node:events").EventEmitter).on("reqError", (error: Error & { code?: string }) => {
    const kind = error.code ?? error.message;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  });
  const result = await instance;
  const wall_ms = performance.now() - started;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    size: plan.size,
    statuses,
    errors: result.errors + result.timeouts,
    error_kinds: errorKinds,
    failures,
    isolates: isolates.size,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    wall_ms,
    booked: readBooked(),
  };
}

/** What the database holds for one hour of one offering (a read-only connection). */
export function bookedIn(sqlitePath: string, offeringId: string, startsAt: number) {
  const db = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const bookings = (db.prepare("SELECT count(*) AS n FROM bookings WHERE offering_id = ? AND starts_at = ?").get(offeringId, startsAt) as { n: number }).n;
    const units = (db.prepare("SELECT coalesce(sum(booked_units), 0) AS n FROM slot_usage WHERE offering_id = ? AND slot_start_at = ?").get(offeringId, startsAt) as { n: number }).n;
    return { bookings, units };
  } finally {
    db.close();
  }
}

/** A burst is right when every answer is 201 or 409, the 201s fill the hour exactly, and the data agrees. */
export function burstProblems(r: BurstResult, capacity: number): string[] {
  const problems: string[] = [];
  const created = r.statuses["201"] ?? 0;
  const refused = r.statuses["409"] ?? 0;
  const other = Object.entries(r.statuses).filter(([code]) => code !== "201" && code !== "409");
  if (other.length > 0 || r.errors > 0) problems.push(`answers other than 201/409: ${JSON.stringify(r.statuses)}, ${r.errors} errors ${r.failures.join(" | ")}`);
  if (created + refused === r.size && created !== Math.min(capacity, r.size)) problems.push(`${created} bookings made, capacity ${capacity}`);
  if (r.booked.bookings !== created || r.booked.units !== created) problems.push(`${created} answered 201 but the data holds ${r.booked.bookings} bookings, ${r.booked.units} units`);
  return problems;
}

export interface BurstSeries {
  driver: "d1" | "better-sqlite3";
  /** How the bursts reached the Worker on D1: through wrangler dev's proxy, or on the Worker's own workerd socket. */
  via?: D1Route;
  bursts: BurstResult[];
  /** Bursts with any answer other than 201/409 or data that disagrees. */
  failed: number;
  bookings_per_s: number;
  requests_per_s: number;
  p99_ms: number;
  cpu_ms_per_request: number;
  rss_mib: number;
}

/** Capacity of the bench offerings (bench/booking-seed.ts): each burst's hour takes this many. */
export const BURST_CAPACITY = 64;

async function series(
  driver: BurstSeries["driver"],
  via: D1Route | undefined,
  url: string,
  headers: Record<string, string>,
  seed: BookingSeed,
  sqlitePath: string,
  counts: { bursts: number; size: number; gapMs?: number },
  cpuMs: () => number,
  rssMiB: () => number,
  log: (line: string) => void,
  processes?: () => string,
  read: typeof bookedIn = bookedIn,
): Promise<BurstSeries> {
  const offeringId = seed.offering_ids[0] as string;
  const bursts: BurstResult[] = [];
  let failed = 0;
  const cpuBefore = cpuMs();
  for (let b = 0; b < counts.bursts; b++) {
    const startsAt = seed.first_slot_at + b * HOUR_MS;
    if (b > 0 && counts.gapMs) await new Promise((resume) => setTimeout(resume, counts.gapMs));
    const cpuAtStart = cpuMs();
    const r = await burst({ url, headers, seed, offeringId, startsAt, size: counts.size, tag: `${driver}-${via ?? ""}-${seed.first_slot_at}-${b}` }, () => read(sqlitePath, offeringId, startsAt));
    r.cpu_ms_per_request = (cpuMs() - cpuAtStart) / r.size;
    r.rss_mib = rssMiB();
    const problems = burstProblems(r, BURST_CAPACITY);
    if (problems.length > 0) failed++;
    bursts.push(r);
    log(`${via ? `${driver} (${via})` : driver} burst ${b + 1}/${counts.bursts}: ${JSON.stringify(r.statuses)}${r.errors ? `, ${r.errors} errors ${JSON.stringify(r.error_kinds)}` : ""}, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, ${(r.wall_ms / 1000).toFixed(1)} s, CPU ${r.cpu_ms_per_request.toFixed(1)} ms/request, RSS ${r.rss_mib.toFixed(0)} MiB${processes ? ` (${processes()})` : ""}${r.isolates ? `, ${r.isolates} isolate(s)` : ""}${problems.length ? `  PROBLEM: ${problems.join("; ")}` : ""}`);
  }
  const cpu = cpuMs() - cpuBefore;
  const wall = bursts.reduce((sum, r) => sum + r.wall_ms, 0) / 1000;
  const made = bursts.reduce((sum, r) => sum + (r.statuses["201"] ?? 0), 0);
  const answered = bursts.reduce((sum, r) => sum + r.size, 0);
  const latencies = bursts.map((r) => r.p99_ms).sort((a, b) => a - b);
  return {
    driver,
    via,
    bursts,
    failed,
    bookings_per_s: made / wall,
    requests_per_s: answered / wall,
    p99_ms: latencies[Math.floor(0.5 * latencies.length)] as number,
    cpu_ms_per_request: cpu / answered,
    rss_mib: rssMiB(),
  };
}

export interface D1BurstOptions {
  dir: string;
  now: number;
  bursts: number;
  size: number;
  /** Also run the same bursts on the Node server (better-sqlite3). */
  node: boolean;
  /** Leave out the Worker on D1 (only the Node server). */
  skipD1?: boolean;
  /** Run the stand-in Worker (bench/trivial-worker.ts: the same kind of D1 calls, none of the product) instead of src/worker.ts. */
  trivial?: boolean;
  /**
   * How bursts reach the Worker on D1: "proxy" (`wrangler dev`, through its ProxyWorker), "direct"
   * (the Worker's own workerd socket, bench/direct-worker.ts) or "both", each on a fresh local D1.
   */
  via?: D1Route | "both";
  /** Pause between bursts, in ms (see docs/performance.md, "D1 bursts, fourth round"). */
  gapMs?: number;
  log?: (line: string) => void;
}

export type D1Route = "proxy" | "direct";

export async function measureBursts(o: D1BurstOptions): Promise<BurstSeries[]> {
  const log = o.log ?? ((line: string) => console.log(line));
  const out: BurstSeries[] = [];
  const routes: D1Route[] = o.skipD1 ? [] : o.via === "both" ? ["proxy", "direct"] : [o.via ?? "proxy"];
  for (const via of routes) {
    const d1 = await prepareLocalD1(join(o.dir, `d1-${via}`), o.now, o.trivial ? "bench/trivial-worker.ts" : undefined);
    const worker = via === "direct" ? await startDirectWorker(d1) : await startWranglerDev(d1);
    try {
      // One request first, so workerd has compiled the Worker before the first burst.
      await fetch(`${worker.url}/health`, { headers: worker.headers }).then((r) => r.text());
      // The stand-in Worker writes no bookings, only units: it is checked against the units.
      const read = o.trivial ? (path: string, offering: string, at: number) => ({ bookings: bookedIn(path, offering, at).units, units: bookedIn(path, offering, at).units }) : bookedIn;
      const result = await series("d1", via, worker.url, worker.headers, d1.seed, d1.sqlitePath, o, worker.cpuMs, worker.rssMiB, log, worker.processes, read);
      out.push(result);
      // wrangler's own account of a failed run (reloads, runtime restarts), without the request lines.
      if (result.failed > 0) log(worker.output().split("\n").filter((line) => line.trim() && !line.includes("[wrangler:info]")).slice(-40).join("\n"));
    } catch (error) {
      log(worker.output().slice(-4000));
      throw error;
    } finally {
      writeFileSync(join(d1.dir, "wrangler.log"), worker.output());
      await worker.stop();
    }
  }
  if (o.node) {
    const path = join(o.dir, "node.sqlite");
    openNodeStore(path).close();
    const seed = seedBookingBench(path, o.now, 0);
    const server = await startServer({ script: "src/server.ts", databasePath: path });
    try {
      out.push(await series("better-sqlite3", undefined, server.url, {}, seed, path, o, () => server.cpuMs(), () => server.rssMiB(), log));
    } finally {
      await server.stop();
    }
  }
  return out;
}

export function printBursts(results: readonly BurstSeries[]) {
  const head = ["driver", "bursts", "failed", "bookings/s", "requests/s", "p99 ms (median burst)", "CPU ms/request", "RSS MiB"];
  const body = results.map((r) => [r.via ? `${r.driver} (${r.via === "proxy" ? "wrangler dev proxy" : "workerd socket"})` : r.driver, String(r.bursts.length), String(r.failed), r.bookings_per_s.toFixed(1), r.requests_per_s.toFixed(1), String(r.p99_ms), r.cpu_ms_per_request.toFixed(2), r.rss_mib.toFixed(0)]);
  printTable(head, body);
}
