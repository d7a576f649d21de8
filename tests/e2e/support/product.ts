// Starts the real product the way `npm start` does: the front end and the server built (once per
// test run, by tests/support/build.global.ts, with the scripts `npm start`'s prestart runs), then
// `node dist/server/server.js` on a temporary database with the demo data, on a free port.
// No tsx variant: the build runs right before the tests, so the built server is never older than
// the source, and what the browser tests see is what ships.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtEntry, ROOT } from "../../../scripts/built-product";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

export interface Product {
  baseUrl: string;
  stop: () => Promise<void>;
  /** What the server printed so far (stdout and stderr): e.g. the reset links it would have mailed. */
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForHealth(baseUrl: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server did not answer /health within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

/** `env` adds to the server's environment (e.g. a preloaded test clock, support/clock.ts). */
export async function startProduct(env: Record<string, string> = {}): Promise<Product> {
  const dataDir = mkdtempSync(join(tmpdir(), "vouchers-e2e-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Every browser test signs up from 127.0.0.1, so the per-address sign-up limit is raised here.
  // From the project's directory, as `npm start` runs: the server serves ./dist/web.
  const server = spawn(process.execPath, [builtEntry("server")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: join(dataDir, "e2e.sqlite"), PORT: String(port), HOST: "127.0.0.1", DEMO_SEED: "auto", SIGNUPS_PER_HOUR: "1000", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stdout?.on("data", (chunk) => (log += chunk));
  server.stderr?.on("data", (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));

  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseUrl, server, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop, output: () => log };
}
