// Webhook delivery from the outbox: at least once, the same webhook-id on every attempt, retried
// with backoff and jitter, per endpoint in order per subject (a booking's later event waits while
// an earlier one is still being retried). One function serves the Node loop, the Workers cron and
// tests (which pass their own clock and sender).
import { and, eq, sql, type SQLWrapper } from "drizzle-orm";
import { auditStatement } from "../db/audit";
import { webhook_deliveries, webhook_endpoints, webhook_events } from "../db/schema";
import type { Store } from "../db/store";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../lib/time";
import { announce } from "../services/announce";
import { signedHeaders } from "./signature";
import { WebhookSendError, type WebhookSender } from "./sender";

/** Waits after the first, second, … failed attempt (Svix's schedule); then the delivery fails. */
export const RETRY_DELAYS_MS = [5_000, 5 * MINUTE_MS, 30 * MINUTE_MS, 2 * HOUR_MS, 5 * HOUR_MS, 10 * HOUR_MS, 10 * HOUR_MS] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** An endpoint that has failed without a single success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY_MS;
/** A sender holds a delivery this long; past it another sender may take it over. */
const LEASE_MS = 60_000;
/** Retry-After is honoured up to this long. */
const MAX_RETRY_AFTER_MS = DAY_MS;
export const MAX_DELIVERIES_PER_RUN = 50;

export interface DeliveryOptions {
  limit?: number;
  /** Only this delivery (a ping or a replay answered at once). */
  delivery_id?: string;
  /** 0..1; jitter spreads retries by ±20%. */
  random?: () => number;
}

export interface DeliveryReport {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

interface Due {
  id: string;
  attempts: number;
  endpoint_id: string;
  org_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  failing_since: number | null;
  message_id: string;
  payload_json: string;
}

async function dueDeliveries(store: Store, now: number, limit: number, deliveryId: string | undefined): Promise<Due[]> {
  const only = deliveryId ? sql` AND d.id = ${deliveryId}` : sql``;
  return store.all<Due>(sql`
    SELECT d.id, d.attempts, d.endpoint_id, e.org_id, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at,
           e.failing_since, ev.id AS message_id, ev.payload_json
    FROM webhook_deliveries d
    JOIN webhook_endpoints e ON e.id = d.endpoint_id
    JOIN webhook_events ev ON ev.seq = d.event_seq
    WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND e.enabled = 1
      AND (d.leased_until IS NULL OR d.leased_until < ${now})${only}
      AND NOT EXISTS (
        SELECT 1 FROM webhook_deliveries earlier
        WHERE earlier.endpoint_id = d.endpoint_id AND earlier.subject_id = d.subject_id
          AND earlier.event_seq < d.event_seq AND earlier.status = 'pending')
    ORDER BY d.event_seq
    LIMIT ${limit}`);
}

/** Takes the delivery for this sender; false when another sender took it first. */
async function lease(store: Store, id: string, now: number): Promise<boolean> {
  const [rows] = await store.batch([
    store.db
      .update(webhook_deliveries)
      .set({ leased_until: now + LEASE_MS })
      .where(
        and(
          eq(webhook_deliveries.id, id),
          eq(webhook_deliveries.status, "pending"),
          sql`(${webhook_deliveries.leased_until} IS NULL OR ${webhook_deliveries.leased_until} < ${now})`,
        ),
      )
      .returning({ id: webhook_deliveries.id }),
  ]);
  return (rows?.length ?? 0) === 1;
}

type Outcome =
  | { kind: "delivered"; status: number }
  | { kind: "gone"; status: number }
  | { kind: "failed"; status: number | null; error: string; retry_after_seconds: number | null };

async function attempt(due: Due, now: number, send: WebhookSender): Promise<Outcome & { latency_ms: number }> {
  const secrets = [due.secret];
  if (due.previous_secret && (due.previous_secret_expires_at ?? 0) > now) secrets.push(due.previous_secret);
  const headers = await signedHeaders(secrets, due.message_id, Math.floor(now / 1000), due.payload_json);
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await send({ url: due.url, headers, body: due.payload_json });
    if (response.status >= 200 && response.status < 300) return { kind: "delivered", status: response.status, latency_ms: latency() };
    if (response.status === 410) return { kind: "gone", status: 410, latency_ms: latency() };
    return { kind: "failed", status: response.status, error: `HTTP ${response.status}`, retry_after_seconds: response.retry_after_seconds, latency_ms: latency() };
  } catch (error) {
    const message = error instanceof WebhookSendError ? `${error.code}: ${error.message}` : `network_error: ${String(error)}`;
    return { kind: "failed", status: null, error: message.slice(0, 500), retry_after_seconds: null, latency_ms: latency() };
  }
}

