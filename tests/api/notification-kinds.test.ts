// The notification kinds beyond bookings: applications, vouchers (issued, revoked, expiring at 30
// and 7 days, expired), requests about to lapse, provider decisions and disputes told to the
// agency. Each is written in the same write as its change (a refused or rolled-back change tells
// nobody), reaches the people it concerns with a link to their page, respects mutes, and the
// sweep's reminders are sent once per subject and threshold however the sweeps overlap.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { commitAs } from "../../src/db/atomic";
import { constraintViolation } from "../../src/db/constraints";
import { notifications, reminders, webhook_deliveries, webhook_events } from "../../src/db/schema";
import { DAY_MS, HOUR_MS } from "../../src/lib/time";
import { sweepExpiredVouchers } from "../../src/services/expiry";
import { commitReminder, planReminders, sendReminders } from "../../src/services/reminders";
import { applicationNews } from "../../src/services/voucher-news";
import { booked, bookingScene, computeBody, cst, expectRefusal, publish, range, voucherMarket } from "../support/bookings";
import type { TestClient } from "../support/client";
import { createAgency, newClient, organisationName, signUpProvider, signUpSme, uniqueSuffix } from "../support/fixtures";
import { createProgramme, issueVoucher, moneyPost } from "../support/programmes";
import { reportUsage } from "../support/usage";

const { harness, agency, provider } = await bookingScene();

interface Item {
  id: string;
  kind: string;
  subject_id: string;
  link: string;
  body_zh: string;
  body_en: string;
  title_zh: string;
}

