// The inbox: each booking move tells the people it concerns, in the same write as the move (a move
// that rolls back tells nobody), unread first with keyset paging, each person's own choice of kinds.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { commitAs } from "../../src/db/atomic";
import { constraintViolation } from "../../src/db/constraints";
import { notifications } from "../../src/db/schema";
import { HOUR_MS } from "../../src/lib/time";
import { announce } from "../../src/services/announce";
import { lapseOverdueBookings } from "../../src/services/booking-lapse";
import { NOTIFICATION_RETENTION_MS, pruneNotifications } from "../../src/services/inbox";
import { book, booked, bookingScene, computeBody, expectRefusal, publish, range } from "../support/bookings";
import { organisationName, signUpSme, uniqueSuffix } from "../support/fixtures";
import type { TestClient } from "../support/client";
import { moneyPost } from "../support/programmes";

const { harness, provider, sme } = await bookingScene();

async function inbox(client: TestClient, query = "") {
  const res = await client.get(`/api/notifications${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: { id: string; kind: string; body_zh: string; body_en: string; link: string; read: boolean; subject_id: string }[]; unread_count: number; next_cursor: string | null };
}

const about = (items: { subject_id: string; kind: string }[], subjectId: string) => items.filter((n) => n.subject_id === subjectId).map((n) => n.kind);

describe(`notifications on ${harness.driver}`, () => {
  it("a booking request tells the provider, with the enterprise's and the offering's names, and raises its unread count", async () => {
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const before = (await provider.client.get("/api/me")).body.unread_notifications as number;
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T12:00") });
    const page = await inbox(provider.client);
    const mine = page.items.filter((n) => n.subject_id === booking.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: "booking.requested", link: `/provider/bookings?id=${booking.id}`, read: false });
    expect(mine[0]?.body_zh).toContain(await organisationName(harness, sme.org.id));
    expect(mine[0]?.body_zh).toContain(offering.name);
    expect(mine[0]?.body_zh).toContain("2026-03-03 10:00");
    expect((await provider.client.get("/api/me")).body.unread_notifications).toBe(before + 1);
    // The person who booked is not told about their own booking.
    expect(about((await inbox(sme.client)).items, booking.id)).toEqual([]);
  });

  it("confirm, start and deliver tell the SME; the SME's cancellation tells the provider", async () => {
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const first = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") });
    expect((await provider.client.post(`/api/bookings/${first.id}/confirm`, {})).status).toBe(200);
    harness.clock.now = Date.parse("2026-03-03T10:05:00+08:00");
    expect((await provider.client.post(`/api/bookings/${first.id}/start`, {})).status).toBe(200);
    expect(about((await inbox(sme.client)).items, first.id).sort()).toEqual(["booking.confirmed", "booking.started"]);

    harness.clock.now = Date.parse("2026-03-02T08:00:00+08:00");
    const second = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T11:00") });
    expect((await moneyPost(sme.client, `/api/bookings/${second.id}/cancel`, { reason: "计划变更" })).status).toBe(200);
    const cancelled = (await inbox(provider.client)).items.find((n) => n.subject_id === second.id && n.kind === "booking.cancelled");
    expect(cancelled?.body_zh).toContain(await organisationName(harness, sme.org.id));
    expect(cancelled?.body_zh).toContain("计划变更");
  });

  it("a booking refused by a guard tells nobody, and a batch that rolls back leaves no notification", async () => {
    const offering = await publish(provider, computeBody({ capacity_units: 1 }));
    await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-04T10:00", "2026-03-04T11:00") });
    const count = (await inbox(provider.client)).unread_count;
    expectRefusal(await book(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-04T10:00", "2026-03-04T11:00") }), 409, "slot_full");
    expect((await inbox(provider.client)).unread_count).toBe(count);

    const subject = `rollback-${uniqueSuffix()}`;
    const statements = await announce(
      { kind: "booking.requested", subject_type: "booking", subject_id: subject, link: "/", body_zh: "测试", body_en: "test", to: [{ org_id: provider.org.id }] },
      harness.clock.now,
    );
    const failing = sql`INSERT INTO rate_limits (key, window_started_at, window_ends_at, used, allowed) VALUES (${subject}, 0, 1, 2, 1)`;
    const error = await commitAs(harness.store, { at: harness.clock.now, request_id: subject, actor_user_id: null, actor_org_id: null }, [...statements, failing], []).catch((e: unknown) => e);
    expect(constraintViolation(error)?.name).toBe("rate_limit_exceeded");
    expect(await harness.store.db.select().from(notifications).where(eq(notifications.subject_id, subject))).toEqual([]);
  });

  it("the lapse sweep tells both sides; a forced cancellation tells the SME why", async () => {
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const waiting = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-06T10:00", "2026-03-06T11:00") });
    harness.clock.now = Date.parse("2026-03-06T09:59:00+08:00");
    await lapseOverdueBookings(harness.store, harness.clock.now);
    expect(about((await inbox(sme.client)).items, waiting.id)).toEqual(["booking.lapsed"]);
    expect(about((await inbox(provider.client)).items, waiting.id)).toContain("booking.lapsed");

    harness.clock.now = Date.parse("2026-03-02T08:00:00+08:00");
    const other = await publish(provider, computeBody({ capacity_units: 2 }));
    const forced = await booked(sme.client, { offering_id: other.id, quantity: 2, ...range("2026-03-07T10:00", "2026-03-07T11:00") });
    const change = await provider.client.patch(`/api/offerings/${other.id}`, { capacity_units: 1, force: true, notice: "设备检修 Maintenance" });
    expect(change.status, JSON.stringify(change.body)).toBe(200);
    const told = (await inbox(sme.client)).items.find((n) => n.subject_id === forced.id);
    expect(told?.kind).toBe("booking.cancelled");
    expect(told?.body_zh).toContain("设备检修");
  });

  it("lists unread first with keyset paging, marks one or all read, and nobody marks another person's", async () => {
    const reader = await signUpSme(harness);
    const subject = `paging-${uniqueSuffix()}`;
    for (let i = 0; i < 5; i++) {
      harness.clock.now += 1000;
      const statements = await announce(
        { kind: "voucher.issued", subject_type: "voucher", subject_id: subject, link: "/my-vouchers", body_zh: `第${i}条`, body_en: `number ${i}`, to: [{ org_id: reader.org.id }] },
        harness.clock.now,
      );
      await harness.store.batch(statements);
    }
    const first = await inbox(reader.client, "?limit=2");
    expect(first.items.map((n) => n.body_en)).toEqual(["number 4", "number 3"]);
    expect(first.unread_count).toBe(5);
    const oldest = (await inbox(reader.client)).items.at(-1);
    const read = await reader.client.post(`/api/notifications/${oldest?.id}/read`, {});
    expect(read.body).toMatchObject({ read: true });
    const stranger = await signUpSme(harness);
    expect((await stranger.client.post(`/api/notifications/${first.items[0]?.id}/read`, {})).status).toBe(404);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await inbox(reader.client, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(...page.items.map((n) => n.body_en));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages).toEqual(["number 4", "number 3", "number 2", "number 1", "number 0"]);
    expect((await reader.client.get("/api/notifications?cursor=not-a-cursor")).status).toBe(400);

    expect((await reader.client.post("/api/notifications/read-all", {})).body).toEqual({ marked: 4 });
    expect((await inbox(reader.client, "?unread_only=true")).items).toEqual([]);
  });

  it("a person who mutes a kind does not receive it; the others in the organisation still do", async () => {
    const offering = await publish(provider, computeBody());
    const muted = await provider.client.put("/api/notifications/preferences", { kinds: [{ kind: "booking.requested", enabled: false }] });
    expect(muted.body.kinds.find((k: { kind: string }) => k.kind === "booking.requested")).toMatchObject({ enabled: false, label_zh: "新的预约请求" });
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-09T10:00", "2026-03-09T11:00") });
    expect(about((await inbox(provider.client)).items, booking.id)).toEqual([]);
    await provider.client.put("/api/notifications/preferences", { kinds: [{ kind: "booking.requested", enabled: true }] });
    const again = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-09T12:00", "2026-03-09T13:00") });
    expect(about((await inbox(provider.client)).items, again.id)).toEqual(["booking.requested"]);
  });

  it("announcing the same once-key twice notifies once; the sweep prunes notifications past retention", async () => {
    const reader = await signUpSme(harness);
    const key = `voucher.expiring:30:${uniqueSuffix()}`;
    for (let i = 0; i < 2; i++) {
      await harness.store.batch(
        await announce({ kind: "voucher.expiring", subject_type: "voucher", subject_id: key, link: "/my-vouchers", body_zh: "30天后到期", body_en: "expires in 30 days", to: [{ org_id: reader.org.id }], once_key: key }, harness.clock.now),
      );
    }
    expect((await inbox(reader.client)).items.filter((n) => n.subject_id === key)).toHaveLength(1);
    await pruneNotifications(harness.store, harness.clock.now + NOTIFICATION_RETENTION_MS + HOUR_MS);
    expect((await inbox(reader.client)).items.filter((n) => n.subject_id === key)).toEqual([]);
  });
});
