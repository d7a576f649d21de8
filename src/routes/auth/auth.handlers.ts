import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { deleteCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import { decoyHash, hashPassword, verifyPassword } from "../../auth/password";
import {
  generateSessionToken,
  invalidateSession,
  invalidateUserSessions,
  SESSION_COOKIE,
  sessionInsert,
} from "../../auth/session";
import { isKnownAddress, loginLimits, signedInStatements, takeLoginSlots } from "../../auth/throttle";
import { commit } from "../../db/atomic";
import { isRateLimitViolation, rateLimitedError, takeSlotStatement, type RateLimit } from "../../db/rate-limit";
import { constraintViolation } from "../../db/constraints";
import { organisations, sessions, users } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { conflict, unauthorized } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { HOUR_MS } from "../../lib/time";
import { UNVERIFIED } from "../../services/verification-facts";
import { actorOf } from "../../lib/route";
import type * as routes from "./auth.routes";
import { unreadCount } from "../../services/inbox";
import { verificationSummary } from "../../services/verification";
import { applyToEveryAgency, summaryView, vettingViewFor } from "../../services/vetting";
import { presentMe, presentVerification } from "./present";

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: number) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.var.https,
    path: "/",
    expires: new Date(expiresAt),
  });
}

export async function startSession(c: Context<AppEnv>, userId: string) {
  const token = generateSessionToken();
  const row = await sessionInsert(token, userId, c.var.now());
  return { token, row, statement: c.var.store.db.insert(sessions).values(row) };
}

/**
 * Sign-ups per client address and hour. The slot is taken in the sign-up's own batch, so only
 * registrations that happen count (one refused, e.g. for a taken email, takes no slot).
 */
const signupLimit = (address: string, perHour: number): RateLimit => ({ key: `signup:address:${address}`, allowed: perHour, windowMs: HOUR_MS });
const SIGNUP_LIMITED = "该网络地址注册过于频繁，请稍后再试 / Too many sign-ups from this address; try again later";

export const signup: RouteHandler<typeof routes.signup, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const now = c.var.now();
  const org = {
    id: newId("org"),
    ...body.organisation,
    address: body.organisation.address ?? null,
    legal_representative: body.organisation.legal_representative ?? null,
    contact_phone: body.organisation.contact_phone ?? null,
    credit_status: "good" as const,
    provider_status: body.organisation.kind === "provider" ? ("active" as const) : null,
    provider_status_reason: null,
    ...UNVERIFIED,
    created_at: now,
  };
  const user = {
    id: newId("usr"),
    org_id: org.id,
    email: body.user.email,
    display_name: body.user.display_name,
    password_hash: await hashPassword(body.user.password),
    role: "admin" as const,
    disabled: false,
    created_at: now,
  };
  const session = await startSession(c, user.id);
  const db = c.var.store.db;
  const limit = signupLimit(c.var.clientAddress, c.var.signupsPerHour);
  try {
    await commit(
      c,
      [
        takeSlotStatement(c.var.store, limit, now),
        db.insert(organisations).values(org),
        db.insert(users).values(user),
        session.statement,
        ...(org.kind === "provider" ? [applyToEveryAgency(c.var.store, org.id, now)] : []),
      ],
      [
        { action: "organisation.registered", subject_type: "organisation", subject_id: org.id, after: org },
        { action: "user.created", subject_type: "user", subject_id: user.id, after: user },
        ...(org.kind === "provider" ? [{ action: "provider.applied", subject_type: "organisation", subject_id: org.id, after: { agencies: "every agency at sign-up" } }] : []),
      ],
    );
  } catch (error) {
    if (isRateLimitViolation(error)) throw await rateLimitedError(c.var.store, [limit], now, SIGNUP_LIMITED);
    const violation = constraintViolation(error);
    if (violation?.name === "users.email") {
      throw conflict("email_taken", "该邮箱已注册 / This email is already registered");
    }
    throw error;
  }
  setSessionCookie(c, session.token, session.row.expires_at);
  return c.json(presentMe(user, org, summaryView(org, []), presentVerification(await verificationSummary(c.var.store, org)), session.row.expires_at), 201);
};

export const login: RouteHandler<typeof routes.login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid("json");
  const store = c.var.store;
  const now = c.var.now();
  const address = c.var.clientAddress;
  // The slots are taken before the password is hashed: at most `allowed` checks per key and window.
  const limits = loginLimits(email, address, await isKnownAddress(store, email, address, now));
  await takeLoginSlots(store, limits, now);
  const [row] = await store.db
    .select({ user: users, org: organisations })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.org_id))
    .where(eq(users.email, email));
  const valid = await verifyPassword(password, row?.user.password_hash ?? (await decoyHash()));
  if (!row || !valid || row.user.disabled) {
    throw unauthorized("邮箱或密码不正确 / Wrong email or password");
  }
  const session = await startSession(c, row.user.id);
  // The audit event names the person who just signed in as its actor.
  c.set("actor", { user: row.user, org: row.org, sessionId: session.row.id, sessionExpiresAt: session.row.expires_at });
  await commit(
    c,
    [session.statement, ...signedInStatements(store, limits, email, address, now)],
    [{ action: "user.signed_in", subject_type: "user", subject_id: row.user.id }],
  );
  setSessionCookie(c, session.token, session.row.expires_at);
  return c.json(presentMe(row.user, row.org, await vettingViewFor(store, row.org, row.org), presentVerification(await verificationSummary(store, row.org)), session.row.expires_at, await unreadCount(store, row.user.id)), 200);
};

export const logout: RouteHandler<typeof routes.logout, AppEnv> = async (c) => {
  const actor = actorOf(c);
  await commit(c, [invalidateSession(c.var.store, actor.sessionId)], [
    { action: "user.signed_out", subject_type: "user", subject_id: actor.user.id },
  ]);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.body(null, 204);
};

export const logoutAll: RouteHandler<typeof routes.logoutAll, AppEnv> = async (c) => {
  const actor = actorOf(c);
  await commit(c, [invalidateUserSessions(c.var.store, actor.user.id)], [
    { action: "user.signed_out_everywhere", subject_type: "user", subject_id: actor.user.id },
  ]);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.body(null, 204);
};

export const me: RouteHandler<typeof routes.me, AppEnv> = async (c) => {
  const actor = actorOf(c);
  return c.json(presentMe(actor.user, actor.org, await vettingViewFor(c.var.store, actor.org, actor.org), presentVerification(await verificationSummary(c.var.store, actor.org)), actor.sessionExpiresAt, await unreadCount(c.var.store, actor.user.id)), 200);
};
