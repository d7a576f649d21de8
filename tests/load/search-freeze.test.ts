// Issue 7 item 4: one provider's 1,000 offerings, each blacked out for 31 days but its last hour,
// made every capacity search walk ~743k slot rows (2–2.5 s each); better-sqlite3 is synchronous,
// so eight concurrent searches held /health for 18 s. Here the real server runs (as `npm start`
// runs it: `node dist/server/server.js`, built for the run by tests/support/build.global.ts, its
// search thread on dist/server/search-worker.js) on a file database with that data set, eight
// searches run at once, and /health must keep answering while they do.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNodeStore } from "../../src/db/node";
import { HOUR_MS } from "../../src/lib/time";
import { seedDemo } from "../../src/seed/demo";
import { seedAdversary } from "./adversarial-search";
import { builtEntry, ROOT } from "../../scripts/built-product";

const CONCURRENT_SEARCHES = 8;
// Nine in ten /health answers within 100 ms, and none held anywhere near a search's length
// (before the fix: 2–2.5 s for one search, 18 s for eight). The worst single answer is allowed
// more because the test machine is shared: an idle server there also has the odd slow answer.
const HEALTH_BOUND_MS = 100;
const HEALTH_WORST_MS = 500;

let server: ChildProcess;
let baseUrl: string;
let dataDir: string;
let window: { window_from: number; window_to: number; slot_rows: number };
let log = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "search-freeze-"));
  const path = join(dataDir, "probe.sqlite");
  const now = Date.now();
  const store = openNodeStore(path);
  await seedDemo(store, now);
  store.close();
  window = seedAdversary(path, now);
  baseUrl = `http://127.0.0.1:${await freePort()}`;
  server = spawn(process.execPath, [builtEntry("server")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: path, PORT: new URL(baseUrl).port, HOST: "127.0.0.1", DEMO_SEED: "off", SWEEP_INTERVAL_SECONDS: "3600" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk) => (log += chunk));
  server.stderr?.on("data", (chunk) => (log += chunk));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited:\n${log}`);
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${log}`);
    const up = await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    // A server frozen in a search cannot run its SIGTERM handler in time.
    const timer = setTimeout(() => server.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 10_000);

async function signIn(email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password: "demo-pass-2026" }),
  });
  expect(response.status).toBe(200);
  return response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** Milliseconds /health took to answer, or Infinity when it did not answer within 5 s. */
async function timedHealth(): Promise<number> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    await response.json();
    expect(response.status).toBe(200);
  } catch (error) {
    if ((error as Error).name === "TimeoutError") return Infinity;
    throw error;
  }
  return performance.now() - started;
}

describe("capacity search over a provider that blacked out a month of 1,000 offerings", () => {
  it("eight searches at once leave /health answering (nine in ten within 100 ms), and each finds the one free hour", async () => {
    expect(window.slot_rows).toBeGreaterThan(740_000);
    const cookie = await signIn("qiming@demo.cn");
    // Warm the server (first-request compilation) and the search thread before timing anything.
    await timedHealth();
    const need = {
      category: "compute",
      accelerator_model: "Ascend 910B",
      quantity: 1,
      duration_hours: 1,
      earliest_start_at: new Date(window.window_from).toISOString(),
      latest_end_at: new Date(window.window_to).toISOString(),
    };
    const searchOnce = () =>
      fetch(`${baseUrl}/api/search/capacity`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: baseUrl }, body: JSON.stringify(need) });
    expect((await searchOnce()).status, log).toBe(200);

    let running = CONCURRENT_SEARCHES;
    const searches = Array.from({ length: CONCURRENT_SEARCHES }, async () => {
      const response = await searchOnce();
      const body = await response.json();
      running -= 1;
      return { status: response.status, body };
    });
    // When /health fails first, these are left to fail as the server stops; that is not news.
    for (const search of searches) search.catch(() => undefined);
    const healthDuringSearches: number[] = [];
    while (running > 0) {
      const ms = await timedHealth();
      healthDuringSearches.push(ms);
      // A frozen server has failed already; waiting out its searches would only take longer.
      if (ms >= HEALTH_WORST_MS) break;
    }

    const sorted = [...healthDuringSearches].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(sorted.length * 0.9)]!;
    const slowest = sorted[sorted.length - 1]!;
    expect(healthDuringSearches.length).toBeGreaterThan(0);
    expect(p90, `health ms: ${sorted.map(Math.round).join(" ")}`).toBeLessThan(HEALTH_BOUND_MS);
    expect(slowest, `health ms: ${sorted.map(Math.round).join(" ")}`).toBeLessThan(HEALTH_WORST_MS);
    for (const { status, body } of await Promise.all(searches)) {
      expect(status).toBe(200);
      // Every option is the hour left open at the end of the blackout.
      for (const option of body.options) expect(Date.parse(option.starts_at)).toBe(window.window_to - HOUR_MS);
      // The data set is 1,000 blackout rows, far under the row budget; only a machine too busy
      // to finish within the time budget stops it, and then it says so.
      if (body.complete) {
        expect(body.stopped_because).toBeNull();
        expect(body.options.length).toBe(20);
      } else {
        expect(body.stopped_because).toBe("time_budget");
      }
    }
  }, 60_000);
});
