// Login throttling: per account and per client address, failures inside a window lock the key
// for a while. Checked before the (expensive) password hash; counted in one upsert.
import { inArray, sql } from "drizzle-orm";
import { login_throttle } from "../db/schema";
import type { Store } from "../db/store";
import { MINUTE_MS } from "../lib/time";

export const THROTTLE = {
  windowMs: 15 * MINUTE_MS,
  lockMs: 15 * MINUTE_MS,
  accountFailures: 5,
  addressFailures: 20,
} as const;

export const accountKey = (email: string) => `account:${email.toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

/** The instant until which any of the keys is locked, or null if none is. */
export async function lockedUntil(store: Store, keys: string[], now: number): Promise<number | null> {
  const rows = await store.db.select().from(login_throttle).where(inArray(login_throttle.key, keys));
  const until = Math.max(0, ...rows.map((r) => r.locked_until));
  return until > now ? until : null;
}

export function recordFailure(store: Store, key: string, limit: number, now: number) {
  const windowStart = now - THROTTLE.windowMs;
  // In a fresh window the count restarts at 1; the lock is set when the count reaches the limit.
  return store.db
    .insert(login_throttle)
    .values({ key, failures: 1, window_started_at: now, locked_until: limit <= 1 ? now + THROTTLE.lockMs : 0 })
    .onConflictDoUpdate({
      target: login_throttle.key,
      set: {
        failures: sql`CASE WHEN ${login_throttle.window_started_at} < ${windowStart} THEN 1 ELSE ${login_throttle.failures} + 1 END`,
        locked_until: sql`CASE WHEN ${login_throttle.window_started_at} >= ${windowStart} AND ${login_throttle.failures} + 1 >= ${limit} THEN ${now + THROTTLE.lockMs} ELSE ${login_throttle.locked_until} END`,
        window_started_at: sql`CASE WHEN ${login_throttle.window_started_at} < ${windowStart} THEN ${now} ELSE ${login_throttle.window_started_at} END`,
      },
    });
}

export function clearFailures(store: Store, key: string) {
  return store.db.delete(login_throttle).where(inArray(login_throttle.key, [key]));
}
