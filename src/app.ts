// Composes the routers into one app. Entry points (server.ts, worker.ts, tests) give it the
// database and how to learn the client's address; everything else is the same everywhere.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { SESSION_COOKIE, validateSessionToken } from "./auth/session";
import type { BlobStore } from "./blobs/blob-store";
import type { Store } from "./db/store";
import type { AppEnv, WebhookSettings } from "./lib/context";
import { createRouter, handleError } from "./lib/create-app";
import { renderDocsPage } from "./lib/docs-page";
import { errorBody } from "./lib/errors";
import { authRouter } from "./routes/auth/auth.index";
import { setSessionCookie } from "./routes/auth/auth.handlers";
import { healthRouter } from "./routes/health/health.index";
import { organisationsRouter } from "./routes/organisations/organisations.index";
import { programmesRouter } from "./routes/programmes/programmes.index";
import { providersRouter } from "./routes/providers/providers.index";
import { voucherApplicationsRouter } from "./routes/voucher-applications/voucher-applications.index";
import { vouchersRouter } from "./routes/vouchers/vouchers.index";
import { bookingsRouter } from "./routes/bookings/bookings.index";
import { offeringsRouter } from "./routes/offerings/offerings.index";
import { timelineRouter } from "./routes/timeline/timeline.index";
import { quotesRouter } from "./routes/quotes/quotes.index";
import { searchRouter } from "./routes/search/search.index";
import { notificationsRouter } from "./routes/notifications/notifications.index";
import { webhooksRouter } from "./routes/webhooks/webhooks.index";
import { fetchSender } from "./webhooks/sender";
import { accountRouter } from "./routes/account/account.index";
import { membersRouter } from "./routes/members/members.index";
import { filesRouter } from "./routes/files/files.index";
import { verificationRouter } from "./routes/verification/verification.index";
import { searchInThread, type SearchExecutor } from "./services/capacity-search";

import { usageRouter } from "./routes/usage/usage.index";
import { claimsRouter } from "./routes/claims/claims.index";
import { reportsRouter } from "./routes/reports/reports.index";
import { anomaliesRouter } from "./routes/anomalies/anomalies.index";
import { MAX_IMPORT_BYTES } from "./domain/usage-files";
import { auditRouter } from "./routes/audit/audit.index";
import { logMailer, type Mailer } from "./lib/mail";
import { sealAfterWrite, unsignedAuditSettings, type AuditSettings } from "./services/audit-log";

export const MAX_BODY_BYTES = 1024 * 1024;
/** File uploads (an organisation's files, a programme's attachments) alone may send up to this much. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Default sign-ups per client address per hour (fixed windows: up to twice this across a boundary). */
export const SIGNUPS_PER_HOUR = 5;
/** The one route that takes usage files (CSV or Slurm accounting, ≤ 20 MB). */
export const IMPORT_PATH = "/api/usage/import";
const UPLOAD_PATH = /^\/api\/(organisations\/[^/]+\/files|programmes\/[^/]+\/attachments)$/;

export interface AppOptions {
  store: (c: Context<AppEnv>) => Store;
  blobs: (c: Context<AppEnv>) => BlobStore;
  /** Sign-ups per client address per hour; default SIGNUPS_PER_HOUR. */
  signupsPerHour?: number;
  clientAddress: (c: Context<AppEnv>) => string;
  /** Whether the client reached us over https (behind a proxy: its X-Forwarded-Proto). Default: the request URL. */
  isHttps?: (c: Context<AppEnv>) => boolean;
  now?: () => number;
  /** Webhook sending (default: fetch, no loopback targets). */
  webhooks?: WebhookSettings;
  /** Prints what would have been mailed (invitation links), for installs without a mail server. */
  log?: (line: string) => void;
  /** Sends mail (password-reset links). Default: to `log` when given, else nowhere. */
  mailer?: Mailer;
  /** Where capacity searches run; by default in the request's thread, over its store. */
  search?: SearchExecutor;
  /** Static front end, tried after the API for paths it does not handle. */
  assets?: MiddlewareHandler<AppEnv>[];
  /** Audit log origin, signing key and checkpoint cadence (default: sealed, never signed). */
  audit?: (c: Context<AppEnv>) => AuditSettings | Promise<AuditSettings>;
  /**
   * The built index.html's inline <style> (its first frame's rules) as CSP hash sources
   * ('sha256-…'), which the build writes to dist/web/_csp.json; added to style-src. Asked only for
   * paths outside /api/. Default: none (style-src 'self' alone).
   */
  inlineStyleHashes?: (c: Context<AppEnv>) => readonly string[] | Promise<readonly string[]>;
}

const api = createRouter()
  .route("/", healthRouter)
  .route("/", authRouter)
  .route("/", organisationsRouter)
  .route("/", providersRouter)
  .route("/", programmesRouter)
  .route("/", voucherApplicationsRouter)
  .route("/", vouchersRouter)
  .route("/", offeringsRouter)
  .route("/", timelineRouter)
  .route("/", searchRouter)
  .route("/", quotesRouter)
  .route("/", bookingsRouter)
  .route("/", notificationsRouter)
  .route("/", webhooksRouter)
  .route("/", membersRouter)
  .route("/", accountRouter)
  .route("/", filesRouter)
  .route("/", verificationRouter)
  .route("/", usageRouter)
  .route("/", auditRouter)
  .route("/", anomaliesRouter)
  .route("/", claimsRouter)
  .route("/", reportsRouter);

