// The rate-limit guard lives in the write (DESIGN §4): many concurrent takers of one window get
// exactly `allowed` slots, on better-sqlite3 and on D1, because nobody reads a count first.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { giveBackSlotStatement, pruneRateLimits, takeSlots, type RateLimit } from "../../src/db/rate-limit";
import { rate_limits } from "../../src/db/schema";
import { AppError } from "../../src/lib/errors";
import { DAY_MS, MINUTE_MS } from "../../src/lib/time";
import { uniqueSuffix } from "../support/fixtures";

const harness = await createHarness();
const { store } = harness;

const limit = (allowed: number): RateLimit => ({ key: `test:${uniqueSuffix()}`, allowed, windowMs: 15 * MINUTE_MS });
const outcome = (promise: Promise<void>) =>
  promise.then(
    () => "taken" as const,
    (error: unknown) => (error instanceof AppError && error.status === 429 ? ("limited" as const) : Promise.reject(error)),
  );

describe(`rate limits on ${harness.driver}`, () => {
  it("120 concurrent takers of a limit of 5 get exactly 5 slots", async () => {
    const five = limit(5);
    const now = harness.clock.now;
    const results = await Promise.all(Array.from({ length: 120 }, () => outcome(takeSlots(store, [five], now, "限 / limited"))));
    expect(results.filter((r) => r === "taken")).toHaveLength(5);
    const [row] = await store.db.select().from(rate_limits).where(eq(rate_limits.key, five.key));
    expect(row?.used).toBe(5);
  });

  it("takes every limit of a request or none, and a refusal says when to retry", async () => {
    const roomy = limit(10);
    const tight = limit(1);
    const now = harness.clock.now;
    await takeSlots(store, [roomy, tight], now, "限 / limited");
    const error = await takeSlots(store, [roomy, tight], now, "限 / limited").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const details = (error as AppError).details as { retry_after_seconds: number };
    expect(details.retry_after_seconds).toBeGreaterThan(0);
    expect(details.retry_after_seconds).toBeLessThanOrEqual(15 * 60);
    const [row] = await store.db.select().from(rate_limits).where(eq(rate_limits.key, roomy.key));
    expect(row?.used, "the refused request took nothing from the roomy limit").toBe(1);
  });

  it("a slot given back can be taken again; the next window starts afresh; old windows are pruned", async () => {
    const one = limit(1);
    const now = harness.clock.now;
    await takeSlots(store, [one], now, "限 / limited");
    await store.batch([giveBackSlotStatement(store, one, now)]);
    await takeSlots(store, [one], now, "限 / limited");
    await expect(takeSlots(store, [one], now, "限 / limited")).rejects.toMatchObject({ status: 429 });
    await takeSlots(store, [one], now + one.windowMs, "限 / limited");
    await pruneRateLimits(store, now + one.windowMs * 2 + DAY_MS);
    const rows = await store.db.select().from(rate_limits).where(eq(rate_limits.key, one.key));
    expect(rows).toHaveLength(0);
  });
});
