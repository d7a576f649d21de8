// First paint of the catalogue on a slow phone connection (issue 12, delivery of the front end):
// the real server (`npm start`'s way, demo data, the built dist/web), Debian's Chromium driven by
// playwright-core, network throttled to Chrome DevTools' "Slow 4G" preset and the CPU slowed 4×.
// For a signed-in SME it measures, cold (empty cache) and warm (a second visit: fingerprinted
// files from the cache, index.html revalidated): first contentful paint, and the moment the
// catalogue's first offering is on screen (the page is useful). Baseline in the same run, same
// throttling: a 1 KB static HTML page from a bare node:http server on loopback.
// `npx tsx bench/first-paint.ts` alone (PAINT_RUNS=n visits each, PAINT_PROFILE=0|1 one profile), or the last part of `npm run bench` (--skip-web).
import { createServer, request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type CDPSession } from "playwright-core";
import { CHROMIUM_PATH } from "../tests/e2e/support/browser";
import { freePort, startServer } from "./processes";
import { printTable } from "./table";

/**
 * "Slow 4G": 1.6 Mbps down, 750 kbps up (× 0.9 as Chrome applies them), 4× CPU slowdown. Two
 * latencies: Lighthouse's mobile profile's round trip (150 ms, what its simulated throttling
 * models), and Chrome DevTools' preset (150 ms × 3.75 = 562.5 ms added to every request, which
 * Lighthouse also uses when it throttles through DevTools).
 */
export const SLOW_4G = [
  { name: "Slow 4G, 150 ms RTT (Lighthouse mobile)", latency: 150, downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((750 * 1000) / 8) * 0.9 },
  { name: "Slow 4G, 562.5 ms per request (DevTools preset)", latency: 150 * 3.75, downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((750 * 1000) / 8) * 0.9 },
] as const;
type Network = (typeof SLOW_4G)[number];
const CPU_SLOWDOWN = 4;
const RUNS = Number(process.env.PAINT_RUNS ?? 5);
const TARGET_MS = 1_000;

export interface PaintRow {
  name: string;
  runs: number;
  fcp_p50_ms: number;
  fcp_max_ms: number;
  /** Navigation start to the first offering on screen (or the baseline's text). */
  ready_p50_ms: number;
  ready_max_ms: number;
  /** Bytes transferred over the (throttled) network for the page and what it loaded. */
  bytes: number;
}

export interface FirstPaintResult {
  profiles: { name: string; latency_ms: number; down_kbps: number; up_kbps: number; cpu_slowdown: number; rows: PaintRow[] }[];
  target_ms: number;
}

/** The baseline: a 1 KB static page with Chinese text from a bare node:http server on loopback. */
export async function serveBaseline(): Promise<{ port: number; close: () => void }> {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>基线</title></head><body><h1 id="ready">资源目录</h1><p>${"基线页面。".repeat(150)}</p></body></html>`;
  const bare = createServer((_, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" }).end(html));
  const port = await freePort();
  await new Promise<void>((ready) => bare.listen(port, "127.0.0.1", ready));
  return { port, close: () => bare.close() };
}

/**
 * A loopback proxy to `target` that passes everything through except the response's
 * Cross-Origin-Opener-Policy header. Cookies ignore the port, so the SME's session works through it.
 */
async function withoutCoop(target: string): Promise<{ url: string; close: () => void }> {
  const upstream = new URL(target);
  const proxy = createServer((req, res) => {
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      const headers = { ...answer.headers };
      delete headers["cross-origin-opener-policy"];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    forwarded.on("error", () => res.destroy());
    req.pipe(forwarded);
  });
  const port = await freePort();
  await new Promise<void>((ready) => proxy.listen(port, "127.0.0.1", ready));
  return { url: `http://127.0.0.1:${port}`, close: () => proxy.close() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function throttle(context: BrowserContext, network: Network): Promise<{ cdp: CDPSession; bytes: () => number }> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: network.latency, downloadThroughput: network.downloadThroughput, uploadThroughput: network.uploadThroughput });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  let total = 0;
  cdp.on("Network.loadingFinished", (e: { encodedDataLength: number }) => (total += e.encodedDataLength));
  return { cdp, bytes: () => total };
}

/** Loads `url` in a throttled page; returns FCP and when `ready` (a CSS selector) first matched, both from navigation start. */
async function visit(context: BrowserContext, network: Network, url: string, ready: string): Promise<{ fcp: number; ready: number; bytes: number }> {
  const { bytes } = await throttle(context, network);
  const page = context.pages()[0]!;
  // Checked on every animation frame: the first frame that has the element is when it reaches the
  // screen. A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
  await page.addInitScript({
    content: `(() => {
      const frame = () => {
        if (document.querySelector(${JSON.stringify(ready)})) window.__ready = performance.now();
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    })();`,
  });
  await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  await page.waitForFunction(() => "__ready" in window, null, { timeout: 120_000 });
  // FCP is recorded once painted; wait for the entry.
  const fcp = await page.evaluate(
    () =>
      new Promise<number>((done) => {
        const entry = performance.getEntriesByName("first-contentful-paint")[0];
        if (entry) return done(entry.startTime);
        new PerformanceObserver((list) => done(list.getEntries()[0]!.startTime)).observe({ type: "paint", buffered: true });
      }),
  );
  const readyAt = await page.evaluate(() => (window as unknown as { __ready: number }).__ready);
  return { fcp, ready: readyAt, bytes: bytes() };
}

