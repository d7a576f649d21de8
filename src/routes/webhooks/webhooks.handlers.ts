import type { RouteHandler } from "@hono/zod-openapi";
import { and, desc, eq, sql } from "drizzle-orm";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { webhook_deliveries, webhook_endpoints, webhook_events, type WebhookDelivery, type WebhookEndpoint } from "../../db/schema";
import type { Store } from "../../db/store";
import type { NotificationKind } from "../../domain/notification-kinds";
import type { AppEnv } from "../../lib/context";
import { badRequest, conflict, notFound } from "../../lib/errors";
import { newId, randomBase32 } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { HOUR_MS, toIso } from "../../lib/time";
import { deliverDueWebhooks } from "../../webhooks/delivery";
import { urlProblem } from "../../webhooks/sender";
import { newWebhookSecret } from "../../webhooks/signature";
import type * as routes from "./webhooks.routes";

export const MAX_ENDPOINTS_PER_ORGANISATION = 10;
const NOT_FOUND = ["Webhook 端点", "Webhook endpoint"] as const;

function presentEndpoint(row: WebhookEndpoint, now: number) {
  const rotating = row.previous_secret && (row.previous_secret_expires_at ?? 0) > now ? row.previous_secret_expires_at : null;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: JSON.parse(row.event_types_json) as (NotificationKind | "*")[],
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since === null ? null : toIso(row.failing_since),
    secret_rotating_until: rotating ? toIso(rotating) : null,
    created_at: toIso(row.created_at),
  };
}

function presentDelivery(row: WebhookDelivery & { event_id: string; type: string }) {
  return {
    id: row.id,
    event_id: row.event_id,
    type: row.type,
    subject_id: row.subject_id,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === "pending" ? toIso(row.next_attempt_at) : null,
    last_attempt_at: row.last_attempt_at === null ? null : toIso(row.last_attempt_at),
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    last_latency_ms: row.last_latency_ms,
    created_at: toIso(row.created_at),
  };
}

const deliveryColumns = { delivery: webhook_deliveries, event_id: webhook_events.id, type: webhook_events.type };

async function readDeliveries(store: Store, where: ReturnType<typeof eq>, limit: number) {
  const rows = await store.db
    .select(deliveryColumns)
    .from(webhook_deliveries)
    .innerJoin(webhook_events, eq(webhook_events.seq, webhook_deliveries.event_seq))
    .where(where)
    .orderBy(desc(webhook_deliveries.event_seq))
    .limit(limit);
  return rows.map((r) => presentDelivery({ ...r.delivery, event_id: r.event_id, type: r.type }));
}

/** The caller's organisation's endpoint; anyone else's is 404. */
async function ownEndpoint(store: Store, orgId: string, id: string): Promise<WebhookEndpoint> {
  const [row] = await store.db
    .select()
    .from(webhook_endpoints)
    .where(and(eq(webhook_endpoints.id, id), eq(webhook_endpoints.org_id, orgId)));
  if (!row) throw notFound(...NOT_FOUND);
  return row;
}

function checkUrl(url: string, allowLoopback: boolean) {
  const problem = urlProblem(url, allowLoopback);
  if (problem) throw badRequest("invalid_webhook_url", problem, { issues: [{ field: "url", message: problem, code: "custom" }] });
}

const auditView = (row: WebhookEndpoint) => ({ url: row.url, description: row.description, event_types_json: row.event_types_json, enabled: row.enabled });

export const listEndpoints: RouteHandler<typeof routes.listEndpoints, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const rows = await c.var.store.db
    .select()
    .from(webhook_endpoints)
    .where(eq(webhook_endpoints.org_id, actor.org.id))
    .orderBy(webhook_endpoints.created_at)
    .limit(MAX_ENDPOINTS_PER_ORGANISATION);
  return c.json({ items: rows.map((row) => presentEndpoint(row, c.var.now())) }, 200);
};

