import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { organisationName, signUpProvider } from "../support/fixtures";
import {
  approvedProvider,
  booked,
  bookedBySlot,
  bookingScene,
  computeBody,
  cst,
  datasetBody,
  expectRefusal,
  publish,
  slotCounters,
  uniqueModel,
  voucherAvailableFen,
  voucherMarket,
} from "../support/bookings";

const { harness, agency, provider, sme } = await bookingScene();

describe("publishing offerings", () => {
  it("publishes all four categories with their units, and derives slot and unit lengths", async () => {
    const compute = await publish(provider, computeBody({ unit: "node_hour", accelerator_model: "H800", cards_per_node: 8, domestic: false }));
    expect(compute).toMatchObject({ category: "compute", unit: "node_hour", unit_minutes: 60, slot_minutes: 60, cards_per_node: 8, domestic: false, status: "active" });
    const dataset = await publish(provider, datasetBody({ unit: "licence_month" }));
    expect(dataset).toMatchObject({ category: "dataset", unit: "licence_month", unit_minutes: 43_200, slot_minutes: 1440, access_mode: "sandbox", sensitivity_level: "sensitive", domestic: false, accelerator_model: null });
    const simulation = await publish(provider, { category: "simulation", name: "自动驾驶仿真 Driving simulator", unit: "session_hour", unit_price_fen: 20_000, capacity_units: 3 });
    expect(simulation).toMatchObject({ unit: "session_hour", unit_minutes: 60, requires_confirmation: false, weekly_hours: null });
    const service = await publish(provider, { category: "platform_service", name: "模型评测 Model evaluation", unit: "评测批次 batch", unit_minutes: 240, slot_minutes: 60, unit_price_fen: 300_000, capacity_units: 2 });
    expect(service).toMatchObject({ unit: "评测批次 batch", unit_minutes: 240, slot_minutes: 60, region_code: "110108", provider_org_id: provider.org.id });
  });

  it("validates fields by category: compute needs its accelerator facts, datasets a known access mode", async () => {
    const { cards_per_node: _omit, ...noCards } = computeBody();
    const missing = await provider.client.post("/api/offerings", noCards);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues.map((i: { field: string }) => i.field)).toContain("cards_per_node");
    const badMode = await provider.client.post("/api/offerings", datasetBody({ access_mode: "stream" }));
    expect(badMode.status).toBe(400);
    expect(badMode.body.error.message).toContain("access_mode");
    const wrongUnit = await provider.client.post("/api/offerings", datasetBody({ unit: "card_hour" }));
    expect(wrongUnit.status).toBe(400);
  });

  it("refuses a platform unit that is not a whole number of slots, and durations beyond a year", async () => {
    const odd = { category: "platform_service", name: "x", unit: "batch", unit_minutes: 90, slot_minutes: 60, unit_price_fen: 1, capacity_units: 1 };
    expectRefusal(await provider.client.post("/api/offerings", odd), 422, "unit_not_whole_slots");
    expectRefusal(await provider.client.post("/api/offerings", datasetBody({ unit: "licence_month", max_duration_units: 13 })), 422, "duration_bounds");
    expectRefusal(await provider.client.post("/api/offerings", computeBody({ min_duration_units: 5, max_duration_units: 4 })), 422, "duration_bounds");
  });

  it("lets only approved providers publish", async () => {
    const pending = await signUpProvider(harness);
    const res = await pending.client.post("/api/offerings", computeBody());
    expect(res.status).toBe(403);
    expect((await sme.client.post("/api/offerings", computeBody())).status).toBe(403);
  });
});

