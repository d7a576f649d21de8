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
import { accountKey, addressKey, clearFailures, lockedUntil, recordFailure, THROTTLE } from "../../auth/throttle";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { organisations, sessions, users } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { AppError, conflict, unauthorized } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import type * as routes from "./auth.routes";
import { applyToEveryAgency, summaryView, vettingViewFor } from "../../services/vetting";
import { presentMe } from "./present";

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: number) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: c.var.https,
    path: "/",
    expires: new Date(expiresAt),
  });
}

async function startSession(c: Context<AppEnv>, userId: string) {
  const token = generateSessionToken();
  const row = await sessionInsert(token, userId, c.var.now());
  return { token, row, statement: c.var.store.db.insert(sessions).values(row) };
}

export const signup: RouteHandler<typeof routes.signup, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const now = c.var.now();
  const org = {
    id: newId("org"),
    ...body.organisation,
    address: body.organisation.address ?? null,
    legal_representative: body.organisation.legal_representative ?? null,
    credit_status: "good" as const,
    provider_status: body.organisation.kind === "provider" ? ("active" as const) : null,
    provider_status_reason: null,
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
  try {
    await commit(
      c,
      [
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
    const violation = constraintViolation(error);
    if (violation?.name === "organisations.credit_code") {
      throw conflict("credit_code_taken", "该统一社会信用代码已注册 / This credit code is already registered");
    }
    if (violation?.name === "users.email") {
      throw conflict("email_taken", "该邮箱已注册 / This email is already registered");
    }
    throw error;
  }
  setSessionCookie(c, session.token, session.row.expires_at);
  return c.json(presentMe(user, org, summaryView(org, []), session.row.expires_at), 201);
};

export const login: RouteHandler<typeof routes.login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid("json");
  const store = c.var.store;
  const now = c.var.now();
  const keys = [accountKey(email), addressKey(c.var.clientAddress)];
  const locked = await lockedUntil(store, keys, now);
  if (locked) {
    c.header("Retry-After", String(Math.ceil((locked - now) / 1000)));
    throw new AppError(
      429,
      "too_many_attempts",
      "登录失败次数过多，请稍后再试 / Too many failed sign-ins; try again later",
      { retry_after_seconds: Math.ceil((locked - now) / 1000) },
    );
  }
  const [row] = await store.db
    .select({ user: users, org: organisations })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.org_id))
    .where(eq(users.email, email));
  const valid = await verifyPassword(password, row?.user.password_hash ?? (await decoyHash()));
  if (!row || !valid || row.user.disabled) {
    await store.batch([
      recordFailure(store, keys[0] as string, THROTTLE.accountFailures, now),
      recordFailure(store, keys[1] as string, THROTTLE.addressFailures, now),
    ]);
    throw unauthorized("邮箱或密码不正确 / Wrong email or password");
  }
  const session = await startSession(c, row.user.id);
  // The audit event names the person who just signed in as its actor.
  c.set("actor", { user: row.user, org: row.org, sessionId: session.row.id, sessionExpiresAt: session.row.expires_at });
  await commit(
    c,
    [session.statement, clearFailures(store, keys[0] as string)],
    [{ action: "user.signed_in", subject_type: "user", subject_id: row.user.id }],
  );
  setSessionCookie(c, session.token, session.row.expires_at);
  return c.json(presentMe(row.user, row.org, await vettingViewFor(c.var.store, row.org, row.org), session.row.expires_at), 200);
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
  return c.json(presentMe(actor.user, actor.org, await vettingViewFor(c.var.store, actor.org, actor.org), actor.sessionExpiresAt), 200);
};
