// Rate limits whose guard lives in the database write (DESIGN §4): taking a slot is one upsert
// on (key, fixed window) that adds 1 to `used`, and the CHECK `used <= allowed` fails the
// statement, and with it the whole batch, for the slot past the limit. Two concurrent requests
// can never both take the last slot, on better-sqlite3 or D1, because no check is read first.
//
// Fixed windows (aligned to multiples of windowMs since the epoch) allow up to twice the limit
// across a window boundary; every limit here is chosen with that in mind. Windows are at most a
// day long, so the sweep may delete every window that ended a day ago.
import { and, eq, inArray, lt, sql, type SQLWrapper } from "drizzle-orm";
import { AppError } from "../lib/errors";
import { DAY_MS } from "../lib/time";
import { constraintViolation } from "./constraints";
import { rate_limits } from "./schema";
import type { Store } from "./store";

export interface RateLimit {
  /** What is limited, e.g. "login:account:a@b.cn" or "signup:address:127.0.0.1". */
  key: string;
  /** Slots in one window. */
  allowed: number;
  /** Window length; at most a day. */
  windowMs: number;
}

export const MAX_WINDOW_MS = DAY_MS;

function windowOf(limit: RateLimit, now: number) {
  if (limit.windowMs <= 0 || limit.windowMs > MAX_WINDOW_MS) throw new Error(`rate-limit window out of range: ${limit.windowMs}`);
  const started = now - (now % limit.windowMs);
  return { started, ends: started + limit.windowMs };
}

/** The statement that takes one slot of `limit`; it fails (CHECK rate_limit_exceeded) when none is left. */
export function takeSlotStatement(store: Store, limit: RateLimit, now: number): SQLWrapper {
  const window = windowOf(limit, now);
  return store.db
    .insert(rate_limits)
    .values({ key: limit.key, window_started_at: window.started, window_ends_at: window.ends, used: 1, allowed: limit.allowed })
    .onConflictDoUpdate({
      target: [rate_limits.key, rate_limits.window_started_at],
      set: { used: sql`${rate_limits.used} + 1` },
    });
}

/** The statement that gives one slot back (e.g. a sign-in that succeeded need not count). */
export function giveBackSlotStatement(store: Store, limit: RateLimit, now: number): SQLWrapper {
  const window = windowOf(limit, now);
  return store.db
    .update(rate_limits)
    .set({ used: sql`max(${rate_limits.used} - 1, 0)` })
    .where(and(eq(rate_limits.key, limit.key), eq(rate_limits.window_started_at, window.started)));
}

export function isRateLimitViolation(error: unknown): boolean {
  return constraintViolation(error)?.name === "rate_limit_exceeded";
}

/**
 * Takes one slot of every limit in one atomic write, or none: when any limit is spent, nothing is
 * taken and the answer is a 429 whose details say when to retry (the end of the spent window).
 */
export async function takeSlots(store: Store, limits: readonly RateLimit[], now: number, message: string): Promise<void> {
  try {
    await store.batch(limits.map((limit) => takeSlotStatement(store, limit, now)));
  } catch (error) {
    if (!isRateLimitViolation(error)) throw error;
    throw await rateLimitedError(store, limits, now, message);
  }
}

/** The 429 for limits of which at least one is spent: retry when the latest spent window ends. */
export async function rateLimitedError(store: Store, limits: readonly RateLimit[], now: number, message: string): Promise<AppError> {
  const rows = await store.db
    .select()
    .from(rate_limits)
    .where(inArray(rate_limits.key, limits.map((l) => l.key)));
  const spent = rows.filter((row) => row.window_ends_at > now && row.used >= row.allowed);
  const retryAt = Math.max(now + 1000, ...spent.map((row) => row.window_ends_at));
  const retry_after_seconds = Math.ceil((retryAt - now) / 1000);
  return new AppError(429, "rate_limited", message, { retry_after_seconds });
}

/** Deletes windows that ended a day or more ago (run by the sweep). */
export async function pruneRateLimits(store: Store, now: number): Promise<void> {
  await store.batch([store.db.delete(rate_limits).where(lt(rate_limits.window_ends_at, now - MAX_WINDOW_MS))]);
}
