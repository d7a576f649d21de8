// Node entry: the API and the web front end on one port, an embedded SQLite file underneath.
import { existsSync } from "node:fs";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import { createApp } from "./app";
import { decoyHash } from "./auth/password";
import { nodeAuditSettings } from "./db/audit-key-file";
import { openNodeStore } from "./db/node";
import { parseEnv } from "./env";
import { isEmpty, seedDemo } from "./seed/demo";
import { runScheduled } from "./services/scheduled";

const env = parseEnv(process.env);
const store = openNodeStore(env.DATABASE_PATH);
const audit = await nodeAuditSettings(env, { create: true });

if (env.DEMO_SEED === "auto" && (await isEmpty(store))) {
  await seedDemo(store, Date.now());
  console.log("Empty database: loaded demo data (logins in README.md).");
}

const WEB_ROOT = "./dist/web";
if (!existsSync(`${WEB_ROOT}/index.html`)) {
  console.warn("The web front end is not built: run `npm run build:web` (npm start does it for you).");
}

// Any other path is one of the web app's pages (the History API router), except under /api/,
// where an unknown path must stay a JSON 404 rather than become the app's HTML.
const appShell = serveStatic({ root: WEB_ROOT, path: "index.html" });

const app = createApp({
  store: () => store,
  clientAddress: (c) =>
    (env.TRUST_PROXY === "1" ? c.req.header("X-Forwarded-For")?.split(",")[0]?.trim() : undefined) ??
    getConnInfo(c).remote.address ??
    "unknown",
  isHttps: (c) =>
    env.TRUST_PROXY === "1" ? c.req.header("X-Forwarded-Proto") === "https" : new URL(c.req.url).protocol === "https:",
  audit: () => audit,
  assets: [serveStatic({ root: WEB_ROOT }), (c, next) => (c.req.path.startsWith("/api/") ? next() : appShell(c, next))],
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
    await runScheduled(store, Date.now(), audit);
  } catch (error) {
    console.error("scheduled sweep failed; it runs again next interval", error);
  } finally {
    sweeping = false;
  }
}, env.SWEEP_INTERVAL_SECONDS * 1000);

function shutdown() {
  clearInterval(sweeps);
  server.close(() => {
    store.close();
    process.exit(0);
  });
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