function nextDelay(attemptsMade: number, retryAfterSeconds: number | null, random: () => number): number | null {
  const base = RETRY_DELAYS_MS[attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  const asked = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
  return Math.max(jittered, asked);
}

const systemMeta = (now: number) => ({ at: now, request_id: `webhooks-${now}`, actor_user_id: null, actor_org_id: null });

async function endpointTrouble(due: Due, now: number, body_zh: string, body_en: string, once: string) {
  return announce(
    {
      kind: "webhook.failing",
      subject_type: "webhook_endpoint",
      subject_id: due.endpoint_id,
      link: "/settings/webhooks",
      body_zh,
      body_en,
      to: [{ org_id: due.org_id, roles: ["admin"] }],
      once_key: `webhook.failing:${once}:${due.endpoint_id}`,
      data: { endpoint_id: due.endpoint_id, url: due.url },
    },
    now,
  );
}

async function record(store: Store, due: Due, outcome: Outcome & { latency_ms: number }, now: number, random: () => number): Promise<"delivered" | "retrying" | "failed"> {
  const attempts = due.attempts + 1;
  const common = { attempts, leased_until: null, last_attempt_at: now, last_latency_ms: outcome.latency_ms };
  const delivery = eq(webhook_deliveries.id, due.id);
  const endpoint = eq(webhook_endpoints.id, due.endpoint_id);
  if (outcome.kind === "delivered") {
    await store.batch([
      store.db.update(webhook_deliveries).set({ ...common, status: "delivered", last_status_code: outcome.status, last_error: null }).where(delivery),
      store.db.update(webhook_endpoints).set({ failing_since: null }).where(endpoint),
    ]);
    return "delivered";
  }
  if (outcome.kind === "gone") {
    await store.batch([
      store.db.update(webhook_deliveries).set({ ...common, status: "failed", last_status_code: 410, last_error: "410 Gone: endpoint disabled" }).where(delivery),
      store.db.update(webhook_endpoints).set({ enabled: false, disabled_reason: "接收方回复 410 Gone / The receiver answered 410 Gone", updated_at: now }).where(endpoint),
      auditStatement(store, systemMeta(now), { action: "webhook_endpoint.disabled", subject_type: "webhook_endpoint", subject_id: due.endpoint_id, after: { reason: "410 Gone" } }),
      ...(await endpointTrouble(due, now, `Webhook ${due.url} 回复 410 Gone，已停用`, `Webhook ${due.url} answered 410 Gone and was disabled`, `gone:${now}`)),
    ]);
    return "failed";
  }
  const failingSince = due.failing_since ?? now;
  const delay = nextDelay(attempts, outcome.retry_after_seconds, random);
  const statements: SQLWrapper[] = [
    store.db
      .update(webhook_deliveries)
      .set({
        ...common,
        status: delay === null ? "failed" : "pending",
        next_attempt_at: delay === null ? now : now + delay,
        last_status_code: outcome.status,
        last_error: outcome.error,
      })
      .where(delivery),
    store.db.update(webhook_endpoints).set({ failing_since: failingSince }).where(endpoint),
  ];
  if (delay === null) {
    statements.push(...(await endpointTrouble(due, now, `Webhook ${due.url} 的一次投递在 ${MAX_ATTEMPTS} 次尝试后失败`, `A delivery to ${due.url} failed after ${MAX_ATTEMPTS} attempts`, `exhausted:${due.id}`)));
  }
  if (now - failingSince >= DISABLE_AFTER_FAILING_MS) {
    statements.push(
      store.db.update(webhook_endpoints).set({ enabled: false, disabled_reason: "连续失败超过5天 / Failing for more than 5 days", updated_at: now }).where(endpoint),
      auditStatement(store, systemMeta(now), { action: "webhook_endpoint.disabled", subject_type: "webhook_endpoint", subject_id: due.endpoint_id, after: { reason: "failing for 5 days" } }),
      ...(await endpointTrouble(due, now, `Webhook ${due.url} 连续失败超过5天，已停用`, `Webhook ${due.url} has failed for more than 5 days and was disabled`, `disabled:${failingSince}`)),
    );
  }
  await store.batch(statements);
  return delay === null ? "failed" : "retrying";
}

/** Sends every due delivery (up to `limit`), one attempt each, and records the outcomes. */
export async function deliverDueWebhooks(store: Store, now: number, send: WebhookSender, options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  const random = options.random ?? Math.random;
  const due = await dueDeliveries(store, now, Math.min(options.limit ?? MAX_DELIVERIES_PER_RUN, MAX_DELIVERIES_PER_RUN), options.delivery_id);
  // The query returns only the head of each endpoint's queue per subject, so a later event of a
  // subject is sent in a later run, after the earlier one is delivered or has finally failed.
  for (const delivery of due) {
    if (!(await lease(store, delivery.id, now))) continue;
    const outcome = await attempt(delivery, now, send);
    report.attempted++;
    report[await record(store, delivery, outcome, now, random)]++;
  }
  return report;
}

/** Deletes delivered and failed deliveries, and events with none left, older than `retentionMs`. */
export async function pruneWebhookHistory(store: Store, now: number, retentionMs = 30 * DAY_MS): Promise<void> {
  const before = now - retentionMs;
  await store.batch([
    store.db.delete(webhook_deliveries).where(sql`${webhook_deliveries.status} IN ('delivered', 'failed', 'cancelled') AND ${webhook_deliveries.created_at} < ${before}`),
    store.db
      .delete(webhook_events)
      .where(sql`${webhook_events.created_at} < ${before} AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = ${webhook_events.seq})`),
  ]);
}