describe("who sees an offering", () => {
  it("shows approved providers' active offerings to everyone, and hides them when the provider is suspended", async () => {
    const other = await approvedProvider(harness, {}, [agency]);
    const offering = await publish(other, computeBody());
    expect((await sme.client.get(`/api/offerings/${offering.id}`)).body.provider_name).toEqual(expect.any(String));
    const listed = await sme.client.get(`/api/offerings?provider_org_id=${other.org.id}`);
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([offering.id]);

    const suspended = await agency.reviewer.client.post(`/api/providers/${other.org.id}/reject`, { reason: "资质到期 Licence expired" });
    expect(suspended.body.provider_status).toBe("suspended");
    expect((await sme.client.get(`/api/offerings/${offering.id}`)).status).toBe(404);
    expect((await sme.client.get(`/api/offerings?provider_org_id=${other.org.id}`)).body.items).toEqual([]);
    expect((await sme.client.get(`/api/offerings/${offering.id}/availability`)).status).toBe(404);
    // The provider still sees (and can fix) its own offering.
    expect((await other.client.get(`/api/offerings/${offering.id}`)).status).toBe(200);
  });

  it("hides a paused offering from others but not from its provider", async () => {
    const offering = await publish(provider, computeBody());
    const paused = await provider.client.patch(`/api/offerings/${offering.id}`, { status: "paused" });
    expect(paused.status).toBe(200);
    expect((await sme.client.get(`/api/offerings/${offering.id}`)).status).toBe(404);
    expect((await provider.client.get(`/api/offerings/${offering.id}`)).body.status).toBe("paused");
  });

  it("filters by category, words, model (ignoring case, spaces and dashes) and domestic flag, one bounded page at a time", async () => {
    const model = uniqueModel("Kunlun P800");
    const domestic = await publish(provider, computeBody({ accelerator_model: model, name: "昆仑芯 Kunlun cluster", description: "液冷 liquid-cooled" }));
    const imported = await publish(provider, computeBody({ accelerator_model: model, domestic: false }));
    const query = `accelerator_model=${encodeURIComponent(model.toLowerCase().replace(" ", "-"))}`;
    const all = await sme.client.get(`/api/offerings?category=compute&${query}`);
    expect(all.body.items.map((o: { id: string }) => o.id).sort()).toEqual([domestic.id, imported.id].sort());
    const onlyDomestic = await sme.client.get(`/api/offerings?${query}&domestic=true`);
    expect(onlyDomestic.body.items.map((o: { id: string }) => o.id)).toEqual([domestic.id]);
    const words = await sme.client.get(`/api/offerings?${query}&q=${encodeURIComponent("LIQUID")}`);
    expect(words.body.items.map((o: { id: string }) => o.id)).toEqual([domestic.id]);
    const page = await sme.client.get(`/api/offerings?${query}&limit=1`);
    expect(page.body).toMatchObject({ limit: 1, offset: 0, has_more: true });
    expect(page.body.items).toHaveLength(1);
    expect((await sme.client.get(`/api/offerings?limit=101`)).status).toBe(400);
  });
});

describe("availability", () => {
  it("shows free units per hourly slot, with closed hours, lead time and booked units", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 4, lead_time_minutes: 120, weekly_hours: { "1": [[9, 18]] } }));
    await booked(sme.client, { offering_id: offering.id, quantity: 3, starts_at: cst("2026-03-02T11:00"), ends_at: cst("2026-03-02T13:00") });
    const res = await sme.client.get(`/api/offerings/${offering.id}/availability?from=${encodeURIComponent(cst("2026-03-02T08:00"))}&to=${encodeURIComponent(cst("2026-03-02T20:00"))}`);
    expect(res.status).toBe(200);
    const states = Object.fromEntries(res.body.slots.map((s: any) => [s.starts_at.slice(11, 16), [s.state, s.free_units, s.booked_units]]));
    expect(states).toEqual({
      "08:00": ["closed", 0, 0],
      "09:00": ["too_soon", 0, 0],
      "10:00": ["open", 4, 0],
      "11:00": ["open", 1, 3],
      "12:00": ["open", 1, 3],
      "13:00": ["open", 4, 0],
      "14:00": ["open", 4, 0],
      "15:00": ["open", 4, 0],
      "16:00": ["open", 4, 0],
      "17:00": ["open", 4, 0],
      "18:00": ["closed", 0, 0],
      "19:00": ["closed", 0, 0],
    });
    expect(res.body.slots[0]).toMatchObject({ starts_at: "2026-03-02T08:00:00.000+08:00", ends_at: "2026-03-02T09:00:00.000+08:00" });
  });

  it("aligns daily slots to midnight in Asia/Shanghai (16:00 UTC the day before), whatever offset the window is given in", async () => {
    const offering = await publish(provider, datasetBody());
    const res = await sme.client.get(`/api/offerings/${offering.id}/availability?from=2026-03-03T02:00:00Z&to=2026-03-05T00:00:00Z`);
    expect(res.body.slot_minutes).toBe(1440);
    expect(res.body.slots.map((s: any) => s.starts_at)).toEqual([
      "2026-03-03T00:00:00.000+08:00",
      "2026-03-04T00:00:00.000+08:00",
      "2026-03-05T00:00:00.000+08:00",
    ]);
    expect(Date.parse(res.body.slots[0].starts_at)).toBe(Date.parse("2026-03-02T16:00:00Z"));
  });

  it("bounds the window", async () => {
    const offering = await publish(provider, computeBody());
    const path = `/api/offerings/${offering.id}/availability`;
    expectRefusal(await sme.client.get(`${path}?from=2026-03-02T00:00:00Z&to=2026-05-04T00:00:00Z`), 422, "window_too_long");
    expectRefusal(await sme.client.get(`${path}?from=2026-03-02T10:00:00Z&to=2026-03-02T10:00:00Z`), 422, "empty_window");
    expect((await sme.client.get(`${path}?from=yesterday`)).status).toBe(400);
  });
});

