// The waterfall behind bench/first-paint.ts: one cold and one warm visit to the catalogue under the
// same throttling (Lighthouse's Slow 4G, CPU 4×), each request's start, first byte and end from
// navigation, and when first contentful paint and the first offering happened. For finding what a
// first paint waits for. `npx tsx bench/waterfall.ts` (WATERFALL_PROFILE=1 for DevTools' preset).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { CHROMIUM_PATH } from "../tests/e2e/support/browser";
import { SLOW_4G } from "./first-paint";
import { startServer } from "./processes";

const network = SLOW_4G[Number(process.env.WATERFALL_PROFILE ?? 0)]!;
const READY = 'main a[href^="/catalogue?id="]';

interface Row { id: string; url: string; start: number; response?: number; end?: number; bytes?: number; status?: number; cached?: boolean; initiator?: string }

async function visit(context: BrowserContext, url: string, label: string): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: network.latency, downloadThroughput: network.downloadThroughput, uploadThroughput: network.uploadThroughput });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const rows = new Map<string, Row>();
  let t0 = 0;
  cdp.on("Network.requestWillBeSent", (e: any) => {
    if (!t0) t0 = e.timestamp;
    const init = e.initiator?.url ?? e.initiator?.stack?.callFrames?.[0]?.url ?? e.initiator?.type;
    rows.set(e.requestId, { id: e.requestId, url: e.request.url.replace(/^https?:\/\/[^/]+/, ""), start: e.timestamp, initiator: String(init ?? "").replace(/^https?:\/\/[^/]+/, "") });
  });
  cdp.on("Network.responseReceived", (e: any) => {
    const r = rows.get(e.requestId);
    if (r) Object.assign(r, { response: e.timestamp, status: e.response.status, cached: e.response.fromDiskCache || e.response.fromMemoryCache });
  });
  cdp.on("Network.loadingFinished", (e: any) => {
    const r = rows.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength });
  });
  // WATERFALL_HOLD_JS=ms: scripts held back that long, to see what the first paint waits for.
  const hold = Number(process.env.WATERFALL_HOLD_JS ?? 0);
  if (hold) await page.route(/\.js$/, async (route) => (await new Promise((r) => setTimeout(r, hold)), route.continue()));
  await page.addInitScript({ content: `(() => { const f = () => { if (document.querySelector(${JSON.stringify(READY)})) window.__ready = performance.now(); else requestAnimationFrame(f); }; requestAnimationFrame(f); })();` });
  await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  await page.waitForFunction(() => "__ready" in window, null, { timeout: 120_000 });
  const marks = await page.evaluate(() => ({
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
    ready: (window as unknown as { __ready: number }).__ready,
    // Navigation start in the page's clock is 0; the first request's CDP timestamp is about it.
  }));
  const ms = (t?: number) => (t === undefined ? "    -" : String(Math.round((t - t0) * 1000)).padStart(5));
  console.log(`\n${label} (${network.name}): FCP ${marks.fcp.toFixed(0)} ms, first offering ${marks.ready.toFixed(0)} ms`);
  console.log("start  resp   end    bytes  st  url  ← initiator");
  for (const r of [...rows.values()].sort((a, b) => a.start - b.start)) {
    console.log(`${ms(r.start)} ${ms(r.response)} ${ms(r.end)} ${String(r.bytes ?? "-").padStart(7)} ${r.status ?? "-"}${r.cached ? "c" : ""}  ${r.url}  ← ${r.initiator}`);
  }
  await cdp.detach();
}

const dir = mkdtempSync(join(tmpdir(), "vouchers-waterfall-"));
const server = await startServer({ script: "src/server.ts", databasePath: join(dir, "w.sqlite"), demoSeed: true });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"] });
try {
  const login = await fetch(`${server.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: server.url }, body: JSON.stringify({ email: "qiming@demo.cn", password: "demo-pass-2026" }) });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.addCookies([{ name: cookie.slice(0, cookie.indexOf("=")), value: cookie.slice(cookie.indexOf("=") + 1), url: server.url }]);
  await visit(context, `${server.url}/catalogue`, "cold");
  await context.newPage();
  await context.pages()[0]!.close();
  await visit(context, `${server.url}/catalogue`, "warm");
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
