// The provider's side of issue 12: the timeline (offerings × days), maintenance windows moved,
// removed and recurring, and offering drafts published once the provider is approved.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { blackoutUnchangedGuard, publishedProviderGuard } from "../../src/services/blackouts";
import { createAgency, organisationName, signUpProvider } from "../support/fixtures";
import { MONDAY_8AM, approvedProvider, booked, bookingScene, computeBody, cst, expectRefusal, publish, slotCounters, uniqueModel } from "../support/bookings";

const { harness, agency, provider, sme } = await bookingScene();

const blackoutsOf = (offeringId: string) =>
  harness.store.all<{ id: string; starts_at: number; ends_at: number; reason: string }>(sql`SELECT id, starts_at, ends_at, reason FROM blackouts WHERE offering_id = ${offeringId} ORDER BY starts_at`);

/** Local "MM-DDTHH" of each blocked slot, for readable assertions. */
async function blockedSlots(offeringId: string): Promise<string[]> {
  const slots = await slotCounters(harness, offeringId);
  return slots.filter((s) => s.blocked).map((s) => new Date(s.slot_start_at + 8 * 3_600_000).toISOString().slice(5, 13));
}

describe("the provider timeline", () => {
  it("shows each own offering per day with bookings by the enterprise's name, maintenance and free capacity", async () => {
    const own = await approvedProvider(harness, {}, [agency]);
    const cards = await publish(own, computeBody({ name: "A 昇腾 cards", capacity_units: 8 }));
    const draft = await publish(own, computeBody({ name: "B 草稿 draft", status: "draft" }));
    const booking = await booked(sme.client, { offering_id: cards.id, quantity: 3, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00") });
    await booked(sme.client, { offering_id: cards.id, quantity: 5, starts_at: cst("2026-03-04T10:00"), ends_at: cst("2026-03-04T11:00") });
    expect((await own.client.post(`/api/offerings/${cards.id}/blackouts`, { starts_at: cst("2026-03-05T00:00"), ends_at: cst("2026-03-06T00:00"), reason: "全天检修 All-day maintenance" })).status).toBe(201);
    // Another provider's offering never appears.
    await publish(provider, computeBody({ name: "A 别家 other provider" }));

    const res = await own.client.get("/api/provider-timeline?from=2026-03-02&days=7");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.dates).toEqual(["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]);
    expect(res.body.offerings.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([
      [cards.id, "active"],
      [draft.id, "draft"],
    ]);
    const [row] = res.body.offerings;
    expect(row.days.slice(0, 4)).toEqual([
      expect.objectContaining({ date: "2026-03-02", state: "free", booked_units_max: 0, free_units_min: 8 }),
      expect.objectContaining({ date: "2026-03-03", state: "busy", booked_units_max: 3, free_units_min: 5 }),
      expect.objectContaining({ date: "2026-03-04", state: "busy", booked_units_max: 5, free_units_min: 3 }),
      expect.objectContaining({ date: "2026-03-05", state: "blackout", blackout_slots: 24, bookable_slots: 0, free_units_min: null }),
    ]);
    const smeName = await organisationName(harness, sme.org.id);
    expect(res.body.bookings[0]).toEqual({ id: booking.id, offering_id: cards.id, sme_name: smeName, status: "confirmed", quantity: 3, starts_at: "2026-03-03T10:00:00.000+08:00", ends_at: "2026-03-03T12:00:00.000+08:00" });
    expect(res.body.bookings).toHaveLength(2);
    expect(res.body.blackouts).toEqual([expect.objectContaining({ offering_id: cards.id, reason: "全天检修 All-day maintenance", starts_at: "2026-03-05T00:00:00.000+08:00" })]);
    expect(res.body).toMatchObject({ has_more: false, truncated: false });

    // A full slot shows as full; days outside the weekly hours as closed.
    await booked(sme.client, { offering_id: cards.id, quantity: 8, starts_at: cst("2026-03-06T09:00"), ends_at: cst("2026-03-06T10:00") });
    const hoursOnly = await publish(own, computeBody({ name: "C 工作日 weekdays", weekly_hours: { "1": [[9, 18]] } }));
    const again = await own.client.get("/api/provider-timeline?from=2026-03-02&days=2");
    expect(again.body.offerings.find((o: { id: string }) => o.id === hoursOnly.id).days.map((d: { state: string }) => d.state)).toEqual(["free", "closed"]);
    const friday = await own.client.get("/api/provider-timeline?from=2026-03-06&days=1");
    expect(friday.body.offerings[0].days[0]).toMatchObject({ state: "full", free_units_min: 0, booked_units_max: 8 });
  });

  it("pages offerings and bounds the range; only providers may read it", async () => {
    const own = await approvedProvider(harness, {}, [agency]);
    for (const name of ["P1", "P2", "P3"]) await publish(own, computeBody({ name }));
    const first = await own.client.get("/api/provider-timeline?from=2026-03-02&days=14&limit=2");
    expect(first.body.offerings.map((o: { name: string }) => o.name)).toEqual(["P1", "P2"]);
    expect(first.body.has_more).toBe(true);
    const second = await own.client.get("/api/provider-timeline?from=2026-03-02&days=14&limit=2&offset=2");
    expect(second.body.offerings.map((o: { name: string }) => o.name)).toEqual(["P3"]);
    expect(second.body.has_more).toBe(false);
    expect((await own.client.get("/api/provider-timeline?days=15")).status).toBe(400);
    expect((await own.client.get("/api/provider-timeline?limit=51")).status).toBe(400);
    expect((await own.client.get("/api/provider-timeline?from=tomorrow")).status).toBe(400);
    expect((await sme.client.get("/api/provider-timeline")).status).toBe(403);
    expect((await agency.reviewer.client.get("/api/provider-timeline")).status).toBe(403);
    // Without from: today in Beijing time.
    expect((await own.client.get("/api/provider-timeline")).body.dates[0]).toBe("2026-03-02");
  });
});

describe("changing and removing maintenance windows", () => {
  it("removes a window and its slots become bookable again, except where another window still covers them", async () => {
    const offering = await publish(provider, computeBody());
    const add = (from: string, to: string) => provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst(from), ends_at: cst(to), reason: "检修 Maintenance" });
    const first = await add("2026-03-03T10:00", "2026-03-03T13:00");
    const second = await add("2026-03-03T12:00", "2026-03-03T14:00");
    expect(await blockedSlots(offering.id)).toEqual(["03-03T10", "03-03T11", "03-03T12", "03-03T13"]);

    const removed = await provider.client.call("DELETE", `/api/offerings/${offering.id}/blackouts/${first.body.id}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body).toEqual({ id: first.body.id, removed: true });
    expect(await blockedSlots(offering.id)).toEqual(["03-03T12", "03-03T13"]);
    expect((await blackoutsOf(offering.id)).map((b) => b.id)).toEqual([second.body.id]);
    await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00") });
    // Removed twice: not found; another provider's window: not found.
    expect((await provider.client.call("DELETE", `/api/offerings/${offering.id}/blackouts/${first.body.id}`)).status).toBe(404);
    const stranger = await approvedProvider(harness, {}, [agency]);
    expect((await stranger.client.call("DELETE", `/api/offerings/${offering.id}/blackouts/${second.body.id}`)).status).toBe(404);
    expect(await blockedSlots(offering.id)).toEqual(["03-03T12", "03-03T13"]);
  });

  it("ends a window under way now instead of erasing it, and refuses to touch one that has ended", async () => {
    const offering = await publish(provider, computeBody());
    const window = await provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-02T09:00"), ends_at: cst("2026-03-02T12:00"), reason: "检修 Maintenance" });
    harness.clock.now = Date.parse(cst("2026-03-02T10:30"));
    const ended = await provider.client.call("DELETE", `/api/offerings/${offering.id}/blackouts/${window.body.id}`);
    expect(ended.body).toEqual({ id: window.body.id, removed: false });
    expect(await blackoutsOf(offering.id)).toEqual([expect.objectContaining({ ends_at: Date.parse(cst("2026-03-02T10:30")) })]);
    // 09:00 and 10:00 stay blocked (the window covered them); 11:00 is free again.
    expect(await blockedSlots(offering.id)).toEqual(["03-02T09", "03-02T10"]);
    expectRefusal(await provider.client.call("DELETE", `/api/offerings/${offering.id}/blackouts/${window.body.id}`), 409, "blackout_ended");
    expectRefusal(await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, { reason: "改 changed" }), 409, "blackout_ended");
  });

  it("moves a window: the old slots open, the new ones close, and a move over a booking names it and changes nothing", async () => {
    const offering = await publish(provider, computeBody());
    const window = await provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00"), reason: "检修 Maintenance" });
    const moved = await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, { starts_at: cst("2026-03-04T08:00"), ends_at: cst("2026-03-04T09:00"), reason: "改期 Moved" });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ id: window.body.id, starts_at: "2026-03-04T08:00:00.000+08:00", reason: "改期 Moved", cancelled_bookings: [] });
    expect(await blockedSlots(offering.id)).toEqual(["03-04T08"]);

    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 2, starts_at: cst("2026-03-05T10:00"), ends_at: cst("2026-03-05T12:00") });
    const refused = await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, { starts_at: cst("2026-03-05T11:00"), ends_at: cst("2026-03-05T13:00") });
    expectRefusal(refused, 409, "blackout_over_bookings");
    expect(refused.body.error.details.bookings).toEqual([expect.objectContaining({ id: booking.id, sme_name: await organisationName(harness, sme.org.id), quantity: 2 })]);
    expect(await blockedSlots(offering.id)).toEqual(["03-04T08"]);
    expect((await sme.client.get(`/api/bookings/${booking.id}`)).body.status).toBe("confirmed");

    expectRefusal(await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, { starts_at: cst("2026-03-01T10:00") }), 422, "blackout_in_past");
    expectRefusal(await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, { ends_at: cst("2026-03-04T07:00") }), 422, "empty_window");
    expectRefusal(await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, {}), 422, "nothing_to_change");
  });

  it("with force, a move cancels the bookings in the way and says which", async () => {
    const offering = await publish(provider, computeBody());
    const window = await provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T11:00"), reason: "检修 Maintenance" });
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-03T14:00"), ends_at: cst("2026-03-03T15:00") });
    const res = await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, { ends_at: cst("2026-03-03T16:00"), force: true, notice: "延长检修 Maintenance runs longer" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.cancelled_bookings).toEqual([expect.objectContaining({ id: booking.id })]);
    expect((await sme.client.get(`/api/bookings/${booking.id}`)).body).toMatchObject({ status: "cancelled", status_reason: "延长检修 Maintenance runs longer" });
    expect(await blockedSlots(offering.id)).toEqual(["03-03T10", "03-03T11", "03-03T12", "03-03T13", "03-03T14", "03-03T15"]);
  });

  it("a change racing a removal of the same window: the slots left blocked are exactly the windows left", async () => {
    const offering = await publish(provider, computeBody());
    const window = await provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00"), reason: "检修 Maintenance" });
    const path = `/api/offerings/${offering.id}/blackouts/${window.body.id}`;
    const [move, remove] = await Promise.all([
      provider.client.patch(path, { starts_at: cst("2026-03-04T10:00"), ends_at: cst("2026-03-04T12:00") }),
      provider.client.call("DELETE", path),
    ]);
    expect(remove.status).toBe(200);
    expect([200, 404, 409]).toContain(move.status);
    expect(await blackoutsOf(offering.id)).toEqual([]);
    expect(await blockedSlots(offering.id)).toEqual([]);
  });

  it("a removal planned on a stale read of the window (moved meanwhile) fails in the write and unblocks nothing", async () => {
    const offering = await publish(provider, computeBody());
    const window = await provider.client.post(`/api/offerings/${offering.id}/blackouts`, { starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T12:00"), reason: "检修 Maintenance" });
    const [stale] = await blackoutsOf(offering.id);
    expect((await provider.client.patch(`/api/offerings/${offering.id}/blackouts/${window.body.id}`, { starts_at: cst("2026-03-04T10:00"), ends_at: cst("2026-03-04T12:00") })).status).toBe(200);
    // What a removal read before the move would commit: guard, delete, unblock the old slots.
    await expect(
      harness.store.batch([
        blackoutUnchangedGuard({ ...(stale as { id: string; starts_at: number; ends_at: number }), offering_id: offering.id }, MONDAY_8AM),
        sql`DELETE FROM blackouts WHERE id = ${window.body.id}`,
      ]),
    ).rejects.toThrow(/NOT NULL constraint failed: offerings\.status/);
    expect(await blockedSlots(offering.id)).toEqual(["03-04T10", "03-04T11"]);
    expect(await blackoutsOf(offering.id)).toHaveLength(1);
  });
});

describe("recurring maintenance", () => {
  it("writes one window per matching day, skipping days already past", async () => {
    const offering = await publish(provider, computeBody());
    // Mondays and Wednesdays 02:00–04:00 from Monday 2 March (02:00 already past at 08:00) to 15 March.
    const res = await provider.client.post(`/api/offerings/${offering.id}/blackout-series`, { weekdays: [1, 3], start_hour: 2, end_hour: 4, from_date: "2026-03-02", until_date: "2026-03-15", reason: "例行维护 Routine maintenance" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.blackouts.map((b: { starts_at: string }) => b.starts_at)).toEqual([
      "2026-03-04T02:00:00.000+08:00",
      "2026-03-09T02:00:00.000+08:00",
      "2026-03-11T02:00:00.000+08:00",
    ]);
    expect(await blockedSlots(offering.id)).toEqual(["03-04T02", "03-04T03", "03-09T02", "03-09T03", "03-11T02", "03-11T03"]);
    // Each window is its own: one can be removed alone.
    expect((await provider.client.call("DELETE", `/api/offerings/${offering.id}/blackouts/${res.body.blackouts[1].id}`)).status).toBe(200);
    expect(await blockedSlots(offering.id)).toEqual(["03-04T02", "03-04T03", "03-11T02", "03-11T03"]);
  });

  it("refuses the whole series over a booking, naming it, and writes nothing", async () => {
    const offering = await publish(provider, computeBody());
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-10T03:00"), ends_at: cst("2026-03-10T05:00") });
    const res = await provider.client.post(`/api/offerings/${offering.id}/blackout-series`, { weekdays: [2], start_hour: 2, end_hour: 4, from_date: "2026-03-02", until_date: "2026-03-31", reason: "例行维护 Routine" });
    expectRefusal(res, 409, "blackout_over_bookings");
    expect(res.body.error.details.bookings.map((b: { id: string; sme_name: string }) => [b.id, b.sme_name])).toEqual([[booking.id, await organisationName(harness, sme.org.id)]]);
    expect(await blackoutsOf(offering.id)).toEqual([]);
    expect(await blockedSlots(offering.id)).toEqual([]);
  });

  it("is bounded: more than 20 windows at once, a window that ends before it starts, and the cap on windows still to end", async () => {
    const offering = await publish(provider, computeBody());
    const series = (extra: Record<string, unknown>) => provider.client.post(`/api/offerings/${offering.id}/blackout-series`, { weekdays: [1, 2, 3, 4, 5, 6, 7], start_hour: 1, end_hour: 2, from_date: "2026-03-03", until_date: "2026-03-25", reason: "维护 Maintenance", ...extra });
    expectRefusal(await series({}), 422, "too_many_windows");
    expectRefusal(await series({ start_hour: 5, end_hour: 4 }), 422, "empty_window");
    expectRefusal(await series({ from_date: "2026-03-02", until_date: "2026-03-02" }), 422, "no_windows");
    expect((await series({ until_date: "2026-03-17" })).status).toBe(201);
    // 15 windows still to end; six more pass the 20 per offering: the write's recount refuses them all.
    expectRefusal(await series({ from_date: "2026-03-18", until_date: "2026-03-23" }), 409, "too_many_blackouts");
    expect(await blackoutsOf(offering.id)).toHaveLength(15);
    expect((await series({ from_date: "2026-03-18", until_date: "2026-03-22" })).status).toBe(201);
    expect(await blackoutsOf(offering.id)).toHaveLength(20);
  });
});

describe("offering drafts", () => {
  it("lets a provider awaiting approval save a draft nobody else sees, and refuses to publish it until an agency approves", async () => {
    const pending = await signUpProvider(harness);
    const model = uniqueModel("Ascend 910C");
    const res = await pending.client.post("/api/offerings", computeBody({ status: "draft", accelerator_model: model }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe("draft");
    const draft = res.body;
    expect((await pending.client.get(`/api/offerings/${draft.id}`)).body.status).toBe("draft");
    expect((await sme.client.get(`/api/offerings/${draft.id}`)).status).toBe(404);
    expect((await pending.client.patch(`/api/offerings/${draft.id}`, { unit_price_fen: 2_000 })).body.offering).toMatchObject({ status: "draft", unit_price_fen: 2_000 });

    const refused = await pending.client.patch(`/api/offerings/${draft.id}`, { status: "active" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("草稿");
    expect((await pending.client.get(`/api/offerings/${draft.id}`)).body.status).toBe("draft");

    expect((await agency.reviewer.client.post(`/api/providers/${pending.org.id}/approve`, {})).status).toBe(200);
    // Still a draft after approval: not in the catalogue, not in search, not bookable.
    expect((await sme.client.get(`/api/offerings/${draft.id}`)).status).toBe(404);
    const search = { category: "compute", accelerator_model: model, quantity: 1, duration_hours: 1, earliest_start_at: cst("2026-03-03T09:00"), latest_end_at: cst("2026-03-04T18:00") };
    expect((await sme.client.post("/api/search/capacity", search)).body.options).toEqual([]);
    expect((await sme.client.post("/api/bookings", { offering_id: draft.id, quantity: 1, starts_at: cst("2026-03-03T10:00"), ends_at: cst("2026-03-03T11:00") }, { "Idempotency-Key": `draft-${draft.id}` })).status).toBe(404);

    const published = await pending.client.patch(`/api/offerings/${draft.id}`, { status: "active" });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.offering.status).toBe("active");
    expect((await sme.client.post("/api/search/capacity", search)).body.options.map((o: { offering: { id: string } }) => o.offering.id)).toEqual([draft.id]);
  });

  it("an approved provider may also keep a draft, but a draft cannot be paused and nothing goes back to draft", async () => {
    const draft = await publish(provider, computeBody({ status: "draft" }));
    expectRefusal(await provider.client.patch(`/api/offerings/${draft.id}`, { status: "paused" }), 409, "draft_not_published");
    expect((await provider.client.patch(`/api/offerings/${draft.id}`, { status: "draft" })).status).toBe(400);
    const pendingPublish = await signUpProvider(harness);
    expect((await pendingPublish.client.post("/api/offerings", computeBody({ status: "paused" }))).status).toBe(403);
  });

  it("the publish guard is in the write: activating an unapproved provider's offering fails the batch", async () => {
    const pending = await signUpProvider(harness);
    const draft = (await pending.client.post("/api/offerings", computeBody({ status: "draft" }))).body;
    // The request's own read would refuse first; the statement it commits refuses on its own.
    await expect(
      harness.store.batch([sql`UPDATE offerings SET status = 'active' WHERE id = ${draft.id}`, publishedProviderGuard(draft.id, pending.org.id)]),
    ).rejects.toThrow(/NOT NULL constraint failed: offerings\.status/);
    expect((await pending.client.get(`/api/offerings/${draft.id}`)).body.status).toBe("draft");
    // Approved by another agency: the same statements go through.
    const other = await createAgency(harness);
    expect((await other.reviewer.client.post(`/api/providers/${pending.org.id}/approve`, {})).status).toBe(200);
    await harness.store.batch([sql`UPDATE offerings SET status = 'active' WHERE id = ${draft.id}`, publishedProviderGuard(draft.id, pending.org.id)]);
    expect((await pending.client.get(`/api/offerings/${draft.id}`)).body.status).toBe("active");
  });
});