async function inbox(client: TestClient): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: any } = await client.get(`/api/notifications?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return items;
}

const about = async (client: TestClient, subjectId: string) => (await inbox(client)).filter((n) => n.subject_id === subjectId);
const kindsAbout = async (client: TestClient, subjectId: string) => (await about(client, subjectId)).map((n) => n.kind).sort();

const apply = async (client: TestClient, programmeId: string, requested_fen = 100_000) => {
  const res = await client.post("/api/voucher-applications", { programme_id: programmeId, requested_fen, purpose: "模型训练 Model training" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
};

/** What a person holds about a subject, read from the database (for sweeps run weeks after sign-in). */
async function storedAbout(userId: string, subjectId: string) {
  return harness.store.db.select().from(notifications).where(and(eq(notifications.user_id, userId), eq(notifications.subject_id, subjectId)));
}

async function countAbout(subjectId: string, kind: string): Promise<number> {
  const rows = await harness.store.db.select().from(notifications).where(and(eq(notifications.subject_id, subjectId), eq(notifications.kind, kind)));
  return rows.length;
}

describe(`application and voucher notifications on ${harness.driver}`, () => {
  it("an application tells the agency's deciders; approval tells the enterprise (approved, issued); rejection tells it why", async () => {
    const programme = await createProgramme(harness, agency);
    const sme = await signUpSme(harness);
    const smeName = await organisationName(harness, sme.org.id);
    const application = await apply(sme.client, programme.id, 120_000);

    const told = await about(agency.reviewer.client, application.id);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ kind: "application.submitted", link: `/agency/applications?id=${application.id}`, title_zh: "收到券申请" });
    expect(told[0]?.body_zh).toContain(smeName);
    expect(told[0]?.body_zh).toContain(programme.name);
    expect(told[0]?.body_zh).toContain("¥1,200.00");
    expect(told[0]?.body_en).toContain("applies for a voucher of ¥1,200.00");
    expect(await kindsAbout(agency.admin.client, application.id)).toEqual(["application.submitted"]);
    // Finance and the auditor do not decide applications; the applicant is not told of its own act.
    expect(await kindsAbout(agency.finance.client, application.id)).toEqual([]);
    expect(await kindsAbout(sme.client, application.id)).toEqual([]);

    const approved = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${application.id}/approve`, { approved_fen: 100_000 });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const voucherId = approved.body.voucher.id as string;
    const decision = await about(sme.client, application.id);
    expect(decision.map((n) => n.kind)).toEqual(["application.approved"]);
    expect(decision[0]).toMatchObject({ link: `/my-applications?id=${application.id}` });
    expect(decision[0]?.body_zh).toContain("批准金额 ¥1,000.00");
    const issued = await about(sme.client, voucherId);
    expect(issued.map((n) => n.kind)).toEqual(["voucher.issued"]);
    expect(issued[0]).toMatchObject({ link: `/my-vouchers?id=${voucherId}` });
    expect(issued[0]?.body_en).toContain(programme.name);
    expect(issued[0]?.body_zh).toMatch(/有效期至 \d{4}-\d{2}-\d{2}/);
    // The reviewer who decided is not told of their own decision; the agency is not told of the voucher.
    expect(await kindsAbout(agency.reviewer.client, application.id)).toEqual(["application.submitted"]);
    expect(await kindsAbout(agency.admin.client, voucherId)).toEqual([]);

    const second = await apply(sme.client, programme.id, 50_000);
    const rejected = await agency.reviewer.client.post(`/api/voucher-applications/${second.id}/reject`, { reason: "材料不全 Incomplete papers" });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const refusal = await about(sme.client, second.id);
    expect(refusal.map((n) => n.kind)).toEqual(["application.rejected"]);
    expect(refusal[0]?.body_zh).toContain("材料不全 Incomplete papers");
    expect(refusal[0]?.link).toBe(`/my-applications?id=${second.id}`);
  });

  it("a refused decision tells nobody; of two concurrent approvals the one that rolls back announces nothing", async () => {
    const programme = await createProgramme(harness, agency);
    const sme = await signUpSme(harness);
    const application = await apply(sme.client, programme.id);
    const answers = await Promise.all([
      moneyPost(agency.reviewer.client, `/api/voucher-applications/${application.id}/approve`, {}),
      moneyPost(agency.admin.client, `/api/voucher-applications/${application.id}/approve`, {}),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const voucherId = answers.find((a) => a.status === 200)?.body.voucher.id as string;
    expect(await countAbout(application.id, "application.approved")).toBe(1);
    expect(await countAbout(voucherId, "voucher.issued")).toBe(1);
    expect(await harness.store.db.select().from(notifications).where(eq(notifications.kind, "voucher.issued")).then((rows) => rows.filter((n) => n.org_id === sme.org.id).length)).toBe(1);

    expectRefusal(await agency.reviewer.client.post(`/api/voucher-applications/${application.id}/reject`, { reason: "晚了 Too late" }), 409, "application_decided");
    expect(await countAbout(application.id, "application.rejected")).toBe(0);

    // An announcement in a batch that fails on a guard is rolled back with it.
    const ghost = { ...(await apply(sme.client, programme.id)), programme_id: programme.id, sme_org_id: sme.org.id };
    const statements = await applicationNews(
      { ...ghost, programme_version: 1, applicant_user_id: sme.user.id, requested_fen: 1, purpose: "x", status: "rejected", eligibility_json: "{}", approved_fen: null, decision_reason: "x", decided_by: null, decided_at: null, voucher_id: null, created_at: harness.clock.now },
      "application.rejected",
      agency.org.id,
      null,
      harness.clock.now,
    );
    const failing = sql`INSERT INTO rate_limits (key, window_started_at, window_ends_at, used, allowed) VALUES (${`ghost-${uniqueSuffix()}`}, 0, 1, 2, 1)`;
    const error = await commitAs(harness.store, { at: harness.clock.now, request_id: "ghost", actor_user_id: null, actor_org_id: null }, [...statements, failing], []).catch((e: unknown) => e);
    expect(constraintViolation(error)?.name).toBe("rate_limit_exceeded");
    expect(await countAbout(ghost.id, "application.rejected")).toBe(0);
  });

  it("each person's preferences offer the kinds their kind of organisation receives", async () => {
    const offered = async (client: TestClient) => ((await client.get("/api/notifications/preferences")).body.kinds as { kind: string }[]).map((k) => k.kind);
    const smeKinds = await offered((await signUpSme(harness)).client);
    expect(smeKinds).toEqual(expect.arrayContaining(["application.approved", "voucher.issued", "voucher.expiring", "voucher.expired", "voucher.revoked", "booking.confirmed", "claim.paid"]));
    expect(smeKinds).not.toContain("provider.approved");
    expect(smeKinds).not.toContain("application.submitted");
    const providerKinds = await offered(provider.client);
    expect(providerKinds).toEqual(expect.arrayContaining(["booking.requested", "booking.lapsing", "provider.approved", "provider.rejected", "usage.disputed", "claim.on_notice"]));
    expect(providerKinds).not.toContain("voucher.expiring");
    const agencyKinds = await offered(agency.reviewer.client);
    expect(agencyKinds).toEqual(expect.arrayContaining(["application.submitted", "usage.disputed", "claim.submitted", "claim.objected", "webhook.failing"]));
    expect(agencyKinds).not.toContain("booking.requested");
  });

  it("a person who mutes a kind does not receive it; the others in the organisation still do", async () => {
    const programme = await createProgramme(harness, agency);
    const muted = await agency.admin.client.put("/api/notifications/preferences", { kinds: [{ kind: "application.submitted", enabled: false }] });
    expect(muted.status).toBe(200);
    const application = await apply((await signUpSme(harness)).client, programme.id);
    expect(await kindsAbout(agency.admin.client, application.id)).toEqual([]);
    expect(await kindsAbout(agency.reviewer.client, application.id)).toEqual(["application.submitted"]);
    await agency.admin.client.put("/api/notifications/preferences", { kinds: [{ kind: "application.submitted", enabled: true }] });
  });

  it("revocation tells the enterprise why, once; a revocation refused because a booking is in service tells nobody", async () => {
    const m = await voucherMarket(harness, { agency });
    const offering = await publish(m.provider, computeBody({ capacity_units: 4 }));
    const booking = await booked(m.sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00"), voucher_id: m.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T10:05"));
    expect((await m.provider.client.post(`/api/bookings/${booking.id}/start`, {})).status).toBe(200);
    expectRefusal(await moneyPost(m.agency.admin.client, `/api/vouchers/${m.voucher.id}/revoke`, { reason: "虚假材料 False papers" }), 409, "bookings_in_service");
    expect(await countAbout(m.voucher.id, "voucher.revoked")).toBe(0);

    harness.clock.now = Date.parse(cst("2026-03-03T11:00"));
    await reportUsage(m.provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T11:00", quantity_milli: 1_000 }]);
    expect((await moneyPost(m.provider.client, `/api/bookings/${booking.id}/deliver`, {})).status).toBe(200);
    const revoked = await moneyPost(m.agency.admin.client, `/api/vouchers/${m.voucher.id}/revoke`, { reason: "虚假材料 False papers" });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expectRefusal(await moneyPost(m.agency.admin.client, `/api/vouchers/${m.voucher.id}/revoke`, { reason: "再次 Again" }), 409, "voucher_not_active");
    const told = await about(m.sme.client, m.voucher.id);
    expect(told.filter((n) => n.kind === "voucher.revoked")).toHaveLength(1);
    const revokedNote = told.find((n) => n.kind === "voucher.revoked");
    expect(revokedNote?.body_zh).toContain("虚假材料 False papers");
    expect(revokedNote?.link).toBe(`/my-vouchers?id=${m.voucher.id}`);
    expect(await countAbout(m.voucher.id, "voucher.revoked")).toBe(1);
  });

  it("revoking a voucher with 16 bookings waiting on it ends it in batches that fit, telling both sides of each booking", async () => {
    const m = await voucherMarket(harness, { agency });
    const offering = await publish(m.provider, computeBody({ capacity_units: 1 }));
    const made = [];
    for (let hour = 0; hour < 16; hour++) {
      const day = 3 + Math.floor(hour / 8);
      const h = 9 + (hour % 8);
      const at = (x: number) => `2026-03-0${day}T${String(x).padStart(2, "0")}:00`;
      made.push(await booked(m.sme.client, { offering_id: offering.id, quantity: 1, ...range(at(h), at(h + 1)), voucher_id: m.voucher.id }));
    }
    const revoked = await moneyPost(m.agency.admin.client, `/api/vouchers/${m.voucher.id}/revoke`, { reason: "虚假材料 False papers" });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    for (const b of made) expect(await countAbout(b.id, "booking.cancelled")).toBe(2);
    expect(await countAbout(m.voucher.id, "voucher.revoked")).toBe(1);
  });

  it("the sweep reminds at 30 and at 7 days before expiry, once each, and the expiry write tells the enterprise", async () => {
    const programme = await createProgramme(harness, agency, { rules: { validity: { kind: "days_from_issue", days: 40 } } });
    const sme = await signUpSme(harness);
    const { voucher } = await issueVoucher(agency, sme, programme.id, 100_000);
    const expiresAt = Date.parse(voucher.expires_at);
    const held = () => storedAbout(sme.user.id, voucher.id);
    const kinds = async () => (await held()).map((n) => n.kind).sort();

    await sendReminders(harness.store, harness.clock.now);
    expect(await kinds()).toEqual(["voucher.issued"]);

    harness.clock.now = expiresAt - 30 * DAY_MS + HOUR_MS;
    await sendReminders(harness.store, harness.clock.now);
    await sendReminders(harness.store, harness.clock.now + 60_000);
    expect(await kinds()).toEqual(["voucher.expiring", "voucher.issued"]);
    const first = (await held()).find((n) => n.kind === "voucher.expiring");
    expect(first?.body_zh).toContain("30 天内");
    expect(first?.link).toBe(`/my-vouchers?id=${voucher.id}`);

    harness.clock.now = expiresAt - 7 * DAY_MS + HOUR_MS;
    await sendReminders(harness.store, harness.clock.now);
    await sendReminders(harness.store, harness.clock.now + DAY_MS);
    const expiring = (await held()).filter((n) => n.kind === "voucher.expiring");
    expect(expiring.map((n) => n.body_en).sort()).toEqual([expect.stringContaining("within 30 days"), expect.stringContaining("within 7 days")]);

    harness.clock.now = expiresAt + HOUR_MS;
    const swept = await sweepExpiredVouchers(harness.store, harness.clock.now);
    expect(swept.failed).toEqual([]);
    await sweepExpiredVouchers(harness.store, harness.clock.now + HOUR_MS);
    await sendReminders(harness.store, harness.clock.now);
    expect(await kinds()).toEqual(["voucher.expired", "voucher.expiring", "voucher.expiring", "voucher.issued"]);
    const expired = (await held()).find((n) => n.kind === "voucher.expired");
    expect(expired?.body_zh).toContain("未用余额 ¥1,000.00 退回项目");
    expect(await countAbout(voucher.id, "voucher.expired")).toBe(1);
  });

  it("a voucher with under 7 days left gets only the 7-day reminder; an ended voucher gets none", async () => {
    const programme = await createProgramme(harness, agency, { rules: { validity: { kind: "days_from_issue", days: 5 } } });
    const sme = await signUpSme(harness);
    const { voucher } = await issueVoucher(agency, sme, programme.id, 100_000);
    const other = await issueVoucher(agency, await signUpSme(harness), programme.id, 100_000);
    expect((await moneyPost(agency.admin.client, `/api/vouchers/${other.voucher.id}/revoke`, { reason: "撤销 Revoked" })).status).toBe(200);
    await sendReminders(harness.store, harness.clock.now);
    const expiring = (await about(sme.client, voucher.id)).filter((n) => n.kind === "voucher.expiring");
    expect(expiring.map((n) => n.body_en)).toEqual([expect.stringContaining("within 7 days")]);
    expect(await countAbout(other.voucher.id, "voucher.expiring")).toBe(0);
  });

  it("two sweeps that read the same due reminder remind once, even for a person who unmuted the kind in between", async () => {
    const programme = await createProgramme(harness, agency, { rules: { validity: { kind: "days_from_issue", days: 20 } } });
    const sme = await signUpSme(harness);
    const { voucher } = await issueVoucher(agency, sme, programme.id, 100_000);
    await sme.client.put("/api/notifications/preferences", { kinds: [{ kind: "voucher.expiring", enabled: false }] });

    // Both sweeps read before either writes (forced interleaving).
    const ours = (plans: Awaited<ReturnType<typeof planReminders>>) => plans.find((p) => p.subject_id === voucher.id && p.kind === "voucher.expiring:30");
    const a = ours(await planReminders(harness.store, harness.clock.now));
    const b = ours(await planReminders(harness.store, harness.clock.now));
    expect(a && b).toBeTruthy();
    expect(await commitReminder(harness.store, a!)).toBe(true);
    await sme.client.put("/api/notifications/preferences", { kinds: [{ kind: "voucher.expiring", enabled: true }] });
    expect(await commitReminder(harness.store, b!)).toBe(false);
    await Promise.all([sendReminders(harness.store, harness.clock.now), sendReminders(harness.store, harness.clock.now)]);
    expect(await countAbout(voucher.id, "voucher.expiring")).toBe(0);
    const rows = await harness.store.db.select().from(reminders).where(eq(reminders.subject_id, voucher.id));
    expect(rows.map((r) => r.kind)).toEqual(["voucher.expiring:30"]);

    // Unmuted now: the 7-day reminder arrives once from three overlapping sweeps.
    harness.clock.now += 14 * DAY_MS;
    const reports = await Promise.all([0, 1, 2].map(() => sendReminders(harness.store, harness.clock.now)));
    expect(reports.length).toBe(3);
    expect(await countAbout(voucher.id, "voucher.expiring")).toBe(1);
    expect((await storedAbout(sme.user.id, voucher.id)).find((n) => n.kind === "voucher.expiring")?.body_en).toContain("within 7 days");
  });

  it("the organisation's webhook endpoints get each event once: issued, and a reminder from overlapping sweeps", async () => {
    const programme = await createProgramme(harness, agency, { rules: { validity: { kind: "days_from_issue", days: 20 } } });
    const sme = await signUpSme(harness);
    const register = async (event_types: string[]) => {
      const res = await sme.client.post("/api/webhook-endpoints", { url: `https://hooks-${uniqueSuffix()}.example.cn/in`, event_types, description: "ERP" });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const first = await register(["voucher.issued", "voucher.expiring"]);
    const { voucher } = await issueVoucher(agency, sme, programme.id, 100_000);
    const events = async (type: string) =>
      harness.store.db.select().from(webhook_events).where(and(eq(webhook_events.subject_id, voucher.id), eq(webhook_events.type, type)));
    const deliveries = async (endpointId: string) => harness.store.db.select().from(webhook_deliveries).where(eq(webhook_deliveries.endpoint_id, endpointId));
    expect((await events("voucher.issued")).map((e) => JSON.parse(e.payload_json).data)).toEqual([expect.objectContaining({ voucher_id: voucher.id, face_value_fen: 100_000, link: `/my-vouchers?id=${voucher.id}` })]);

    const ours = (plans: Awaited<ReturnType<typeof planReminders>>) => plans.find((p) => p.subject_id === voucher.id)!;
    const a = ours(await planReminders(harness.store, harness.clock.now));
    const b = ours(await planReminders(harness.store, harness.clock.now));
    expect(await commitReminder(harness.store, a)).toBe(true);
    // An endpoint registered between the two sweeps' writes gets nothing from the second.
    const second = await register(["*"]);
    expect(await commitReminder(harness.store, b)).toBe(false);
    await sendReminders(harness.store, harness.clock.now);
    const expiring = await events("voucher.expiring");
    expect(expiring.map((e) => JSON.parse(e.payload_json).data.days)).toEqual([30]);
    expect((await deliveries(first)).filter((d) => d.event_seq === expiring[0]?.seq)).toHaveLength(1);
    expect(await deliveries(second)).toEqual([]);
  });

  it("a reminder whose batch rolls back leaves neither the notification nor its once-only row, so the next sweep sends it", async () => {
    const programme = await createProgramme(harness, agency, { rules: { validity: { kind: "days_from_issue", days: 3 } } });
    const sme = await signUpSme(harness);
    const { voucher } = await issueVoucher(agency, sme, programme.id, 100_000);
    const planned = (await planReminders(harness.store, harness.clock.now)).find((p) => p.subject_id === voucher.id);
    expect(planned?.kind).toBe("voucher.expiring:7");
    const failing = sql`INSERT INTO rate_limits (key, window_started_at, window_ends_at, used, allowed) VALUES (${`remind-${uniqueSuffix()}`}, 0, 1, 2, 1)`;
    const error = await harness.store.batch([...planned!.statements, failing]).catch((e: unknown) => e);
    expect(constraintViolation(error)?.name).toBe("rate_limit_exceeded");
    expect(await countAbout(voucher.id, "voucher.expiring")).toBe(0);
    expect(await harness.store.db.select().from(reminders).where(eq(reminders.subject_id, voucher.id))).toEqual([]);
    await sendReminders(harness.store, harness.clock.now);
    expect(await countAbout(voucher.id, "voucher.expiring")).toBe(1);
  });
});

describe(`booking, provider and dispute notifications on ${harness.driver}`, () => {
  it("a request within 2 hours of lapsing reminds the provider once; an answered request is not reminded", async () => {
    const offering = await publish(provider, computeBody({ requires_confirmation: true }));
    const sme = await signUpSme(harness);
    const waiting = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-04T10:00", "2026-03-04T11:00") });
    const answered = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-04T12:00", "2026-03-04T13:00") });
    // Requested Monday 08:00: the provider has until Tuesday 08:00.
    await sendReminders(harness.store, harness.clock.now);
    expect(await countAbout(waiting.id, "booking.lapsing")).toBe(0);

    harness.clock.now = Date.parse(cst("2026-03-03T05:30"));
    expect((await provider.client.post(`/api/bookings/${answered.id}/confirm`, {})).status).toBe(200);
    harness.clock.now = Date.parse(cst("2026-03-03T06:30"));
    const plans = (await planReminders(harness.store, harness.clock.now)).filter((p) => p.subject_id === waiting.id);
    await Promise.all([sendReminders(harness.store, harness.clock.now), sendReminders(harness.store, harness.clock.now)]);
    expect(await commitReminder(harness.store, plans[0]!)).toBe(false);
    await sendReminders(harness.store, Date.parse(cst("2026-03-03T07:30")));

    const told = await about(provider.client, waiting.id);
    expect(told.filter((n) => n.kind === "booking.lapsing")).toHaveLength(1);
    const lapsing = told.find((n) => n.kind === "booking.lapsing");
    expect(lapsing).toMatchObject({ link: `/provider/bookings?id=${waiting.id}` });
    expect(lapsing?.body_zh).toContain("2026-03-03 08:00");
    expect(lapsing?.body_zh).toContain(await organisationName(harness, sme.org.id));
    expect(await countAbout(waiting.id, "booking.lapsing")).toBe(1);
    expect(await kindsAbout(sme.client, waiting.id)).toEqual([]);
    expect(await countAbout(answered.id, "booking.lapsing")).toBe(0);
  });

  it("an agency's approval, rejection and suspension tell the provider's people, with the agency's name and reason", async () => {
    const fresh = await signUpProvider(harness);
    const other = await createAgency(harness);
    const agencyName = await organisationName(harness, agency.org.id);
    expect((await agency.reviewer.client.post(`/api/providers/${fresh.org.id}/approve`, {})).status).toBe(200);
    expectRefusal(await agency.reviewer.client.post(`/api/providers/${fresh.org.id}/approve`, {}), 409, "already_decided");
    expect((await other.reviewer.client.post(`/api/providers/${fresh.org.id}/reject`, { reason: "资质不全 Missing licence" })).status).toBe(200);
    expect((await agency.admin.client.post(`/api/providers/${fresh.org.id}/suspend`, { reason: "投诉 Complaints" })).status).toBe(200);

    const told = await about(fresh.client, fresh.org.id);
    expect(told.map((n) => n.kind).sort()).toEqual(["provider.approved", "provider.rejected", "provider.rejected"]);
    const approved = told.find((n) => n.kind === "provider.approved");
    expect(approved?.body_zh).toContain(agencyName);
    expect(approved?.link).toBe("/organisation");
    expect(told.find((n) => n.body_zh.includes("资质不全"))?.body_zh).toContain(await organisationName(harness, other.org.id));
    expect(told.find((n) => n.body_zh.includes("投诉"))?.body_zh).toContain("暂停");
  });

  it("a dispute tells the provider and the programme's deciders at the agency, with the reason", async () => {
    const m = await voucherMarket(harness, { agency });
    const offering = await publish(m.provider, computeBody({ capacity_units: 4 }));
    const booking = await booked(m.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T12:00"), voucher_id: m.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T12:00"));
    await reportUsage(m.provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T12:00", quantity_milli: 4_000 }]);
    expect((await moneyPost(m.provider.client, `/api/bookings/${booking.id}/deliver`, {})).status).toBe(200);
    expect(await countAbout(booking.id, "usage.disputed")).toBe(0);
    expect((await m.sme.client.post(`/api/bookings/${booking.id}/dispute`, { reason: "只用了一半 Used half" })).status).toBe(200);
    expectRefusal(await m.sme.client.post(`/api/bookings/${booking.id}/dispute`, { reason: "再次 Again" }), 409, "not_awaiting_confirmation");

    const toProvider = (await about(m.provider.client, booking.id)).filter((n) => n.kind === "usage.disputed");
    expect(toProvider).toHaveLength(1);
    expect(toProvider[0]?.body_zh).toContain("只用了一半 Used half");
    for (const person of [agency.reviewer, agency.admin]) {
      const told = (await about(person.client, booking.id)).filter((n) => n.kind === "usage.disputed");
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ link: "/agency/disputes" });
      expect(told[0]?.body_zh).toContain(await organisationName(harness, m.provider.org.id));
    }
    expect(await kindsAbout(agency.finance.client, booking.id)).toEqual([]);
    expect(await countAbout(booking.id, "usage.disputed")).toBe(3);
  });
});