export const createEndpoint: RouteHandler<typeof routes.createEndpoint, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const body = c.req.valid("json");
  checkUrl(body.url, c.var.webhooks.allowLoopback);
  const now = c.var.now();
  const row: WebhookEndpoint = {
    id: newId("whe"),
    org_id: actor.org.id,
    url: body.url,
    description: body.description ?? "",
    event_types_json: JSON.stringify([...new Set(body.event_types)]),
    secret: newWebhookSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    enabled: true,
    disabled_reason: null,
    failing_since: null,
    created_by: actor.user.id,
    created_at: now,
    updated_at: now,
  };
  const store = c.var.store;
  // The limit is a guard in the insert: created_by becomes NULL (refused) when the organisation
  // already has the most endpoints it may, so two concurrent registrations cannot both pass.
  const insert = sql`INSERT INTO webhook_endpoints
      (id, org_id, url, description, event_types_json, secret, enabled, created_by, created_at, updated_at)
    VALUES (${row.id}, ${row.org_id}, ${row.url}, ${row.description}, ${row.event_types_json}, ${row.secret}, 1,
      CASE WHEN (SELECT count(*) FROM webhook_endpoints WHERE org_id = ${row.org_id}) < ${MAX_ENDPOINTS_PER_ORGANISATION}
        THEN ${row.created_by} ELSE NULL END,
      ${now}, ${now})`;
  try {
    await commit(c, [insert], [{ action: "webhook_endpoint.created", subject_type: "webhook_endpoint", subject_id: row.id, after: auditView(row) }]);
  } catch (error) {
    if (constraintViolation(error)?.name === "webhook_endpoints.created_by") {
      throw conflict("too_many_webhook_endpoints", `每个组织最多 ${MAX_ENDPOINTS_PER_ORGANISATION} 个 Webhook 端点 / At most ${MAX_ENDPOINTS_PER_ORGANISATION} webhook endpoints per organisation`);
    }
    throw error;
  }
  return c.json({ ...presentEndpoint(row, now), secret: row.secret }, 201);
};

export const getEndpoint: RouteHandler<typeof routes.getEndpoint, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const store = c.var.store;
  const row = await ownEndpoint(store, actor.org.id, c.req.valid("param").id);
  const recent_deliveries = await readDeliveries(store, eq(webhook_deliveries.endpoint_id, row.id), 50);
  return c.json({ ...presentEndpoint(row, c.var.now()), recent_deliveries }, 200);
};

export const updateEndpoint: RouteHandler<typeof routes.updateEndpoint, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const store = c.var.store;
  const before = await ownEndpoint(store, actor.org.id, c.req.valid("param").id);
  const body = c.req.valid("json");
  if (body.url !== undefined) checkUrl(body.url, c.var.webhooks.allowLoopback);
  const now = c.var.now();
  const after: WebhookEndpoint = {
    ...before,
    url: body.url ?? before.url,
    description: body.description ?? before.description,
    event_types_json: body.event_types ? JSON.stringify([...new Set(body.event_types)]) : before.event_types_json,
    enabled: body.enabled ?? before.enabled,
    // Enabling again starts afresh: the failure clock and the reason are cleared.
    disabled_reason: body.enabled === true ? null : body.enabled === false ? "由管理员停用 / Disabled by an administrator" : before.disabled_reason,
    failing_since: body.enabled === true ? null : before.failing_since,
    updated_at: now,
  };
  await commit(
    c,
    [store.db.update(webhook_endpoints).set(after).where(eq(webhook_endpoints.id, before.id))],
    [{ action: "webhook_endpoint.changed", subject_type: "webhook_endpoint", subject_id: before.id, before: auditView(before), after: auditView(after) }],
  );
  return c.json(presentEndpoint(after, now), 200);
};

