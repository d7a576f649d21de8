// Webhooks: an organisation's admin registers endpoints; every announced change becomes a signed
// delivery written in the same batch as the change, sent at least once with the same webhook-id,
// retried on the documented schedule, in order per subject, and disabled when the receiver is gone.
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { webhook_deliveries, webhook_endpoints } from "../../src/db/schema";
import { DAY_MS, HOUR_MS } from "../../src/lib/time";
import { deliverDueWebhooks, MAX_ATTEMPTS, RETRY_DELAYS_MS } from "../../src/webhooks/delivery";
import type { WebhookRequest, WebhookResponse } from "../../src/webhooks/sender";
import { booked, bookingScene, computeBody, publish, range } from "../support/bookings";
import { signUpProvider, uniqueSuffix, type SignedIn } from "../support/fixtures";
import { moneyPost } from "../support/programmes";
import { verifyStandardWebhook } from "../support/standard-webhooks";

const { harness, provider, sme } = await bookingScene();
const originalSend = harness.webhooks.send;
afterEach(() => {
  harness.webhooks.send = originalSend;
  harness.webhooks.allowLoopback = true;
});

/** A receiver the test controls: records every attempt and answers as told (an Error: no answer). */
function receiver(answer: (request: WebhookRequest) => WebhookResponse | Error = () => ({ status: 200, retry_after_seconds: null })) {
  const received: WebhookRequest[] = [];
  harness.webhooks.send = async (request) => {
    received.push(request);
    const result = answer(request);
    if (result instanceof Error) throw result;
    return result;
  };
  return received;
}

const url = () => `https://hooks-${uniqueSuffix()}.example.cn/vouchers`;

