// Per-user rate limits on the reads that cost the most: capacity search (up to 1,000 offerings
// over a month) and quotes (a booking's full plan, without the write). 60 a minute is one a
// second, far above what a person at the search page or the booking form does, and fixed
// windows let a burst reach at most twice that across a window boundary (src/db/rate-limit.ts).
import { takeSlots, type RateLimit } from "../db/rate-limit";
import type { Store } from "../db/store";
import { MINUTE_MS } from "../lib/time";

export const SEARCHES_PER_MINUTE = 60;
export const QUOTES_PER_MINUTE = 60;

export const searchLimit = (userId: string): RateLimit => ({ key: `search:user:${userId}`, allowed: SEARCHES_PER_MINUTE, windowMs: MINUTE_MS });
export const quoteLimit = (userId: string): RateLimit => ({ key: `quote:user:${userId}`, allowed: QUOTES_PER_MINUTE, windowMs: MINUTE_MS });

export function takeSearchSlot(store: Store, userId: string, now: number): Promise<void> {
  return takeSlots(store, [searchLimit(userId)], now, `搜索过于频繁（每分钟最多${SEARCHES_PER_MINUTE}次），请稍后再试 / Too many searches (at most ${SEARCHES_PER_MINUTE} a minute); try again shortly`);
}

export function takeQuoteSlot(store: Store, userId: string, now: number): Promise<void> {
  return takeSlots(store, [quoteLimit(userId)], now, `报价过于频繁（每分钟最多${QUOTES_PER_MINUTE}次），请稍后再试 / Too many quotes (at most ${QUOTES_PER_MINUTE} a minute); try again shortly`);
}