/** The API's type, for Hono's typed client in web/. */
export type AppType = typeof api;

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function createApp(options: AppOptions) {
  const now = options.now ?? Date.now;
  const webhooks = options.webhooks ?? { send: fetchSender(false), allowLoopback: false };
  const app = createRouter();

  // Our own id for every request, never the client's: audit events record it.
  app.use(async (c, next) => {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  });
  // Before the secure headers, which build the policy before the request is handled: the inline
  // <style> the build put in index.html is allowed by its hash, never by 'unsafe-inline'. The
  // API's answers are JSON, never a document with a style in it.
  app.use(async (c, next) => {
    c.set("styleHashes", options.inlineStyleHashes && !c.req.path.startsWith("/api/") ? await options.inlineStyleHashes(c) : []);
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        styleSrc: [(c) => ["'self'", ...(c as Context<AppEnv>).var.styleHashes].join(" ")],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    }),
  );
  app.use(async (c, next) => {
    c.set("store", options.store(c));
    c.set("blobs", options.blobs(c));
    c.set("signupsPerHour", options.signupsPerHour ?? SIGNUPS_PER_HOUR);
    c.set("clientAddress", options.clientAddress(c));
    c.set("https", options.isHttps ? options.isHttps(c) : new URL(c.req.url).protocol === "https:");
    c.set("now", now);
    c.set("webhooks", webhooks);
    c.set("log", options.log ?? null);
    c.set("mailer", options.mailer ?? (options.log ? logMailer(options.log) : null));
    c.set("search", options.search ?? searchInThread(c.var.store));
    c.set("actor", null);
    c.set("audit", options.audit ? await options.audit(c) : unsignedAuditSettings);
    c.set("auditWritten", false);
    await next();
    // Sequence first, seal after (docs/audit-log.md): a request that appended audit events seals
    // them (a few hashes and one batch) before it answers.
    if (c.var.auditWritten) await sealAfterWrite(c.var.store, c.var.audit, c.var.now());
  });
  const jsonLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json(errorBody("payload_too_large", "请求内容过大（上限1 MiB）/ Request body over 1 MiB"), 413),
  });
  const uploadLimit = bodyLimit({
    maxSize: MAX_UPLOAD_BYTES,
    onError: (c) => c.json(errorBody("payload_too_large", "文件过大（上限10 MiB）/ File over 10 MiB"), 413),
  });
  const importLimit = bodyLimit({
    maxSize: MAX_IMPORT_BYTES,
    onError: (c) => c.json(errorBody("payload_too_large", "文件过大（上限20 MB）/ File over 20 MB"), 413),
  });
  // Each route gets the smallest limit that fits what it takes: JSON 1 MiB, uploads 10 MiB, usage files 20 MB.
  app.use("/api/*", (c, next) => {
    if (c.req.method === "POST" && c.req.path === IMPORT_PATH) return importLimit(c, next);
    if (c.req.method === "POST" && UPLOAD_PATH.test(c.req.path)) return uploadLimit(c, next);
    return jsonLimit(c, next);
  });

  // CSRF (Lucia's guide): an unsafe request must show it comes from this site, by its Origin or,
  // failing that, by the browser's Sec-Fetch-Site. A request with neither is refused: a non-browser
  // client (curl, a script) can send the Origin header itself.
  app.use("/api/*", async (c, next) => {
    if (UNSAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("Origin");
      const site = c.req.header("Sec-Fetch-Site");
      if (origin === undefined && site === undefined) {
        return c.json(
          errorBody("origin_required", "请求缺少 Origin 头 / Send an Origin header naming this site with every POST, PUT, PATCH or DELETE"),
          403,
        );
      }
      const ownOrigin = `${c.var.https ? "https" : "http"}://${c.req.header("Host") ?? new URL(c.req.url).host}`;
      const crossOrigin = origin !== undefined ? safeOrigin(origin) !== ownOrigin : site !== "same-origin";
      if (crossOrigin) {
        return c.json(errorBody("origin_mismatch", "跨站请求被拒绝 / Cross-site request refused"), 403);
      }
    }
    await next();
  });

  app.use("/api/*", async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await validateSessionToken(c.var.store, token, c.var.now());
      if (session) {
        c.set("actor", { user: session.user, org: session.org, sessionId: session.sessionId, sessionExpiresAt: session.expiresAt });
        if (session.renewed) setSessionCookie(c, token, session.expiresAt);
      } else {
        deleteCookie(c, SESSION_COOKIE, { path: "/" });
      }
    }
    await next();
  });

  app.route("/", api);

  const documentConfig = {
    openapi: "3.1.0",
    info: {
      title: "算力券与共享算力预约 / Compute vouchers and shared infrastructure booking",
      version: "0.1.0",
      description: "Innovation vouchers (创新券, 算力券) for shared AI compute, data and simulation platforms.",
    },
  };
  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
  });
  app.doc31("/openapi.json", documentConfig);
  app.get("/docs", (c) => c.html(renderDocsPage(app.getOpenAPI31Document(documentConfig) as never)));

  for (const handler of options.assets ?? []) app.get("*", handler);

  // The path is not echoed: an answer carries nothing the server did not decide to say (a path may
  // hold another organisation's id, and the hostile-input torture test looks for any).
  app.notFound((c) => c.json(errorBody("not_found", `没有这个地址 / No such route for ${c.req.method}`), 404));
  app.onError(handleError);
  return app;
}

function safeOrigin(origin: string): string | null {
  try {
    return new URL(origin).origin;
  } catch {
    return null;
  }
}

