// The catalogue's first paint as Lighthouse measures it (issue 12's "Slow 4G, 4× CPU" is its mobile
// profile): Lighthouse's own run, with its default simulated throttling (150 ms round trip,
// 1.6 Mbps, CPU 4×), on the real server with demo data, signed in as the demo SME, against the
// same 1 KB static page as bench/first-paint.ts in the same run. Lighthouse is not a dependency of
// the product (about 190 MB installed): `npm exec` fetches the pinned version into npm's cache on
// first use; with no registry reachable this part says so and is skipped.
// `npx tsx bench/lighthouse.ts` alone (LIGHTHOUSE_RUNS=n), or a part of `npm run bench` (--skip-lighthouse).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CHROMIUM_PATH } from "../tests/e2e/support/browser";
import { serveBaseline } from "./first-paint";
import { startServer } from "./processes";
import { printTable } from "./table";

const LIGHTHOUSE = "lighthouse@12.8.2";
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const TARGET_MS = 1_000;
const run = promisify(execFile);

export interface LighthouseRow {
  name: string;
  runs: number;
  fcp_p50_ms: number;
  fcp_max_ms: number;
  lcp_p50_ms: number;
  /** Resources Lighthouse counts as holding the first paint (its render-blocking audit). */
  render_blocking: number;
}
export type LighthouseResult = { version: string; rows: LighthouseRow[]; target_ms: number } | { skipped: string };

interface Report {
  lighthouseVersion: string;
  audits: Record<string, { numericValue?: number; details?: { items?: unknown[] } }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function lighthouse(url: string, out: string, cookie?: string): Promise<Report> {
  const args = ["exec", "--yes", `--package=${LIGHTHOUSE}`, "--", "lighthouse", url, "--quiet", "--only-categories=performance", "--output=json", `--output-path=${out}`, "--chrome-flags=--headless=new --no-sandbox --disable-gpu"];
  if (cookie) args.push("--extra-headers", JSON.stringify({ Cookie: cookie }));
  await run("npm", args, { env: { ...process.env, CHROME_PATH: CHROMIUM_PATH }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(readFileSync(out, "utf8")) as Report;
}

function row(name: string, reports: Report[]): LighthouseRow {
  const fcp = reports.map((r) => r.audits["first-contentful-paint"]!.numericValue!);
  return {
    name,
    runs: reports.length,
    fcp_p50_ms: median(fcp),
    fcp_max_ms: Math.max(...fcp),
    lcp_p50_ms: median(reports.map((r) => r.audits["largest-contentful-paint"]!.numericValue!)),
    render_blocking: median(reports.map((r) => r.audits["render-blocking-resources"]?.details?.items?.length ?? 0)),
  };
}

export async function measureLighthouse(runs = RUNS): Promise<LighthouseResult> {
  const dir = mkdtempSync(join(tmpdir(), "vouchers-lighthouse-"));
  const baseline = await serveBaseline();
  const server = await startServer({ script: "src/server.ts", databasePath: join(dir, "lh.sqlite"), demoSeed: true });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: server.url }, body: JSON.stringify({ email: "qiming@demo.cn", password: "demo-pass-2026" }) });
    const cookie = login.headers.get("set-cookie")?.split(";")[0];
    if (!login.ok || !cookie) throw new Error(`demo sign-in failed: ${login.status}`);
    const bare: Report[] = [];
    const catalogue: Report[] = [];
    for (let i = 0; i < runs; i++) {
      try {
        bare.push(await lighthouse(`http://127.0.0.1:${baseline.port}/`, join(dir, `b${i}.json`)));
      } catch (error) {
        if (i === 0) return { skipped: `Lighthouse could not run (${String((error as Error).message).split("\n")[0]}); is the npm registry reachable?` };
        throw error;
      }
      catalogue.push(await lighthouse(`${server.url}/catalogue`, join(dir, `c${i}.json`), cookie));
    }
    return { version: catalogue[0]!.lighthouseVersion, rows: [row("baseline: 1 KB static page (node:http)", bare), row("catalogue, signed-in SME", catalogue)], target_ms: TARGET_MS };
  } finally {
    await server.stop();
    baseline.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printLighthouse(result: LighthouseResult): void {
  if ("skipped" in result) return console.log(`\nLighthouse: skipped. ${result.skipped}`);
  console.log(`\nLighthouse ${result.version}, mobile (simulated Slow 4G: 150 ms RTT, 1.6 Mbps, CPU 4×), first contentful paint; target ≤ ${result.target_ms} ms`);
  printTable(
    ["measurement", "runs", "FCP p50 ms", "FCP max", "LCP p50 ms", "render-blocking"],
    result.rows.map((r) => [r.name, String(r.runs), r.fcp_p50_ms.toFixed(0), r.fcp_max_ms.toFixed(0), r.lcp_p50_ms.toFixed(0), String(r.render_blocking)]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printLighthouse(await measureLighthouse());
}
