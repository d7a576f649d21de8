// Capacity search against a brute-force answer, on both drivers: a seeded catalogue of offerings
// (cards and nodes, weekly hours, lead times) with slot counters at random fill and blackouts (one
// not on the hour), searched for several needs. For every offering the brute force tries each
// start slot in turn, reading every slot row and blackout; the search must find exactly the
// offerings it finds, at the same earliest start, ranked by co-pay (no vouchers: the gross), then
// start, then id. The search reads obstacles through a covering index with the units wanted per
// offering passed as a JSON object (issue 11); this holds it to the plain meaning of "fits". It
// found that a one-node offering was left out of a search for 8 cards (the quantity bound as REAL).
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { HOUR_MS } from "../../src/lib/time";
import { signUpSme } from "../support/fixtures";
import { approvedProvider, cst, MONDAY_8AM, uniqueModel, voucherMarket } from "../support/bookings";
import type { TestClient } from "../support/client";

const harness = await createHarness();

beforeEach(() => {
  harness.clock.now = MONDAY_8AM;
});

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Seeded {
  id: string;
  node: boolean;
  capacity: number;
  price: number;
  lead_minutes: number;
  office_hours: boolean;
  booked: Map<number, number>;
  blackouts: [number, number][];
}

const WINDOW_FROM = Date.parse(cst("2026-03-03T00:00"));
const WINDOW_TO = Date.parse(cst("2026-03-09T00:00"));
const OFFICE_HOURS = { "1": [[9, 18]], "2": [[9, 18]], "3": [[9, 18]], "4": [[9, 18]], "5": [[9, 18]] };

async function seedCatalogue(model: string, count: number, provider?: { org: { id: string } }, seed = 20_261_202) {
  provider ??= await approvedProvider(harness);
  const next = random(seed);
  const list: Seeded[] = [];
  for (let i = 0; i < count; i++) {
    const node = i % 4 === 0;
    const capacity = node ? 1 + Math.floor(next() * 5) : 4 + Math.floor(next() * 37);
    const o: Seeded = {
      id: `off_eq${i}_${seed % 100}_${model.replace(/\W/g, "").slice(-8)}`,
      node,
      capacity,
      price: 500 + Math.floor(next() * 3_000),
      lead_minutes: i % 5 === 0 ? 1_440 * (1 + Math.floor(next() * 2)) : 0,
      office_hours: i % 3 === 0,
      booked: new Map(),
      blackouts: [],
    };
    // Slot rows: busy stretches at a random fill, somewhere in the window.
    for (let at = WINDOW_FROM; at < WINDOW_TO; at += HOUR_MS) if (next() < 0.45) o.booked.set(at, Math.floor(next() * (capacity + 1)));
    if (i % 7 === 1) {
      const start = WINDOW_FROM + Math.floor(next() * 100) * HOUR_MS;
      o.blackouts.push([start, start + (2 + Math.floor(next() * 30)) * HOUR_MS]);
    }
    if (i % 11 === 2) o.blackouts.push([WINDOW_FROM + 30 * 60_000, WINDOW_FROM + 5 * HOUR_MS + 10 * 60_000]);
    list.push(o);
  }
  const now = MONDAY_8AM;
  const offerings = list.map((o, i) => [o.id, o.node ? "node_hour" : "card_hour", o.price, o.capacity, o.lead_minutes, o.office_hours ? JSON.stringify(OFFICE_HOURS) : null, i % 2]);
  // Blocked slots carry a row too (blocked, nothing booked), as a blackout leaves them; the search reads the blackout instead.
  const slots = list.flatMap((o) => {
    const blocked = new Set<number>();
    for (const [from, to] of o.blackouts) for (let at = from - (from % HOUR_MS); at < to; at += HOUR_MS) blocked.add(at);
    return [
      ...[...o.booked].filter(([at]) => !blocked.has(at)).map(([at, units]) => [o.id, at, units, o.capacity, 0]),
      ...[...blocked].map((at) => [o.id, at, 0, o.capacity, 1]),
    ];
  });
  const blackouts = list.flatMap((o) => o.blackouts.map(([from, to], n) => [`blk_${o.id}_${n}`, o.id, from, to]));
  await harness.store.batch([
    sql`INSERT INTO offerings (id, provider_org_id, category, name, region_code, status, unit, unit_minutes, unit_price_fen, slot_minutes,
        capacity_units, min_duration_units, max_duration_units, lead_time_minutes, cancellation_notice_minutes, requires_confirmation,
        weekly_hours_json, domestic, accelerator_model, cards_per_node, created_at, updated_at)
      SELECT value ->> 0, ${provider.org.id}, 'compute', 'eq ' || (value ->> 0), '110108', 'active', value ->> 1, 60, value ->> 2, 60,
        value ->> 3, 1, 744, value ->> 4, 0, 0, value ->> 5, value ->> 6, ${model}, 8, ${now}, ${now}
      FROM json_each(${JSON.stringify(offerings)})`,
    sql`INSERT INTO slot_usage (offering_id, slot_start_at, booked_units, capacity_units, blocked)
      SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(${JSON.stringify(slots)})`,
    sql`INSERT INTO blackouts (id, offering_id, starts_at, ends_at, reason, created_at)
      SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, 'maintenance', ${now} FROM json_each(${JSON.stringify(blackouts)})`,
  ]);
  return list;
}

