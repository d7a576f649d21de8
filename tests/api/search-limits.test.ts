// Issue 7 item 4 on both drivers: caps on what one provider may put in every search's way
// (active offerings, blackouts still to end), per-user rate limits on search and quotes, and a
// search that stops at its row budget and says so, with what it found so far.
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { takeSlotStatement } from "../../src/db/rate-limit";
import { HOUR_MS } from "../../src/lib/time";
import { quoteLimit, QUOTES_PER_MINUTE, searchLimit, SEARCHES_PER_MINUTE } from "../../src/services/read-limits";
import { SEARCH_BUDGET } from "../../src/services/capacity-search";
import { MAX_ACTIVE_OFFERINGS_PER_PROVIDER, MAX_UPCOMING_BLACKOUTS_PER_OFFERING } from "../../src/services/write-limits";
import { signUpSme } from "../support/fixtures";
import { approvedProvider, computeBody, cst, expectRefusal, MONDAY_8AM, publish, uniqueModel } from "../support/bookings";

const harness = await createHarness();

beforeEach(() => {
  harness.clock.now = MONDAY_8AM;
});

const need = (model: string) => ({ category: "compute", accelerator_model: model, quantity: 1, duration_hours: 1, earliest_start_at: cst("2026-03-03T09:00"), latest_end_at: cst("2026-03-04T09:00") });

async function count(statement: ReturnType<typeof sql>): Promise<number> {
  const [row] = await harness.store.all<{ n: number }>(statement);
  return row!.n;
}

