// The real server process as `npm start` runs it (`node dist/server/server.js`, built once per
// run by tests/support/build.global.ts with the script `npm start`'s prestart runs; with PORT and
// DATABASE_PATH), on a database file a torture test owns; it can be killed with SIGKILL and
// started again on the same file. No tsx variant: the build runs right before the tests, so it is
// never older than the source, and a crash-and-restart is tested on the files that ship.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { builtEntry, ROOT } from "../../../scripts/built-product";
import { nodeAuditSettings } from "../../../src/db/audit-key-file";
import { openNodeStore } from "../../../src/db/node";
import { parseEnv } from "../../../src/env";
import { formatAuditReport, verifyAuditLog } from "../../../src/services/audit-verify";
import { formatReport, verifyLedger } from "../../../src/services/verify";
import { TestClient } from "../../support/client";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningServer {
  baseUrl: string;
  port: number;
  process: ChildProcess;
  /** Everything the server wrote to stdout and stderr. */
  log(): string;
  /** kill -9: no shutdown handler runs, nothing is flushed. */
  crash(): Promise<void>;
  /** SIGTERM, then SIGKILL after 3 s. */
  stop(): Promise<void>;
}

/** Starts the server on `port` (a free one by default; a restart passes the old one, as an operator would). */
export async function startServer(databasePath: string, env: Record<string, string> = {}, port?: number): Promise<RunningServer> {
  port ??= await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let log = "";
  const child = spawn(process.execPath, [builtEntry("server")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(port), HOST: "127.0.0.1", SWEEP_INTERVAL_SECONDS: "3600", LOG_INVITATION_LINKS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (log += chunk));
  child.stderr?.on("data", (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${log}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not start:\n${log}`);
    }
    const up = await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    port,
    process: child,
    log: () => log,
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** A cookie-keeping client of the real server; unsafe requests name the server's origin, as its own pages do. */
export function httpClient(baseUrl: string, headers: Record<string, string> = {}): TestClient {
  return new TestClient({ request: (path, init) => fetch(new URL(path, baseUrl), init) }, { Origin: baseUrl, ...headers });
}

export async function signedIn(baseUrl: string, email: string, password: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const client = httpClient(baseUrl, headers);
  const res = await client.post("/api/auth/login", { email, password });
  if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}

/** `npm run cli -- verify` on the database file (the CLI that command builds and runs): its exit code and report. */
export function cliVerify(databasePath: string): { code: number; output: string } {
  const run = spawnSync(process.execPath, [builtEntry("cli"), "verify"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

/**
 * What `npm run cli -- verify` does (src/cli.ts), in this process: the audit log (chain, tree,
 * signed checkpoints) and the ledger invariants, on a file no server has open.
 */
export async function verifyFile(databasePath: string): Promise<{ ok: boolean; output: string }> {
  const store = openNodeStore(databasePath);
  try {
    const audit = await nodeAuditSettings(parseEnv({ DATABASE_PATH: databasePath }), { create: false });
    const auditReport = await verifyAuditLog(store, audit.signer, audit.origin);
    const report = await verifyLedger(store);
    return { ok: auditReport.ok && report.ok, output: `${formatAuditReport(auditReport)}\n${formatReport(report)}` };
  } finally {
    store.close();
  }
}
