// Node entry: the API and the web front end on one port, an embedded SQLite file underneath.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Context, MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import { createApp } from "./app";
import { openDirectoryBlobStore } from "./blobs/directory";
import { decoyHash } from "./auth/password";
import { nodeAuditSettings } from "./db/audit-key-file";
import { sealAndCheckpoint } from "./services/audit-log";
import { CSP_NOTE, cspHashSources, isFilePath, noSuchFile, NOT_SERVED } from "./lib/asset-paths";
import { errorBody } from "./lib/errors";
import { openNodeStore } from "./db/node";
import { openSearchThread } from "./db/search-thread";
import { startCheckpointThread } from "./db/checkpoint-thread";
import { parseEnv } from "./env";
import { isEmpty, seedDemo } from "./seed/demo";
import { runScheduled } from "./services/scheduled";
import { anomalySettingsFrom } from "./domain/anomaly-rules";
import { deliverDueWebhooks } from "./webhooks/delivery";
import { nodeSender } from "./webhooks/node-sender";

const env = parseEnv(process.env);
const store = openNodeStore(env.DATABASE_PATH, { synchronous: env.SQLITE_SYNCHRONOUS });
// WAL checkpoints on a thread of their own, never inside a request's commit (src/db/checkpoint-thread.ts).
const checkpoints = env.DATABASE_PATH === ":memory:" ? null : startCheckpointThread(env.DATABASE_PATH, store, { synchronous: env.SQLITE_SYNCHRONOUS });
// Uploaded files live beside the database file, so one directory holds the whole installation.
const blobs = openDirectoryBlobStore(join(dirname(resolve(env.DATABASE_PATH)), "blobs"));
// Searches read on their own thread, so a long one never freezes other requests (an in-memory
// database cannot be shared between threads: there they run in-thread).
const searchThread = env.DATABASE_PATH === ":memory:" ? null : openSearchThread(env.DATABASE_PATH);
const audit = await nodeAuditSettings(env, { create: true });
// ANOMALY_* thresholds (docs/anomalies.md); a bad value stops the start.
const anomalySettings = anomalySettingsFrom(process.env);

if (env.DEMO_SEED === "auto" && (await isEmpty(store))) {
  await seedDemo(store, Date.now());
  // Sealed and signed before the first request, so the public notice page has a checkpoint to show.
  await sealAndCheckpoint(store, audit, Date.now());
  console.log("Empty database: loaded demo data (logins in README.md).");
}

const WEB_ROOT = "./dist/web";
if (!existsSync(`${WEB_ROOT}/index.html`)) {
  console.warn("The web front end is not built: run `npm run build:web` (npm start does it for you).");
}

// The build names the bundle, its split-off chunks (chunk.<hash>.js: the dashboard charts) and the
// style sheet by their content (app.<hash>.js), so those can be
// kept a year; everything else, index.html above all, is checked again on every load. The build's
// .gz and .br twins are picked by Accept-Encoding.
const FINGERPRINTED = /^\/(?:app|chunk|styles)\.[\w-]{8,}\.(?:js|css)$/;
// Never served: source maps, the compressed twins by their own names, build notes for Workers.
const noFile = (c: Context) => c.json(errorBody("not_found", `${noSuchFile.chinese} / ${noSuchFile.english}`), 404);
const cacheHeaders: MiddlewareHandler = async (c, next) => {
  if (NOT_SERVED.test(c.req.path)) return noFile(c);
  await next();
  if (c.res.ok && !c.req.path.startsWith("/api/")) {
    c.header("Cache-Control", FINGERPRINTED.test(c.req.path) ? "public, max-age=31536000, immutable" : "no-cache");
  }
};
// A strong validator for the files that are revalidated (and harmless on the rest).
const validators = etag();
const staticFiles = serveStatic({ root: WEB_ROOT, precompressed: true });
// Any other path is one of the web app's pages (the History API router), except under /api/,
// where an unknown path must stay a JSON 404 rather than become the app's HTML.
const appShell = serveStatic({ root: WEB_ROOT, path: "index.html", precompressed: true });

// The CSP hashes of index.html's inline <style>, as the build wrote them beside it; read again
// when a new build has replaced the file (a running server serves the new index.html at once).
let csp: { mtimeMs: number; styleSrc: readonly string[] } | null = null;
function inlineStyleHashes(): readonly string[] {
  try {
    const note = `${WEB_ROOT}/${CSP_NOTE}`;
    const { mtimeMs } = statSync(note);
    if (csp?.mtimeMs !== mtimeMs) csp = { mtimeMs, styleSrc: cspHashSources(readFileSync(note, "utf8")) };
    return csp.styleSrc;
  } catch {
    // Not built (yet), or mid-swap: no inline style is allowed, only the style sheet.
    return [];
  }
}

const webhooks = { send: nodeSender(env.WEBHOOK_ALLOW_LOOPBACK === "1"), allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "1" };

const app = createApp({
  store: () => store,
  webhooks,
  blobs: () => blobs,
  signupsPerHour: env.SIGNUPS_PER_HOUR,
  search: searchThread?.search,
  clientAddress: (c) =>
    (env.TRUST_PROXY === "1" ? c.req.header("X-Forwarded-For")?.split(",")[0]?.trim() : undefined) ??
    getConnInfo(c).remote.address ??
    "unknown",
  isHttps: (c) =>
    env.TRUST_PROXY === "1" ? c.req.header("X-Forwarded-Proto") === "https" : new URL(c.req.url).protocol === "https:",
  log: env.LOG_INVITATION_LINKS === "1" ? (line) => console.log(line) : undefined,
  audit: () => audit,
  inlineStyleHashes,
  // A missing file (app.<old hash>.js, favicon.ico) is a 404, never the app's HTML.
  assets: [cacheHeaders, validators, staticFiles, async (c, next) => (c.req.path.startsWith("/api/") ? next() : isFilePath(c.req.path) ? noFile(c) : appShell(c, next))],
});

const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  console.log(`Listening on http://${info.address === "127.0.0.1" ? "localhost" : info.address}:${info.port} (database ${env.DATABASE_PATH})`);
});

// Computed now so the first sign-in with an unknown email takes as long as any other.
await decoyHash();

// Voucher expiry and booking lapse, as the Workers cron does; one run at a time.
let sweeping = false;
const sweeps = setInterval(async () => {
  if (sweeping) return;
  sweeping = true;
  try {
    await runScheduled(store, Date.now(), audit, anomalySettings);
  } catch (error) {
    console.error("scheduled sweep failed; it runs again next interval", error);
  } finally {
    sweeping = false;
  }
}, env.SWEEP_INTERVAL_SECONDS * 1000);

// Webhook deliveries from the outbox, every few seconds; one run at a time.
let delivering = false;
const deliveries = setInterval(async () => {
  if (delivering) return;
  delivering = true;
  try {
    await deliverDueWebhooks(store, Date.now(), webhooks.send);
  } catch (error) {
    console.error("webhook delivery run failed; it runs again shortly", error);
  } finally {
    delivering = false;
  }
}, env.WEBHOOK_INTERVAL_SECONDS * 1000);

function shutdown() {
  clearInterval(sweeps);
  clearInterval(deliveries);
  server.close(async () => {
    await searchThread?.close();
    await checkpoints?.close();
    store.close();
    process.exit(0);
  });
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