/** Copies one offering `copies` times in one statement: the catalogue a provider built up before the cap. */
async function copyOffering(offeringId: string, copies: number) {
  await harness.store.batch([
    sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${copies})
      INSERT INTO offerings (id, provider_org_id, category, name, description, region_code, status, unit, unit_minutes, unit_price_fen, slot_minutes,
        capacity_units, min_duration_units, max_duration_units, lead_time_minutes, cancellation_notice_minutes, requires_confirmation,
        weekly_hours_json, domestic, accelerator_model, cards_per_node, created_at, updated_at)
      SELECT o.id || '_' || n.i, provider_org_id, category, name, description, region_code, status, unit, unit_minutes, unit_price_fen, slot_minutes,
        capacity_units, min_duration_units, max_duration_units, lead_time_minutes, cancellation_notice_minutes, requires_confirmation,
        weekly_hours_json, domestic, accelerator_model, cards_per_node, created_at, updated_at
      FROM offerings o, n WHERE o.id = ${offeringId}`,
  ]);
}

describe("active offerings per provider", () => {
  it(`are capped at ${MAX_ACTIVE_OFFERINGS_PER_PROVIDER}: one more is refused, and a paused one cannot come back until room is made`, async () => {
    const provider = await approvedProvider(harness);
    const first = await publish(provider, computeBody());
    await copyOffering(first.id, MAX_ACTIVE_OFFERINGS_PER_PROVIDER - 2);
    const last = await publish(provider, computeBody());
    const active = sql`SELECT count(*) AS n FROM offerings WHERE provider_org_id = ${provider.org.id} AND status = 'active'`;
    expect(await count(active)).toBe(MAX_ACTIVE_OFFERINGS_PER_PROVIDER);

    expectRefusal(await provider.client.post("/api/offerings", computeBody()), 409, "too_many_offerings");
    expect(await count(active)).toBe(MAX_ACTIVE_OFFERINGS_PER_PROVIDER);

    expect((await provider.client.patch(`/api/offerings/${last.id}`, { status: "paused" })).status).toBe(200);
    const replacement = await publish(provider, computeBody());
    expectRefusal(await provider.client.patch(`/api/offerings/${last.id}`, { status: "active" }), 409, "too_many_offerings");
    expect(await count(sql`SELECT count(*) AS n FROM offerings WHERE id = ${last.id} AND status = 'paused'`)).toBe(1);

    expect((await provider.client.patch(`/api/offerings/${replacement.id}`, { status: "retired" })).status).toBe(200);
    expect((await provider.client.patch(`/api/offerings/${last.id}`, { status: "active" })).status).toBe(200);
    expect(await count(active)).toBe(MAX_ACTIVE_OFFERINGS_PER_PROVIDER);
  });

  it("count per provider: another provider still publishes", async () => {
    const other = await approvedProvider(harness);
    expect((await other.client.post("/api/offerings", computeBody())).status).toBe(201);
  });
});

describe("blackouts still to end", () => {
  it(`are capped at ${MAX_UPCOMING_BLACKOUTS_PER_OFFERING} per offering; one that has ended makes room`, async () => {
    const provider = await approvedProvider(harness);
    const offering = await publish(provider, computeBody());
    const blackout = (day: number) => ({ starts_at: cst(`2026-03-${String(day).padStart(2, "0")}T10:00`), ends_at: cst(`2026-03-${String(day).padStart(2, "0")}T11:00`), reason: "检修 maintenance" });
    for (let day = 3; day < 3 + MAX_UPCOMING_BLACKOUTS_PER_OFFERING; day++) {
      expect((await provider.client.post(`/api/offerings/${offering.id}/blackouts`, blackout(day))).status).toBe(201);
    }
    const blocked = sql`SELECT count(*) AS n FROM slot_usage WHERE offering_id = ${offering.id} AND blocked = 1`;
    expect(await count(blocked)).toBe(MAX_UPCOMING_BLACKOUTS_PER_OFFERING);

    expectRefusal(await provider.client.post(`/api/offerings/${offering.id}/blackouts`, blackout(25)), 409, "too_many_blackouts");
    expect(await count(blocked)).toBe(MAX_UPCOMING_BLACKOUTS_PER_OFFERING);
    expect(await count(sql`SELECT count(*) AS n FROM blackouts WHERE offering_id = ${offering.id}`)).toBe(MAX_UPCOMING_BLACKOUTS_PER_OFFERING);

    // The first blackout (3 March) has ended by noon that day.
    harness.clock.now = Date.parse(cst("2026-03-03T12:00"));
    expect((await provider.client.post(`/api/offerings/${offering.id}/blackouts`, blackout(25))).status).toBe(201);
  });
});

describe("rate limits", () => {

  it(`allow ${SEARCHES_PER_MINUTE} searches a minute per user, then 429 with Retry-After; others and the next minute are unaffected`, async () => {
    const sme = await signUpSme(harness);
    const other = await signUpSme(harness);
    // All but the last of this minute's searches, taken the way a search takes one.
    await harness.store.batch(Array.from({ length: SEARCHES_PER_MINUTE - 1 }, () => takeSlotStatement(harness.store, searchLimit(sme.user.id), harness.clock.now)));
    expect((await sme.client.post("/api/search/capacity", need("H800"))).status).toBe(200);
    const refused = await sme.client.post("/api/search/capacity", need("H800"));
    expectRefusal(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await other.client.post("/api/search/capacity", need("H800"))).status).toBe(200);
    harness.clock.now += 60_000;
    expect((await sme.client.post("/api/search/capacity", need("H800"))).status).toBe(200);
  });

  it(`allow ${QUOTES_PER_MINUTE} quotes a minute per user, then 429`, async () => {
    const provider = await approvedProvider(harness);
    const offering = await publish(provider, computeBody());
    const sme = await signUpSme(harness);
    const quote = { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T09:00"), ends_at: cst("2026-03-03T10:00") };
    await harness.store.batch(Array.from({ length: QUOTES_PER_MINUTE - 1 }, () => takeSlotStatement(harness.store, quoteLimit(sme.user.id), harness.clock.now)));
    expect((await sme.client.post("/api/quotes", quote)).status).toBe(200);
    expectRefusal(await sme.client.post("/api/quotes", quote), 429, "rate_limited");
  });
});

describe("a search at its row budget", () => {
  it("stops, says so, and ranks what it found before it stopped", async () => {
    const model = uniqueModel("Ascend 910B");
    const cheap = await approvedProvider(harness);
    const busy = await publish(cheap, computeBody({ accelerator_model: model, unit_price_fen: 500 }));
    const free = await publish(await approvedProvider(harness), computeBody({ accelerator_model: model, unit_price_fen: 2_000 }));
    // The cheap offering is closed for the first two days (the first round), then has more
    // blackout rows in the next days than one search may read (written past the API's cap).
    const start = Date.parse(cst("2026-03-03T09:00"));
    expect((await cheap.client.post(`/api/offerings/${busy.id}/blackouts`, { starts_at: cst("2026-03-02T09:00"), ends_at: cst("2026-03-05T09:00"), reason: "检修 maintenance" })).status).toBe(201);
    await harness.store.batch([
      sql`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEARCH_BUDGET.rows})
        INSERT INTO blackouts (id, offering_id, starts_at, ends_at, reason, created_at)
        SELECT 'blk_flood' || i, ${busy.id}, ${start + 3 * 24 * HOUR_MS} + (i % 48) * ${HOUR_MS}, ${start + 3 * 24 * HOUR_MS} + (i % 48 + 1) * ${HOUR_MS}, 'flood', ${MONDAY_8AM} FROM n`,
    ]);
    const sme = await signUpSme(harness);
    const res = await sme.client.post("/api/search/capacity", { ...need(model), latest_end_at: cst("2026-03-12T09:00") });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ complete: false, stopped_because: "row_budget", considered_offerings: 2 });
    expect(res.body.options.map((o: any) => [o.offering.id, o.starts_at])).toEqual([[free.id, "2026-03-03T09:00:00.000+08:00"]]);

    // Without the flood the same search is complete and finds both.
    await harness.store.batch([sql`DELETE FROM blackouts WHERE reason = 'flood'`]);
    const again = await sme.client.post("/api/search/capacity", { ...need(model), latest_end_at: cst("2026-03-12T09:00") });
    expect(again.body).toMatchObject({ complete: true, stopped_because: null });
    expect(again.body.options.map((o: any) => o.offering.id)).toEqual([busy.id, free.id]);
  });
});