async function register(owner: SignedIn, body: Record<string, unknown> = {}) {
  const res = await owner.client.post("/api/webhook-endpoints", { url: url(), event_types: ["*"], description: "运维 ops", ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; url: string; secret: string };
}

const run = () => deliverDueWebhooks(harness.store, harness.clock.now, harness.webhooks.send, { random: () => 0.5 });
const deliveriesOf = (endpointId: string) =>
  harness.store.db.select().from(webhook_deliveries).where(eq(webhook_deliveries.endpoint_id, endpointId)).orderBy(webhook_deliveries.event_seq);

async function freshProviderWithEndpoint(body: Record<string, unknown> = {}) {
  const owner = await signUpProvider(harness, { approved: true });
  const endpoint = await register(owner, body);
  const offering = await publish(owner, computeBody({ requires_confirmation: true }));
  return { owner, endpoint, offering };
}

describe(`webhooks on ${harness.driver}`, () => {
  it("registers https endpoints only (http just for loopback in development) and shows the secret once", async () => {
    const created = await register(provider);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await provider.client.get("/api/webhook-endpoints");
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    expect((await provider.client.get(`/api/webhook-endpoints/${created.id}`)).body).not.toHaveProperty("secret");

    for (const bad of ["http://hooks.example.cn/x", "https://10.0.0.8/x", "https://169.254.169.254/latest", "https://user:pw@hooks.example.cn/", "https://[fd00::1]/x", "ftp://hooks.example.cn/"]) {
      const res = await provider.client.post("/api/webhook-endpoints", { url: bad, event_types: ["*"] });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe("invalid_webhook_url");
    }
    expect((await provider.client.post("/api/webhook-endpoints", { url: "http://127.0.0.1:9/hook", event_types: ["*"] })).status).toBe(201);
    harness.webhooks.allowLoopback = false;
    expect((await provider.client.post("/api/webhook-endpoints", { url: "http://127.0.0.1:9/hook", event_types: ["*"] })).status).toBe(400);
    expect((await provider.client.post("/api/webhook-endpoints", { url: "https://localhost/hook", event_types: ["*"] })).status).toBe(400);
  });

  it("an SME's booking reaches the provider's endpoint signed, with the same webhook-id on every attempt", async () => {
    const { owner, endpoint, offering } = await freshProviderWithEndpoint();
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 2, ...range("2026-03-03T10:00", "2026-03-03T12:00") });
    let fail = true;
    const received = receiver((r) => (r.url === endpoint.url && fail ? { status: 503, retry_after_seconds: null } : { status: 200, retry_after_seconds: null }));
    await run();
    harness.clock.now += RETRY_DELAYS_MS[0] * 1.2;
    fail = false;
    await run();
    const mine = received.filter((r) => r.url === endpoint.url);
    expect(mine).toHaveLength(2);
    expect(mine[0]?.headers["webhook-id"]).toBe(mine[1]?.headers["webhook-id"]);
    const body = JSON.parse(mine[1]?.body ?? "{}");
    expect(body).toMatchObject({ id: mine[1]?.headers["webhook-id"], type: "booking.requested", data: { booking_id: booking.id, status: "requested", quantity: 2, subject_type: "booking" } });
    const signedAt = Number(mine[1]?.headers["webhook-timestamp"]);
    expect(await verifyStandardWebhook(endpoint.secret, mine[1]?.headers ?? {}, mine[1]?.body ?? "", signedAt)).toBe(true);
    expect(await verifyStandardWebhook(endpoint.secret, mine[1]?.headers ?? {}, `${mine[1]?.body} `, signedAt)).toBe(false);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2, last_status_code: 200 });
    const detail = await owner.client.get(`/api/webhook-endpoints/${endpoint.id}`);
    expect(detail.body.recent_deliveries[0]).toMatchObject({ type: "booking.requested", status: "delivered", attempts: 2 });
  });

  it("retries a failing receiver at 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then fails the delivery and tells the admins", async () => {
    const { owner, endpoint, offering } = await freshProviderWithEndpoint();
    await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-04T10:00", "2026-03-04T11:00") });
    const received = receiver((r) => (r.url === endpoint.url ? new Error("connection refused") : { status: 200, retry_after_seconds: null }));
    const start = harness.clock.now;
    const attempts: number[] = [];
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await run();
      const [delivery] = await deliveriesOf(endpoint.id);
      if (!delivery || delivery.status !== "pending") break;
      harness.clock.now = delivery.next_attempt_at;
      attempts.push(delivery.next_attempt_at - start);
    }
    const mine = received.filter((r) => r.url === endpoint.url);
    expect(mine).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(mine.map((r) => r.headers["webhook-id"])).size).toBe(1);
    // With jitter fixed at the middle (random 0.5) each wait is exactly the schedule's.
    const waits = attempts.map((at, i) => at - (attempts[i - 1] ?? 0));
    expect(waits).toEqual([...RETRY_DELAYS_MS]);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(delivery?.last_error).toContain("connection refused");
    const inbox = await owner.client.get("/api/notifications");
    expect(inbox.body.items.map((n: { kind: string }) => n.kind)).toContain("webhook.failing");
  });

  it("delivers a booking's events in order: a later one waits while an earlier one is retried", async () => {
    const { endpoint, offering } = await freshProviderWithEndpoint();
    const booking = await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-05T10:00", "2026-03-05T11:00") });
    expect((await moneyPost(sme.client, `/api/bookings/${booking.id}/cancel`, { reason: "改期" })).status).toBe(200);
    let down = true;
    const received = receiver((r) => (r.url === endpoint.url && down ? { status: 500, retry_after_seconds: null } : { status: 200, retry_after_seconds: null }));
    await run();
    await run();
    const types = () => received.filter((r) => r.url === endpoint.url).map((r) => JSON.parse(r.body).type);
    expect(types()).toEqual(["booking.requested"]);
    down = false;
    harness.clock.now += HOUR_MS;
    await run();
    await run();
    expect(types()).toEqual(["booking.requested", "booking.requested", "booking.cancelled"]);
  });

  it("410 Gone disables the endpoint at once; Retry-After is honoured; five days of failures disable it too", async () => {
    const gone = await freshProviderWithEndpoint();
    await booked(sme.client, { offering_id: gone.offering.id, quantity: 1, ...range("2026-03-06T10:00", "2026-03-06T11:00") });
    receiver((r) => (r.url === gone.endpoint.url ? { status: 410, retry_after_seconds: null } : { status: 200, retry_after_seconds: null }));
    await run();
    const [disabled] = await harness.store.db.select().from(webhook_endpoints).where(eq(webhook_endpoints.id, gone.endpoint.id));
    expect(disabled).toMatchObject({ enabled: false });
    expect(disabled?.disabled_reason).toContain("410");

    const slow = await freshProviderWithEndpoint();
    await booked(sme.client, { offering_id: slow.offering.id, quantity: 1, ...range("2026-03-06T12:00", "2026-03-06T13:00") });
    receiver((r) => (r.url === slow.endpoint.url ? { status: 429, retry_after_seconds: 3600 } : { status: 200, retry_after_seconds: null }));
    const before = harness.clock.now;
    await run();
    const [waiting] = await deliveriesOf(slow.endpoint.id);
    expect(waiting?.next_attempt_at).toBe(before + HOUR_MS);

    harness.clock.now = before + 5 * DAY_MS;
    await run();
    const [stopped] = await harness.store.db.select().from(webhook_endpoints).where(eq(webhook_endpoints.id, slow.endpoint.id));
    expect(stopped?.enabled).toBe(false);
    expect(stopped?.disabled_reason).toContain("5");
    const inbox = await slow.owner.client.get("/api/notifications");
    expect(inbox.body.items.filter((n: { kind: string }) => n.kind === "webhook.failing").length).toBeGreaterThanOrEqual(1);
  });

  it("queues nothing for a change that is refused, for event types not chosen, or for a disabled endpoint", async () => {
    const owner = await signUpProvider(harness, { approved: true });
    const picky = await register(owner, { event_types: ["booking.cancelled"] });
    const off = await register(owner);
    expect((await owner.client.patch(`/api/webhook-endpoints/${off.id}`, { enabled: false })).body).toMatchObject({ enabled: false });
    const offering = await publish(owner, computeBody({ capacity_units: 1 }));
    await booked(sme.client, { offering_id: offering.id, quantity: 1, ...range("2026-03-09T10:00", "2026-03-09T11:00") });
    const refused = await moneyPost(sme.client, "/api/bookings", { offering_id: offering.id, quantity: 1, ...range("2026-03-09T10:00", "2026-03-09T11:00") });
    expect(refused.status).toBe(409);
    expect(await deliveriesOf(picky.id)).toEqual([]);
    expect(await deliveriesOf(off.id)).toEqual([]);
  });

  it("ping and replay send at once through the API; another organisation's endpoint is not found", async () => {
    const owner = await signUpProvider(harness, { approved: true });
    const endpoint = await register(owner);
    const received = receiver();
    const ping = await owner.client.post(`/api/webhook-endpoints/${endpoint.id}/ping`, {});
    expect(ping.status, JSON.stringify(ping.body)).toBe(200);
    expect(ping.body).toMatchObject({ type: "webhook.ping", status: "delivered", attempts: 1, last_status_code: 200 });
    const replay = await owner.client.post(`/api/webhook-deliveries/${ping.body.id}/replay`, {});
    expect(replay.body).toMatchObject({ status: "delivered", attempts: 2 });
    const sent = received.filter((r) => r.url === endpoint.url);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.headers["webhook-id"]).toBe(sent[1]?.headers["webhook-id"]);
    expect((await provider.client.get(`/api/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
    expect((await provider.client.post(`/api/webhook-deliveries/${ping.body.id}/replay`, {})).status).toBe(404);
    expect((await sme.client.get(`/api/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });

  it("after a secret rotation deliveries carry both signatures until the overlap ends", async () => {
    const owner = await signUpProvider(harness, { approved: true });
    const endpoint = await register(owner);
    const rotated = await owner.client.post(`/api/webhook-endpoints/${endpoint.id}/rotate-secret`, { overlap_hours: 24 });
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const received = receiver();
    const ping = await owner.client.post(`/api/webhook-endpoints/${endpoint.id}/ping`, {});
    expect(ping.body.status).toBe("delivered");
    const [sent] = received.filter((r) => r.url === endpoint.url);
    const at = Number(sent?.headers["webhook-timestamp"]);
    expect(sent?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(await verifyStandardWebhook(endpoint.secret, sent?.headers ?? {}, sent?.body ?? "", at)).toBe(true);
    expect(await verifyStandardWebhook(rotated.body.secret, sent?.headers ?? {}, sent?.body ?? "", at)).toBe(true);
    harness.clock.now += 25 * HOUR_MS;
    await owner.client.post(`/api/webhook-endpoints/${endpoint.id}/ping`, {});
    const later = received.filter((r) => r.url === endpoint.url)[1];
    expect(later?.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(await verifyStandardWebhook(endpoint.secret, later?.headers ?? {}, later?.body ?? "", Number(later?.headers["webhook-timestamp"]))).toBe(false);
  });

  it("an organisation keeps at most 10 endpoints, even when 15 register at once", async () => {
    const owner = await signUpProvider(harness, { approved: true });
    const results = await Promise.all(Array.from({ length: 15 }, () => owner.client.post("/api/webhook-endpoints", { url: url(), event_types: ["*"] })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "too_many_webhook_endpoints")).toBe(true);
    const [row] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM webhook_endpoints WHERE org_id = ${owner.org.id}`);
    expect(Number(row?.n)).toBe(10);
  });
});
