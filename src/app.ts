// Composes the routers into one app. Entry points (server.ts, worker.ts, tests) give it the
// database and how to learn the client's address; everything else is the same everywhere.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { SESSION_COOKIE, validateSessionToken } from "./auth/session";
import type { Store } from "./db/store";
import type { AppEnv } from "./lib/context";
import { createRouter, handleError } from "./lib/create-app";
import { renderDocsPage } from "./lib/docs-page";
import { errorBody } from "./lib/errors";
import { authRouter } from "./routes/auth/auth.index";
import { setSessionCookie } from "./routes/auth/auth.handlers";
import { healthRouter } from "./routes/health/health.index";
import { organisationsRouter } from "./routes/organisations/organisations.index";
import { programmesRouter } from "./routes/programmes/programmes.index";
import { voucherApplicationsRouter } from "./routes/voucher-applications/voucher-applications.index";
import { vouchersRouter } from "./routes/vouchers/vouchers.index";
import { bookingsRouter } from "./routes/bookings/bookings.index";
import { offeringsRouter } from "./routes/offerings/offerings.index";
import { quotesRouter } from "./routes/quotes/quotes.index";
import { searchRouter } from "./routes/search/search.index";
import { auditRouter } from "./routes/audit/audit.index";
import { sealAfterWrite, unsignedAuditSettings, type AuditSettings } from "./services/audit-log";

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  store: (c: Context<AppEnv>) => Store;
  clientAddress: (c: Context<AppEnv>) => string;
  /** Whether the client reached us over https (behind a proxy: its X-Forwarded-Proto). Default: the request URL. */
  isHttps?: (c: Context<AppEnv>) => boolean;
  now?: () => number;
  /** Static front end, tried after the API for paths it does not handle. */
  assets?: MiddlewareHandler<AppEnv>[];
  /** Audit log origin, signing key and checkpoint cadence (default: sealed, never signed). */
  audit?: (c: Context<AppEnv>) => AuditSettings | Promise<AuditSettings>;
}

const api = createRouter()
  .route("/", healthRouter)
  .route("/", authRouter)
  .route("/", organisationsRouter)
  .route("/", programmesRouter)
  .route("/", voucherApplicationsRouter)
  .route("/", vouchersRouter)
  .route("/", offeringsRouter)
  .route("/", searchRouter)
  .route("/", quotesRouter)
  .route("/", bookingsRouter)
  .route("/", auditRouter);

/** The API's type, for Hono's typed client in web/. */
export type AppType = typeof api;

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function createApp(options: AppOptions) {
  const now = options.now ?? Date.now;
  const app = createRouter();

  // Our own id for every request, never the client's: audit events record it.
  app.use(async (c, next) => {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    }),
  );
  app.use(async (c, next) => {
    c.set("store", options.store(c));
    c.set("clientAddress", options.clientAddress(c));
    c.set("https", options.isHttps ? options.isHttps(c) : new URL(c.req.url).protocol === "https:");
    c.set("now", now);
    c.set("actor", null);
    c.set("audit", options.audit ? await options.audit(c) : unsignedAuditSettings);
    c.set("auditWritten", false);
    await next();
    // Sequence first, seal after (docs/audit-log.md): a request that appended audit events seals
    // them (a few hashes and one batch) before it answers.
    if (c.var.auditWritten) await sealAfterWrite(c.var.store, c.var.audit, c.var.now());
  });
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody("payload_too_large", "请求内容过大（上限1 MiB）/ Request body over 1 MiB"), 413),
    }),
  );

  // CSRF: an unsafe request carrying a browser's Origin must come from this site (Lucia's guide).
  // Clients without Origin (curl, server-to-server) are not browsers and carry no ambient cookie risk.
  app.use("/api/*", async (c, next) => {
    if (UNSAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header("Origin");
      const ownOrigin = `${c.var.https ? "https" : "http"}://${c.req.header("Host") ?? new URL(c.req.url).host}`;
      const site = c.req.header("Sec-Fetch-Site");
      const crossOrigin = origin ? safeOrigin(origin) !== ownOrigin : site !== undefined && site !== "same-origin" && site !== "none";
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

  app.notFound((c) => c.json(errorBody("not_found", `没有这个地址 / No route for ${c.req.method} ${c.req.path}`), 404));
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

