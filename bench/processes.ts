// Child processes of the benchmark: the server (started the way `npm start` starts it: the front
// end and the server built by the scripts its prestart runs, once per bench process, then `node
// dist/server/server.js`, on loopback only; scripts/built-product.ts, shared with the tests) and
// the load generator (bench/load.ts, a process of its own).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { buildProduct, builtEntry, ROOT } from "../scripts/built-product";
import type { LoadPlan, LoadResult } from "./load";

const TSX = resolve(ROOT, "node_modules/.bin/tsx");

/** BENCH_PORTS=4160-4169: take ports from this range only (a shared machine where each user has its own range). */
const PORT_RANGE = process.env.BENCH_PORTS?.match(/^(\d+)-(\d+)$/)?.slice(1).map(Number) as [number, number] | undefined;
let nextInRange = PORT_RANGE?.[0] ?? 0;

export async function freePort(): Promise<number> {
  if (!PORT_RANGE) return probePort(0);
  while (nextInRange <= PORT_RANGE[1]) {
    const port = nextInRange++;
    try {
      return await probePort(port);
    } catch {
      // taken: try the next one
    }
  }
  throw new Error(`no free port left in BENCH_PORTS=${process.env.BENCH_PORTS}`);
}

function probePort(port: number): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(port, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

export interface RunningServer {
  url: string;
  /** The process that serves (node itself, or tsx's child). */
  pid: number;
  output: () => string;
  /** Resident set size of the node process that serves, in MiB. */
  rssMiB(): number;
  /** CPU time (user + system) the serving process has used so far, in ms: unlike wall time, not inflated by other work on a shared machine. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  script: "src/server.ts" | "bench/bare-server.ts";
  databasePath?: string;
  /** PRAGMA synchronous for the server's connection (bench/synchronous.mjs); the default leaves the server's own. */
  synchronous?: "FULL" | "NORMAL";
  /** Load the demo data into the (empty) database at start, as `npm start` does. */
  demoSeed?: boolean;
  /** Directory for a V8 CPU profile of the serving process, written when it exits. */
  profileDir?: string;
  /** More node options for the serving process (a V8 flag, a bench hook with --import); passed through tsx as --cpu-prof is. */
  nodeFlags?: string[];
  /** More environment for the server. */
  env?: Record<string, string>;
  /** src/server.ts only: "built" (the default) runs it as `npm start` does, `node dist/server/server.js`; "tsx" as it ran until the fifth round, `tsx src/server.ts`. */
  runner?: "built" | "tsx";
}

function servingPid(tsxPid: number): number {
  const children = readFileSync(`/proc/${tsxPid}/task/${tsxPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  return Number(children[0] ?? tsxPid);
}

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024;
}

/** utime + stime from /proc/PID/stat, in clock ticks of 10 ms (CLK_TCK = 100 on Linux). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const hook = options.synchronous ? ["--import", resolve(ROOT, "bench/synchronous.mjs")] : [];
  // The product server as `npm start` runs it (node on the built file); the bare route, and the
  // product when asked, under tsx, which passes node's flags (--cpu-prof, which NODE_OPTIONS
  // refuses) on to the process that serves.
  const product = options.script === "src/server.ts";
  const builtServer = product && (options.runner ?? "built") === "built";
  // As `npm start`'s prestart: the front end (which the product serves, under either runner; the
  // first-paint and waterfall benches measure it) and the server it runs.
  if (product) await buildProduct(builtServer ? ["web", "server"] : ["web"]);
  const flags = [...(options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : []), ...(options.nodeFlags ?? [])];
  const [command, args] = builtServer ? [process.execPath, [...flags, builtEntry("server")]] : [TSX, [...flags, options.script]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: hook.join(" "),
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: options.databasePath ?? ":memory:",
      DEMO_SEED: options.demoSeed ? "auto" : "off",
      SWEEP_INTERVAL_SECONDS: "3600",
      BENCH_SYNCHRONOUS: options.synchronous ?? "",
      // The server's own setting: openNodeStore sets synchronous right after journal_mode, so
      // without this the hook's NORMAL was overwritten with FULL and both runs measured FULL.
      ...(options.synchronous ? { SQLITE_SYNCHRONOUS: options.synchronous } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await new Promise<void>((ready, fail) => {
    // A server that does not start in time is stopped, not left running behind the bench.
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      fail(new Error(`server did not start:\n${output}`));
      // Two minutes: on the shared machine under a load average of 25–30 a start took over 30 s.
    }, 120_000);
    const check = () => {
      if (output.includes("Listening on")) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => fail(new Error(`server exited (${code}):\n${output}`)));
  });
  const pid = builtServer ? (child.pid as number) : servingPid(child.pid as number);
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    output: () => output,
    rssMiB: () => rssOf(pid),
    cpuMs: () => cpuOf(pid),
    stop: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

/** Runs bench/load.ts in its own process and returns what it measured; `onMeasuring` runs when the warm-up is over. */
export function runLoad(plan: LoadPlan, onMeasuring: () => void = () => {}): Promise<LoadResult> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, ["bench/load.ts", JSON.stringify(plan)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      const text = d.toString();
      if (text.includes("measuring")) onMeasuring();
      const rest = text.replace("measuring\n", "");
      if (rest) process.stderr.write(rest);
    });
    child.once("exit", (code) => (code === 0 ? done(JSON.parse(out) as LoadResult) : fail(new Error(`load generator exited ${code}: ${out}`))));
  });
}