describe("blackouts", () => {
  it("blocks the slots a maintenance window touches, so bookings in it are refused", async () => {
    const offering = await publish(provider, computeBody());
    const res = await provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-03T10:30"), ends_at: cst("2026-03-03T12:00"), reason: "电力检修 Power maintenance" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ starts_at: "2026-03-03T10:30:00.000+08:00", cancelled_bookings: [] });
    const slots = await slotCounters(harness, offering.id);
    expect(slots.map((s) => [new Date(s.slot_start_at).toISOString(), s.blocked])).toEqual([
      ["2026-03-03T02:00:00.000Z", 1],
      ["2026-03-03T03:00:00.000Z", 1],
    ]);
    const refused = await sme.client.post("/api/bookings", { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T09:00"), ends_at: cst("2026-03-03T11:00") }, { "Idempotency-Key": `bo-${offering.id}` });
    expectRefusal(refused, 409, "blacked_out");
    expect(refused.body.error.details.slot_start_at).toBe("2026-03-03T10:00:00.000+08:00");
    expect((await sme.client.get(`/api/offerings/${offering.id}`)).body.blackouts).toHaveLength(1);
  });

  it("refuses a blackout over a booking, naming it, and changes nothing", async () => {
    const offering = await publish(provider, computeBody());
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00") });
    const res = await provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-03T11:00"), ends_at: cst("2026-03-03T15:00"), reason: "检修 Maintenance" });
    expectRefusal(res, 409, "blackout_over_bookings");
    expect(res.body.error.details.bookings).toEqual([expect.objectContaining({ id: booking.id, sme_org_id: sme.org.id, sme_name: await organisationName(harness, sme.org.id), quantity: 2, starts_at: "2026-03-03T10:00:00.000+08:00" })]);
    expect((await slotCounters(harness, offering.id)).every((s) => s.blocked === 0)).toBe(true);
    const [{ n }] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM blackouts WHERE offering_id = ${offering.id}`) as [{ n: number }];
    expect(n).toBe(0);
  });

  it("with force, cancels the bookings in the way with notice and voids their holds", async () => {
    const market = await voucherMarket(harness, { agency });
    const offering = await publish(market.provider, computeBody());
    const before = await voucherAvailableFen(harness, market.voucher.id);
    const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-04T10:00"), ends_at: cst("2026-03-04T14:00"), voucher_id: market.voucher.id });
    expect(booking.subsidy_fen).toBe(800);
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(before - 800);

    const res = await market.provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-04T13:00"), ends_at: cst("2026-03-04T16:00"), reason: "检修 Maintenance", force: true, notice: "机房断电检修 Emergency power work" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.cancelled_bookings).toEqual([expect.objectContaining({ id: booking.id, sme_name: await organisationName(harness, market.sme.org.id) })]);
    const after = await market.sme.client.get(`/api/bookings/${booking.id}`);
    expect(after.body).toMatchObject({ status: "cancelled", status_reason: "机房断电检修 Emergency power work" });
    expect(await voucherAvailableFen(harness, market.voucher.id)).toBe(before);
    expect(await bookedBySlot(harness, offering.id)).toEqual({});
    expect((await slotCounters(harness, offering.id)).filter((s) => s.blocked).length).toBe(3);
  });
});

describe("capacity changes", () => {
  async function threeBookings() {
    const offering = await publish(provider, computeBody({ capacity_units: 6 }));
    const first = await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T13:00") });
    harness.clock.now += 1_000;
    const second = await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-03T11:00"), ends_at: cst("2026-03-03T12:00") });
    harness.clock.now += 1_000;
    const third = await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-03T12:00"), ends_at: cst("2026-03-03T14:00") });
    return { offering, first, second, third };
  }

  it("refuses a cut below what a slot holds with the fewest bookings in the way (latest first), and changes nothing", async () => {
    const { offering, second, third } = await threeBookings();
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { capacity_units: 2 });
    expectRefusal(res, 409, "capacity_below_bookings");
    // 11:00 holds 4 (first + second) and 12:00 holds 4 (first + third): bumping the newest two fits 2.
    expect(res.body.error.details.bookings.map((b: { id: string }) => b.id)).toEqual([third.id, second.id]);
    expect(res.body.error.message).toBe("有2个预约（2个已确认）与此变更冲突；可强制执行以取消这些预约，并通知相关企业 / 2 bookings (2 confirmed) are in the way. You may force it, which cancels these bookings and tells the SMEs why");
    expect(res.body.error.details.force).toBe(true);
    expect((await sme.client.get(`/api/offerings/${offering.id}`)).body.capacity_units).toBe(6);
    expect((await slotCounters(harness, offering.id)).every((s) => s.capacity_units === 6)).toBe(true);
  });

  it("accepts a cut down to exactly what is booked, and the counters carry the new capacity", async () => {
    const { offering } = await threeBookings();
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { capacity_units: 4 });
    expect(res.status).toBe(200);
    expect(res.body.cancelled_bookings).toEqual([]);
    expect((await slotCounters(harness, offering.id)).every((s) => s.capacity_units === 4)).toBe(true);
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-03T10:00": 2, "2026-03-03T11:00": 4, "2026-03-03T12:00": 4, "2026-03-03T13:00": 2 });
  });

  it("with force, cancels only the bookings in the way and keeps the rest", async () => {
    const { offering, first, second, third } = await threeBookings();
    const res = await provider.client.patch(`/api/offerings/${offering.id}`, { capacity_units: 3, force: true });
    expect(res.status).toBe(200);
    expect(res.body.cancelled_bookings.map((b: { id: string }) => b.id)).toEqual([third.id, second.id]);
    expect(res.body.offering.capacity_units).toBe(3);
    expect((await sme.client.get(`/api/bookings/${first.id}`)).body.status).toBe("confirmed");
    expect((await sme.client.get(`/api/bookings/${third.id}`)).body).toMatchObject({ status: "cancelled", status_reason: expect.stringContaining("provider") });
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-03T10:00": 2, "2026-03-03T11:00": 2, "2026-03-03T12:00": 2 });
  });

  it("lets a raised capacity take more bookings, in slots already touched and new ones", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 2 }));
    await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T11:00") });
    expect((await provider.client.patch(`/api/offerings/${offering.id}`, { capacity_units: 5 })).status).toBe(200);
    await booked(sme.client, { offering_id: offering.id, quantity: 3, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00") });
    expect(await bookedBySlot(harness, offering.id)).toEqual({ "2026-03-03T10:00": 5, "2026-03-03T11:00": 3 });
  });

  it("refuses fields of another category and changes to a retired offering", async () => {
    const offering = await publish(provider, datasetBody());
    expectRefusal(await provider.client.patch(`/api/offerings/${offering.id}`, { cards_per_node: 8 }), 422, "field_not_for_category");
    expect((await provider.client.patch(`/api/offerings/${offering.id}`, { status: "retired" })).status).toBe(200);
    expectRefusal(await provider.client.patch(`/api/offerings/${offering.id}`, { unit_price_fen: 1 }), 409, "offering_retired");
    const stranger = await approvedProvider(harness);
    expect((await stranger.client.patch(`/api/offerings/${offering.id}`, { name: "mine" })).status).toBe(404);
  });
});
