// Sign-in throttling. Every attempt takes its slots in the database BEFORE the password is hashed
// (src/db/rate-limit.ts: one atomic upsert whose CHECK refuses the slot past the limit), so at
// most `allowed` password checks run per key and window whatever the concurrency; a sign-in that
// succeeds gives its slots back, so the owner's good sign-ins never count.
//
// Keys, chosen so that a stranger cannot lock the owner out:
// - (account, address): 5 per 15 minutes and 20 per day: one address guessing one account.
// - address: 20 per 15 minutes: one address spraying many accounts.
// - account: 50 per day from addresses that have not signed into this account in the last day or
//   two: many addresses guessing one account (a botnet) get 50 guesses a day between them. An
//   address the owner signed in from recently is exempt from this one (it still has its own
//   per-(account, address) limit), so a distributed attack cannot keep the owner out either.
import { and, eq, gte } from "drizzle-orm";
import { rate_limits } from "../db/schema";
import { giveBackSlotStatement, takeSlotStatement, takeSlots, type RateLimit } from "../db/rate-limit";
import type { Store } from "../db/store";
import { AppError } from "../lib/errors";
import { DAY_MS, MINUTE_MS } from "../lib/time";
import type { SQLWrapper } from "drizzle-orm";

export const LOGIN_LIMITS = {
  pairPerWindow: { allowed: 5, windowMs: 15 * MINUTE_MS },
  pairPerDay: { allowed: 20, windowMs: DAY_MS },
  addressPerWindow: { allowed: 20, windowMs: 15 * MINUTE_MS },
  accountPerDay: { allowed: 50, windowMs: DAY_MS },
} as const;

/** Marks an (account, address) that signed in; a day-long window, so it is remembered one to two days. */
const KNOWN_ADDRESS = { allowed: 1_000_000, windowMs: DAY_MS } as const;

const account = (email: string) => email.toLowerCase();

export function loginLimits(email: string, address: string, knownAddress: boolean): RateLimit[] {
  const pair = `${account(email)}|${address}`;
  const limits: RateLimit[] = [
    { key: `login:pair15m:${pair}`, ...LOGIN_LIMITS.pairPerWindow },
    { key: `login:pairday:${pair}`, ...LOGIN_LIMITS.pairPerDay },
    { key: `login:address:${address}`, ...LOGIN_LIMITS.addressPerWindow },
  ];
  if (!knownAddress) limits.push({ key: `login:account:${account(email)}`, ...LOGIN_LIMITS.accountPerDay });
  return limits;
}

const knownKey = (email: string, address: string) => `login:known:${account(email)}|${address}`;

/** Whether this address signed into this account recently (this day's window or the last one). */
export async function isKnownAddress(store: Store, email: string, address: string, now: number): Promise<boolean> {
  const rows = await store.db
    .select({ key: rate_limits.key })
    .from(rate_limits)
    .where(and(eq(rate_limits.key, knownKey(email, address)), gte(rate_limits.window_ends_at, now - DAY_MS)))
    .limit(1);
  return rows.length > 0;
}

/** Takes one slot of every limit, or answers 429 with when to retry; nothing is hashed before this. */
export async function takeLoginSlots(
  store: Store,
  limits: readonly RateLimit[],
  now: number,
  message = "登录尝试次数过多，请稍后再试 / Too many sign-in attempts; try again later",
): Promise<void> {
  try {
    await takeSlots(store, limits, now, message);
  } catch (error) {
    if (error instanceof AppError && error.status === 429) {
      throw new AppError(429, "too_many_attempts", error.message, error.details);
    }
    throw error;
  }
}

/** For the success batch: give the attempt's slots back and remember the address as the owner's. */
export function signedInStatements(store: Store, limits: readonly RateLimit[], email: string, address: string, now: number): SQLWrapper[] {
  return [
    ...limits.map((limit) => giveBackSlotStatement(store, limit, now)),
    takeSlotStatement(store, { key: knownKey(email, address), ...KNOWN_ADDRESS }, now),
  ];
}

/**
 * Changing a password checks the current one, so it is throttled like sign-in (its slots taken
 * before the hash, given back on success): per account and address, and per address.
 */
export function passwordChangeLimits(userId: string, address: string): RateLimit[] {
  return [
    { key: `password:pair15m:${userId}|${address}`, ...LOGIN_LIMITS.pairPerWindow },
    { key: `password:pairday:${userId}|${address}`, ...LOGIN_LIMITS.pairPerDay },
    { key: `password:address:${address}`, ...LOGIN_LIMITS.addressPerWindow },
  ];
}

export const RESET_LIMITS = {
  accountPerHour: { allowed: 3, windowMs: 60 * MINUTE_MS },
  addressPerHour: { allowed: 10, windowMs: 60 * MINUTE_MS },
} as const;

/**
 * Reset requests: per address asked about (known or not, so the limit reveals nothing) and per
 * client address; the slots are taken in the batch that stores the link.
 */
export function passwordResetLimits(email: string, address: string): RateLimit[] {
  return [
    { key: `reset:account:${account(email)}`, ...RESET_LIMITS.accountPerHour },
    { key: `reset:address:${address}`, ...RESET_LIMITS.addressPerHour },
  ];
}