export const rotateSecret: RouteHandler<typeof routes.rotateSecret, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const store = c.var.store;
  const before = await ownEndpoint(store, actor.org.id, c.req.valid("param").id);
  const { overlap_hours } = c.req.valid("json");
  const now = c.var.now();
  const after: WebhookEndpoint = {
    ...before,
    secret: newWebhookSecret(),
    previous_secret: overlap_hours > 0 ? before.secret : null,
    previous_secret_expires_at: overlap_hours > 0 ? now + overlap_hours * HOUR_MS : null,
    updated_at: now,
  };
  await commit(
    c,
    [store.db.update(webhook_endpoints).set(after).where(eq(webhook_endpoints.id, before.id))],
    [{ action: "webhook_endpoint.secret_rotated", subject_type: "webhook_endpoint", subject_id: before.id, after: { overlap_hours } }],
  );
  return c.json({ ...presentEndpoint(after, now), secret: after.secret }, 200);
};

async function deliverNow(c: Parameters<RouteHandler<typeof routes.pingEndpoint, AppEnv>>[0], deliveryId: string) {
  const store = c.var.store;
  await deliverDueWebhooks(store, c.var.now(), c.var.webhooks.send, { delivery_id: deliveryId });
  const [delivery] = await readDeliveries(store, eq(webhook_deliveries.id, deliveryId), 1);
  if (!delivery) throw notFound("投递记录", "Delivery");
  return delivery;
}

export const pingEndpoint: RouteHandler<typeof routes.pingEndpoint, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const store = c.var.store;
  const endpoint = await ownEndpoint(store, actor.org.id, c.req.valid("param").id);
  if (!endpoint.enabled) throw conflict("webhook_endpoint_disabled", "端点已停用，请先启用 / The endpoint is disabled; enable it first");
  const now = c.var.now();
  const token = randomBase32(10);
  const messageId = `msg_${token}`;
  const deliveryId = `whd_${token}`;
  const payload = JSON.stringify({ id: messageId, type: "webhook.ping", timestamp: toIso(now), data: { endpoint_id: endpoint.id } });
  await commit(
    c,
    [
      store.db.insert(webhook_events).values({ id: messageId, org_id: actor.org.id, type: "webhook.ping", subject_id: endpoint.id, payload_json: payload, created_at: now }),
      sql`INSERT INTO webhook_deliveries (id, event_seq, endpoint_id, subject_id, status, attempts, next_attempt_at, created_at)
        VALUES (${deliveryId}, (SELECT seq FROM webhook_events WHERE id = ${messageId}), ${endpoint.id}, ${endpoint.id}, 'pending', 0, ${now}, ${now})`,
    ],
    [{ action: "webhook_endpoint.pinged", subject_type: "webhook_endpoint", subject_id: endpoint.id }],
  );
  return c.json(await deliverNow(c, deliveryId), 200);
};

export const replayDelivery: RouteHandler<typeof routes.replayDelivery, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const store = c.var.store;
  const { id } = c.req.valid("param");
  const [row] = await store.db
    .select({ delivery: webhook_deliveries, org_id: webhook_endpoints.org_id, enabled: webhook_endpoints.enabled })
    .from(webhook_deliveries)
    .innerJoin(webhook_endpoints, eq(webhook_endpoints.id, webhook_deliveries.endpoint_id))
    .where(eq(webhook_deliveries.id, id));
  if (!row || row.org_id !== actor.org.id) throw notFound("投递记录", "Delivery");
  if (!row.enabled) throw conflict("webhook_endpoint_disabled", "端点已停用，请先启用 / The endpoint is disabled; enable it first");
  if (row.delivery.status === "pending") throw conflict("delivery_pending", "该投递仍在重试中 / This delivery is still being retried");
  await commit(
    c,
    [store.db.update(webhook_deliveries).set({ status: "pending", next_attempt_at: c.var.now(), leased_until: null }).where(eq(webhook_deliveries.id, id))],
    [{ action: "webhook_delivery.replayed", subject_type: "webhook_delivery", subject_id: id }],
  );
  return c.json(await deliverNow(c, id), 200);
};