function row(name: string, visits: { fcp: number; ready: number; bytes: number }[]): PaintRow {
  return {
    name,
    runs: visits.length,
    fcp_p50_ms: median(visits.map((v) => v.fcp)),
    fcp_max_ms: Math.max(...visits.map((v) => v.fcp)),
    ready_p50_ms: median(visits.map((v) => v.ready)),
    ready_max_ms: Math.max(...visits.map((v) => v.ready)),
    bytes: median(visits.map((v) => v.bytes)),
  };
}

export async function measureFirstPaint(runs = RUNS): Promise<FirstPaintResult> {
  const dir = mkdtempSync(join(tmpdir(), "vouchers-paint-"));
  const { port: barePort, close: closeBare } = await serveBaseline();
  const server = await startServer({ script: "src/server.ts", databasePath: join(dir, "paint.sqlite"), demoSeed: true });
  const noCoop = await withoutCoop(server.url);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"] });
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: "qiming@demo.cn", password: "demo-pass-2026" }),
    });
    const cookie = login.headers.get("set-cookie")?.split(";")[0];
    if (!login.ok || !cookie) throw new Error(`demo sign-in failed: ${login.status}`);
    const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)];
    const viewport = { width: 390, height: 844 };
    const profiles: FirstPaintResult["profiles"] = [];
    // PAINT_PROFILE=0 or 1: only that profile (a longer series in the same time).
    const only = process.env.PAINT_PROFILE;
    for (const network of only === undefined ? SLOW_4G : [SLOW_4G[Number(only)]!]) {
      const baseline: Awaited<ReturnType<typeof visit>>[] = [];
      const cold: typeof baseline = [];
      const warm: typeof baseline = [];
      const coldNoCoop: typeof baseline = [];
      for (let i = 0; i < runs; i++) {
        const b = await browser.newContext({ viewport });
        baseline.push(await visit(b, network, `http://127.0.0.1:${barePort}/`, "#ready"));
        await b.close();
        // A fresh context each time: an empty cache (cold), then the same context again (warm).
        const context = await browser.newContext({ viewport });
        await context.addCookies([{ name, value, url: server.url }]);
        cold.push(await visit(context, network, `${server.url}/catalogue`, 'main a[href^="/catalogue?id="]'));
        // A new tab in the same context: the browser's cache is kept, the page's own state is not.
        await context.newPage();
        await context.pages()[0]!.close();
        warm.push(await visit(context, network, `${server.url}/catalogue`, 'main a[href^="/catalogue?id="]'));
        await context.close();
        const plain = await browser.newContext({ viewport });
        await plain.addCookies([{ name, value, url: noCoop.url }]);
        coldNoCoop.push(await visit(plain, network, `${noCoop.url}/catalogue`, 'main a[href^="/catalogue?id="]'));
        await plain.close();
      }
      profiles.push({
        name: network.name,
        latency_ms: network.latency,
        down_kbps: (network.downloadThroughput * 8) / 1000,
        up_kbps: (network.uploadThroughput * 8) / 1000,
        cpu_slowdown: CPU_SLOWDOWN,
        rows: [row("baseline: 1 KB static page (node:http)", baseline), row("catalogue, signed-in SME, cold cache", cold), row("catalogue, second visit (warm cache)", warm), row("catalogue, cold, without COOP (proxy)", coldNoCoop)],
      });
    }
    return { profiles, target_ms: TARGET_MS };
  } finally {
    await browser.close();
    noCoop.close();
    await server.stop();
    closeBare();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printFirstPaint(result: FirstPaintResult): void {
  for (const p of result.profiles) {
    console.log(`\nfirst paint at 390 px, ${p.name}: ${p.down_kbps.toFixed(0)} kbps down, CPU slowed ${p.cpu_slowdown}×; target ≤ ${result.target_ms} ms`);
    const base = p.rows[0]!;
    printTable(
      ["measurement", "runs", "FCP p50 ms", "FCP max", "ready p50 ms", "ready max", "÷ baseline (ready)", "KB"],
      p.rows.map((r) => [r.name, String(r.runs), r.fcp_p50_ms.toFixed(0), r.fcp_max_ms.toFixed(0), r.ready_p50_ms.toFixed(0), r.ready_max_ms.toFixed(0), (r.ready_p50_ms / base.ready_p50_ms).toFixed(1), (r.bytes / 1024).toFixed(0)]),
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printFirstPaint(await measureFirstPaint());
}