function openAt(at: number): boolean {
  const local = new Date(at + 8 * HOUR_MS);
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  return weekday <= 5 && local.getUTCHours() >= 9 && local.getUTCHours() < 18;
}

/** The earliest start of `hours` whole hours with `cards` free on every slot, slot by slot, or null. */
function bruteForce(o: Seeded, cards: number, hours: number, earliest: number, latest: number): { start: number; gross: number } | null {
  const units = o.node ? Math.ceil(cards / 8) : cards;
  if (units > o.capacity) return null;
  const first = Math.ceil(Math.max(earliest, MONDAY_8AM + o.lead_minutes * 60_000) / HOUR_MS) * HOUR_MS;
  const usable = (at: number) =>
    (!o.office_hours || openAt(at)) && !o.blackouts.some(([from, to]) => from < at + HOUR_MS && to > at) && o.capacity - (o.booked.get(at) ?? 0) >= units;
  for (let start = first; start + hours * HOUR_MS <= latest; start += HOUR_MS) {
    let fits = true;
    for (let h = 0; h < hours && fits; h++) fits = usable(start + h * HOUR_MS);
    if (fits) return { start, gross: o.price * units * hours };
  }
  return null;
}

/** A need for compute cards over a window in Beijing time ("2026-03-03T07:30"). */
interface Need {
  quantity: number;
  duration_hours: number;
  earliest: string;
  latest: string;
}

/** POST /api/search/capacity for `need` on accelerators of `model` (without `sort`, in the API's default order). */
function searchFor(client: TestClient, model: string, need: Need, options: { sort?: string; limit: number }) {
  return client.post("/api/search/capacity", {
    category: "compute",
    accelerator_model: model,
    quantity: need.quantity,
    duration_hours: need.duration_hours,
    earliest_start_at: cst(need.earliest),
    latest_end_at: cst(need.latest),
    ...options,
  });
}

