// The waterfall behind bench/first-paint.ts: one cold and one warm visit to the catalogue under the
// same throttling (Lighthouse's Slow 4G, CPU 4×), each request's start, first byte and end from
// navigation, and when first contentful paint and the first offering happened. For finding what a
// first paint waits for. `npx tsx bench/waterfall.ts` (WATERFALL_PROFILE=1 for DevTools' preset;
// WATERFALL_TRACE=1 adds a Chromium performance trace of each visit: what the page's main thread
// did, and when, up to the first contentful paint).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { CHROMIUM_PATH } from "../tests/e2e/support/browser";
import { SLOW_4G } from "./first-paint";
import { startServer } from "./processes";

const network = SLOW_4G[Number(process.env.WATERFALL_PROFILE ?? 0)]!;
const READY = 'main a[href^="/catalogue?id="]';

interface Row { id: string; url: string; start: number; response?: number; end?: number; bytes?: number; status?: number; cached?: boolean; initiator?: string }

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; cat: string; args?: { name?: string; data?: { url?: string; requestId?: string; documentLoaderURL?: string } } }

/** The renderer main thread's work from navigation to a little past first contentful paint: every task of 2 ms or more, what it was, and the marks. */
function printTrace(events: TraceEvent[]): void {
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && events.some((x) => x.pid === e.pid && x.name === "firstContentfulPaint"));
  if (!main) return console.log("(trace: no renderer main thread with a first contentful paint)");
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const fcp = mine.find((e) => e.name === "firstContentfulPaint")!.ts;
  // The page's own navigation: the last one before its document's response (the tab's about:blank has one too).
  const response = mine.find((e) => e.name === "ResourceReceiveResponse")?.ts ?? fcp;
  const t0 = mine.filter((e) => e.name === "navigationStart" && e.ts <= response).at(-1)?.ts ?? Math.min(...mine.map((e) => e.ts));
  const sends = new Map(events.filter((e) => e.name === "ResourceSendRequest").map((e) => [e.args?.data?.requestId, e.args?.data?.url?.replace(/^https?:\/\/[^/]+/, "")]));
  const ms = (t: number) => String(Math.round((t - t0) / 1000)).padStart(6);
  console.log(`trace, renderer main thread to FCP (${ms(fcp).trim()} ms) + 200 ms: start, duration, what`);
  const shown = new Set(["ParseHTML", "ParseAuthorStyleSheet", "EvaluateScript", "v8.compileModule", "v8.evaluateModule", "FunctionCall", "EventDispatch", "UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Commit", "ResourceFinish", "ResourceReceiveResponse", "TimerFire", "FireAnimationFrame", "RunMicrotasks", "ScheduleStyleRecalculation"]);
  const marks = new Set(["navigationStart", "firstPaint", "firstContentfulPaint", "domInteractive", "domContentLoadedEventStart", "MarkDOMContent", "MarkFirstPaint", "MarkLoad"]);
  for (const e of mine.filter((e) => e.ts >= t0 && e.ts <= fcp + 200_000).sort((a, b) => a.ts - b.ts)) {
    const what = e.name + (e.args?.data?.url ? ` ${e.args.data.url.replace(/^https?:\/\/[^/]+/, "")}` : e.args?.data?.requestId ? ` ${sends.get(e.args.data.requestId) ?? ""}` : "");
    if (marks.has(e.name)) console.log(`${ms(e.ts)}      —  ${what}`);
    else if (shown.has(e.name) && e.ph === "X" && (e.dur ?? 0) >= 2_000) console.log(`${ms(e.ts)} ${String(Math.round((e.dur ?? 0) / 1000)).padStart(6)}  ${what}`);
    else if (shown.has(e.name) && (e.name === "ResourceFinish" || e.name === "ResourceReceiveResponse")) console.log(`${ms(e.ts)}      ·  ${what}`);
  }
}

async function visit(browser: Browser, context: BrowserContext, url: string, label: string): Promise<void> {
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
  // WATERFALL_HOLD_CSS=ms: the style sheet held back that long (does the first paint wait for it?).
  const holdCss = Number(process.env.WATERFALL_HOLD_CSS ?? 0);
  if (holdCss) await page.route(/\.css$/, async (route) => (await new Promise((r) => setTimeout(r, holdCss)), route.continue()));
  await page.addInitScript({ content: `(() => { const f = () => { if (document.querySelector(${JSON.stringify(READY)})) window.__ready = performance.now(); else requestAnimationFrame(f); }; requestAnimationFrame(f); })();` });
  const trace = process.env.WATERFALL_TRACE === "1";
  if (trace) await browser.startTracing(page, { categories: ["devtools.timeline", "blink.user_timing", "loading", "v8.execute", "disabled-by-default-devtools.timeline"] });
  await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  await page.waitForFunction(() => "__ready" in window, null, { timeout: 120_000 });
  const traced = trace ? ((JSON.parse((await browser.stopTracing()).toString("utf8")) as { traceEvents: TraceEvent[] }).traceEvents) : null;
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
  if (traced) printTrace(traced);
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
  await visit(browser, context, `${server.url}/catalogue`, "cold");
  await context.newPage();
  await context.pages()[0]!.close();
  await visit(browser, context, `${server.url}/catalogue`, "warm");
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
