// Cloudflare Workers entry: the same app on D1. Static files come from the assets binding
// (wrangler.toml); the cron trigger runs the periodic sweeps.
import { createApp } from "./app";
import { CSP_NOTE, cspHashSources, isFilePath, noSuchFile, NOT_SERVED } from "./lib/asset-paths";
import { errorBody } from "./lib/errors";
import { openR2BlobStore, type R2BucketLike } from "./blobs/r2";
import { openD1Store, type D1Like } from "./db/d1";
import type { Store } from "./db/store";
import type { AuditSettings } from "./services/audit-log";
import { auditSettingsFrom, type AuditSettingStrings } from "./services/audit-settings";
import { runScheduled } from "./services/scheduled";
import { anomalySettingsFrom } from "./domain/anomaly-rules";
import { deliverDueWebhooks } from "./webhooks/delivery";
import { fetchSender } from "./webhooks/sender";

export interface WorkerEnv extends AuditSettingStrings {
  DB: D1Like;
  BLOBS: R2BucketLike;
  ASSETS?: { fetch(request: Request): Promise<Response> };
}

const stores = new WeakMap<D1Like, Store>();
function storeFor(d1: D1Like): Store {
  let store = stores.get(d1);
  if (!store) {
    store = openD1Store(d1);
    stores.set(d1, store);
  }
  return store;
}

// Workers cannot reach private networks; webhook targets must be public https URLs.
const webhooks = { send: fetchSender(false), allowLoopback: false };
// The signing key is a Workers secret (AUDIT_SIGNING_KEY); its settings are parsed once per isolate.
let auditCache: { env: WorkerEnv; settings: Promise<AuditSettings> } | null = null;
function auditFor(env: WorkerEnv): Promise<AuditSettings> {
  if (auditCache?.env !== env) auditCache = { env, settings: auditSettingsFrom(env) };
  return auditCache.settings;
}

// The CSP hashes of index.html's inline <style>, from the _csp.json the build uploaded beside it;
// read once per isolate (a deployment brings new isolates). A failed read allows no inline style
// this time (the page still gets its style sheet) and is tried again on the next request.
const inlineStyles = new WeakMap<object, Promise<readonly string[]>>();
function inlineStyleHashes(env: WorkerEnv, url: string): Promise<readonly string[]> {
  const assets = env.ASSETS;
  if (!assets) return Promise.resolve([]);
  let read = inlineStyles.get(assets);
  if (!read) {
    read = assets
      .fetch(new Request(new URL(`/${CSP_NOTE}`, url)))
      .then(async (res) => {
        if (res.status === 404) return []; // a build from before the inline style: none to allow
        if (!res.ok) throw new Error(`${CSP_NOTE}: ${res.status}`);
        return cspHashSources(await res.text());
      })
      .catch((error: unknown) => {
        inlineStyles.delete(assets);
        console.error("could not read _csp.json; index.html's inline style is not allowed this time", error);
        return [];
      });
    inlineStyles.set(assets, read);
  }
  return read;
}

const app = createApp({
  audit: (c) => auditFor(c.env as WorkerEnv),
  inlineStyleHashes: (c) => inlineStyleHashes(c.env as WorkerEnv, c.req.url),
  store: (c) => storeFor((c.env as WorkerEnv).DB),
  webhooks,
  blobs: (c) => openR2BlobStore((c.env as WorkerEnv).BLOBS),
  clientAddress: (c) => c.req.header("CF-Connecting-IP") ?? "unknown",
  assets: [
    async (c, next) => {
      const assets = (c.env as WorkerEnv).ASSETS;
      // The API answers its own unknown routes (a JSON 404), never with the front end's index.html.
      if (!assets || c.req.method !== "GET" || c.req.path.startsWith("/api/")) return next();
      const noFile = () => c.json(errorBody("not_found", `${noSuchFile.chinese} / ${noSuchFile.english}`), 404);
      if (NOT_SERVED.test(c.req.path)) return noFile();
      // wrangler.toml sets not_found_handling = "none": the binding answers 404 for a missing file,
      // and this decides. A missing file (app.js.map, an old chunk) stays a 404; a page address
      // gets the app's shell, index.html, which the binding serves at "/".
      let response = await assets.fetch(c.req.raw);
      if (response.status === 404) {
        if (isFilePath(c.req.path)) return noFile();
        response = await assets.fetch(new Request(new URL("/", c.req.url), c.req.raw));
        if (response.status === 404) return next();
      }
      // A binding's response has immutable headers; copy it so secure headers and the request id can be set.
      return new Response(response.body, response);
    },
  ],
});

interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

function deliverWebhooks(env: WorkerEnv, limit?: number) {
  return deliverDueWebhooks(storeFor(env.DB), Date.now(), webhooks.send, { limit }).catch((error: unknown) => {
    console.error("webhook delivery run failed; the cron trigger tries again", error);
  });
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContextLike) {
    const response = await app.fetch(request, env, ctx as never);
    // A change may have queued webhook deliveries: send them after answering, without delaying it.
    // A refused request (4xx, 5xx) changed nothing, so it queued nothing: no read for it (under a
    // burst of 200 bookings on one hour, 136 refusals each paid for this read).
    if (request.method !== "GET" && response.status < 400 && new URL(request.url).pathname.startsWith("/api/")) ctx.waitUntil(deliverWebhooks(env, 10));
    return response;
  },
  async scheduled(_controller: unknown, env: WorkerEnv) {
    await runScheduled(storeFor(env.DB), Date.now(), await auditFor(env), anomalySettingsFrom(env as unknown as Record<string, unknown>));
    await deliverWebhooks(env);
  },
};