describe("capacity search", () => {
  it("finds exactly the offerings a slot-by-slot brute force finds, at the same earliest start, in co-pay order", async () => {
    const model = uniqueModel("Ascend 910B");
    const list = await seedCatalogue(model, 48);
    const sme = await signUpSme(harness);
    const needs = [
      { quantity: 1, duration_hours: 1, earliest: "2026-03-03T00:00", latest: "2026-03-09T00:00" },
      { quantity: 8, duration_hours: 4, earliest: "2026-03-03T07:30", latest: "2026-03-09T00:00" },
      { quantity: 16, duration_hours: 20, earliest: "2026-03-03T00:00", latest: "2026-03-09T00:00" },
      { quantity: 24, duration_hours: 3, earliest: "2026-03-04T10:00", latest: "2026-03-06T12:00" },
      { quantity: 40, duration_hours: 2, earliest: "2026-03-03T00:00", latest: "2026-03-09T00:00" },
    ];
    let found = 0;
    for (const need of needs) {
      const earliest = Date.parse(cst(need.earliest));
      const latest = Date.parse(cst(need.latest));
      const res = await searchFor(sme.client, model, need, { limit: 100 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ considered_offerings: expect.any(Number), complete: true });
      const expected = list
        .flatMap((o) => {
          const fit = bruteForce(o, need.quantity, need.duration_hours, earliest, latest);
          return fit ? [{ id: o.id, ...fit }] : [];
        })
        .sort((a, b) => a.gross - b.gross || a.start - b.start || (a.id < b.id ? -1 : 1));
      const got = (res.body.options as any[]).map((o) => ({ id: o.offering.id, start: Date.parse(o.starts_at), gross: o.gross_fen }));
      expect(got, JSON.stringify(need)).toEqual(expected);
      found += got.length;
    }
    // The seed is not degenerate: most needs find some offerings and miss others.
    expect(found).toBeGreaterThan(40);
    expect(found).toBeLessThan(needs.length * list.length);
  });

  it("ranks a subsidised SME's first options exactly as pricing every option would, at every limit and both sorts", async () => {
    // The search prices only the options that can still reach the first `limit` (a lower bound on
    // each co-pay); with limit 100 and fewer options than that it prices all of them. Vouchers,
    // a domestic tier, full coverage below a threshold, a balance that binds on large bookings,
    // and a provider the voucher's agency has not approved (no subsidy there) make the co-pay
    // order differ from the gross order.
    const market = await voucherMarket(harness, {
      rules: { subsidy_ratio_bp: 2_000, tiers: [{ kind: "domestic_compute", name: "国产算力", ratio_bp: 6_000 }], full_coverage_threshold_fen: 9_000 },
      face_fen: 60_000,
    });
    const model = uniqueModel("Ascend 910B");
    await seedCatalogue(model, 30, market.provider, 7);
    await seedCatalogue(model, 30, await approvedProvider(harness), 11);
    const needs = [
      { quantity: 1, duration_hours: 2, earliest: "2026-03-03T00:00", latest: "2026-03-09T00:00" },
      { quantity: 8, duration_hours: 4, earliest: "2026-03-03T07:30", latest: "2026-03-09T00:00" },
      { quantity: 2, duration_hours: 1, earliest: "2026-03-04T10:00", latest: "2026-03-06T12:00" },
    ];
    const search = (need: Need, sort: string, limit: number) => searchFor(market.sme.client, model, need, { sort, limit });
    const reasons = new Set<string>();
    let compared = 0;
    for (const need of needs) {
      for (const sort of ["cheapest", "earliest"]) {
        const all = await search(need, sort, 100);
        expect(all.status).toBe(200);
        const options = all.body.options as any[];
        expect(options.length, JSON.stringify(need)).toBeGreaterThan(10);
        expect(options.length).toBeLessThan(100);
        for (const o of options) reasons.add(o.subsidy ? `${o.subsidy.binding_limit}${o.subsidy.full_coverage ? " full" : ""}${o.subsidy.tier ? " tier" : ""}` : "none");
        for (const limit of [1, 2, 3, 5, 8, 13]) {
          const some = await search(need, sort, limit);
          expect(some.status).toBe(200);
          expect(some.body.options, `${sort} ${limit} ${JSON.stringify(need)}`).toEqual(options.slice(0, limit));
          compared++;
        }
      }
    }
    // Not degenerate: subsidies decided by the ratio, the tier, full coverage and the balance, and options with none.
    expect([...reasons].sort()).toEqual(expect.arrayContaining(["none", "ratio", "ratio full", "ratio tier", "voucher_balance tier"]));
    expect(compared).toBe(36);
  });
});