describe(`claim notifications on ${harness.driver}`, () => {
  it("submitted, returned, reviewed, on notice, objected and paid each tell the side that acts next; a refused move tells nobody", async () => {
    const m = await voucherMarket(harness, { agency, rules: { notice_days: 5 } });
    const offering = await publish(m.provider, computeBody({ capacity_units: 8 }));
    const booking = await booked(m.sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T15:00"), voucher_id: m.voucher.id });
    harness.clock.now = Date.parse(cst("2026-03-03T15:00"));
    await reportUsage(m.provider.client, [{ booking_id: booking.id, from: "2026-03-03T10:00", to: "2026-03-03T15:00", quantity_milli: 10_000 }]);
    expect((await moneyPost(m.provider.client, `/api/bookings/${booking.id}/deliver`, {})).status).toBe(200);
    expect((await m.sme.client.post(`/api/bookings/${booking.id}/confirm-delivery`, {})).status).toBe(200);
    const claimant = m.provider;
    const providerName = await organisationName(harness, claimant.org.id);

    const created = await claimant.client.post("/api/claims", {
      booking_ids: [booking.id],
      contract_no: `HT-${uniqueSuffix()}`,
      invoice_no: `FP-${uniqueSuffix()}`,
      invoice_amount_fen: 10_000,
      delivery_certificate: "验收合格 Accepted on delivery",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const submitted = (await about(agency.finance.client, id)).find((n) => n.kind === "claim.submitted");
    expect(submitted).toMatchObject({ link: `/claims?id=${id}` });
    expect(submitted?.body_zh).toContain(providerName);
    expect(submitted?.body_zh).toContain(m.programme.name);
    expect(await kindsAbout(claimant.client, id)).toEqual([]);

    expect((await agency.reviewer.client.post(`/api/claims/${id}/review`, { decision: "return", reason: "缺少验收单 Missing acceptance form" })).status).toBe(200);
    const returned = (await about(claimant.client, id)).find((n) => n.kind === "claim.returned");
    expect(returned?.body_zh).toContain("缺少验收单 Missing acceptance form");
    expect((await claimant.client.post(`/api/claims/${id}/resubmit`, { answer: "已补充 Added" })).status).toBe(200);
    expect(await countAbout(id, "claim.submitted")).toBe(2 * 3); // admin, reviewer and finance, twice

    expect((await agency.admin.client.post(`/api/claims/${id}/review`, { decision: "approve" })).status).toBe(200);
    expect(await kindsAbout(agency.finance.client, id)).toContain("claim.approved");
    // Two-person rule: whoever reviewed cannot also approve; the refusal tells nobody.
    expectRefusal(await agency.admin.client.post(`/api/claims/${id}/approve`, {}), 409, "two_person_rule");
    expect(await countAbout(id, "claim.on_notice")).toBe(0);
    expect((await agency.finance.client.post(`/api/claims/${id}/approve`, {})).body.status).toBe("on_notice");
    expect(await kindsAbout(claimant.client, id)).toEqual(["claim.on_notice", "claim.returned"]);

    harness.clock.now = Date.parse(cst("2026-03-05T10:00"));
    const objection = await newClient(harness).post(`/api/notices/${id}/objections`, { name: "张三", contact: "13800000000", reason: "未交付 Not delivered" });
    expect(objection.status).toBe(201);
    expect(await kindsAbout(agency.reviewer.client, id)).toContain("claim.objected");
    expect(await kindsAbout(claimant.client, id)).not.toContain("claim.objected");
    expect((await agency.reviewer.client.post(`/api/claims/${id}/objections/${objection.body.id}/resolve`, { note: "核查属实 Checked" })).status).toBe(200);

    harness.clock.now = Date.parse(cst("2026-03-11T09:00"));
    const payments = await Promise.all([0, 1, 2].map((i) => moneyPost(agency.finance.client, `/api/claims/${id}/pay`, { payment_reference: `BANK-${i}` })));
    expect(payments.filter((p) => p.status === 200)).toHaveLength(1);
    expect(await countAbout(id, "claim.paid")).toBe(1);
    expect((await about(claimant.client, id)).find((n) => n.kind === "claim.paid")?.body_en).toContain(", ¥20.00)");
  });
});
