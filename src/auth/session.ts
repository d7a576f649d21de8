// Sessions as Lucia's guide describes them: the cookie holds a random token; the database holds
// only SHA-256(token) as the session id, so a leaked table cannot be replayed. Sessions last 30
// days and slide: one used in its second half is extended to a full 30 days again.
import { and, eq, lt, sql } from "drizzle-orm";
import { randomBase32 } from "../lib/ids";
import { sha256Hex } from "../lib/sha256";
import { DAY_MS } from "../lib/time";
import { sessions, users, organisations, type Organisation, type User } from "../db/schema";
import type { Store } from "../db/store";

export const SESSION_COOKIE = "session";
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
export const SESSION_RENEW_WITHIN_MS = 15 * DAY_MS;

export function generateSessionToken(): string {
  return randomBase32(20);
}

export function sessionIdFromToken(token: string): string {
  return sha256Hex(token);
}

export async function sessionInsert(token: string, userId: string, now: number) {
  return {
    id: sessionIdFromToken(token),
    user_id: userId,
    expires_at: now + SESSION_LIFETIME_MS,
    created_at: now,
  };
}

export interface ValidatedSession {
  sessionId: string;
  expiresAt: number;
  renewed: boolean;
  user: User;
  org: Organisation;
}

function prepareSessionRead(store: Store) {
  return store.db
    .select({ session: sessions, user: users, org: organisations })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.user_id))
    .innerJoin(organisations, eq(organisations.id, users.org_id))
    .where(eq(sessions.id, sql.placeholder("id")))
    .prepare();
}

// Every API request reads its session: the query (three tables, every column) is built and
// compiled once per store rather than once per request; only the id is bound each time.
const sessionReads = new WeakMap<Store, ReturnType<typeof prepareSessionRead>>();

/** The session and its user for a token, renewing it when it is in its second half; null if none or expired. */
export async function validateSessionToken(store: Store, token: string, now: number): Promise<ValidatedSession | null> {
  const sessionId = sessionIdFromToken(token);
  let read = sessionReads.get(store);
  if (!read) sessionReads.set(store, (read = prepareSessionRead(store)));
  const rows = await read.all({ id: sessionId });
  const row = rows[0];
  if (!row) return null;
  if (now >= row.session.expires_at || row.user.disabled) {
    await store.batch([store.db.delete(sessions).where(eq(sessions.id, sessionId))]);
    return null;
  }
  let expiresAt = row.session.expires_at;
  const renewed = expiresAt - now < SESSION_RENEW_WITHIN_MS;
  if (renewed) {
    expiresAt = now + SESSION_LIFETIME_MS;
    await store.batch([store.db.update(sessions).set({ expires_at: expiresAt }).where(eq(sessions.id, sessionId))]);
  }
  return { sessionId, expiresAt, renewed, user: row.user, org: row.org };
}

export function invalidateSession(store: Store, sessionId: string) {
  return store.db.delete(sessions).where(eq(sessions.id, sessionId));
}

export function invalidateUserSessions(store: Store, userId: string) {
  return store.db.delete(sessions).where(eq(sessions.user_id, userId));
}

export function deleteExpiredSessions(store: Store, now: number) {
  return store.db.delete(sessions).where(and(lt(sessions.expires_at, now)));
}
