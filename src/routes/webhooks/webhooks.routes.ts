import { z } from "@hono/zod-openapi";
import { NOTIFICATION_KIND_NAMES } from "../../domain/notification-kinds";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, IdParam, json, jsonBody } from "../common";

const EventType = z.enum([...NOTIFICATION_KIND_NAMES, "*"]).openapi({ description: "An event type, or * for all" });

const DeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string().openapi({ description: "The webhook-id header: the same on every attempt" }),
    type: z.string(),
    subject_id: z.string(),
    status: z.enum(["pending", "delivered", "failed", "cancelled"]),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_latency_ms: z.number().int().nullable(),
    created_at: z.string(),
  })
  .openapi("WebhookDelivery");

export const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    event_types: z.array(EventType),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    failing_since: z.string().nullable(),
    secret_rotating_until: z.string().nullable().openapi({ description: "Until then deliveries are signed with the old secret too" }),
    created_at: z.string(),
  })
  .openapi("WebhookEndpoint");

const EndpointWithSecret = EndpointSchema.extend({
  secret: z.string().openapi({ description: "whsec_…: shown this once; store it to verify signatures" }),
}).openapi("WebhookEndpointWithSecret");

const EndpointDetail = EndpointSchema.extend({ recent_deliveries: z.array(DeliverySchema) }).openapi("WebhookEndpointDetail");

const Url = z.string().trim().min(8).max(2000).openapi({ example: "https://ops.example.cn/hooks/vouchers" });
const EventTypes = z.array(EventType).min(1).max(NOTIFICATION_KIND_NAMES.length + 1);
const Description = z.string().trim().max(200);

const tags = ["webhooks"];

export const listEndpoints = defineRoute({
  method: "get",
  path: "/api/webhook-endpoints",
  tags,
  summary: "The organisation's webhook endpoints",
  responses: { 200: json(z.object({ items: z.array(EndpointSchema) }), "Endpoints"), ...commonErrors },
});

export const createEndpoint = defineRoute({
  method: "post",
  path: "/api/webhook-endpoints",
  tags,
  summary: "Register an endpoint (https; http only for loopback in development); the secret is shown once",
  request: { ...jsonBody(z.object({ url: Url, event_types: EventTypes, description: Description.optional() }).openapi("WebhookEndpointInput")) },
  responses: { 201: json(EndpointWithSecret, "Registered"), ...commonErrors, ...conflictError },
});

export const getEndpoint = defineRoute({
  method: "get",
  path: "/api/webhook-endpoints/{id}",
  tags,
  summary: "An endpoint with its 50 most recent deliveries (status, response code, latency)",
  request: { params: IdParam },
  responses: { 200: json(EndpointDetail, "The endpoint"), ...commonErrors },
});

export const updateEndpoint = defineRoute({
  method: "patch",
  path: "/api/webhook-endpoints/{id}",
  tags,
  summary: "Change an endpoint's URL, event types or description, or enable / disable it",
  request: {
    params: IdParam,
    ...jsonBody(
      z
        .object({ url: Url.optional(), event_types: EventTypes.optional(), description: Description.optional(), enabled: z.boolean().optional() })
        .openapi("WebhookEndpointChange"),
    ),
  },
  responses: { 200: json(EndpointSchema, "Changed"), ...commonErrors },
});

export const rotateSecret = defineRoute({
  method: "post",
  path: "/api/webhook-endpoints/{id}/rotate-secret",
  tags,
  summary: "A new secret (shown once); the old one keeps signing beside it for the overlap (default 24 h)",
  request: {
    params: IdParam,
    ...jsonBody(z.object({ overlap_hours: z.number().int().min(0).max(168).default(24) }).openapi("WebhookSecretRotation")),
  },
  responses: { 200: json(EndpointWithSecret, "Rotated"), ...commonErrors },
});

export const pingEndpoint = defineRoute({
  method: "post",
  path: "/api/webhook-endpoints/{id}/ping",
  tags,
  summary: "Send a signed test event (type webhook.ping) now and answer with the delivery",
  request: { params: IdParam },
  responses: { 200: json(DeliverySchema, "The test delivery"), ...commonErrors, ...conflictError },
});

export const replayDelivery = defineRoute({
  method: "post",
  path: "/api/webhook-deliveries/{id}/replay",
  tags,
  summary: "Send a delivery again now (same webhook-id), e.g. after the receiver was fixed",
  request: { params: IdParam },
  responses: { 200: json(DeliverySchema, "The delivery after the attempt"), ...commonErrors, ...conflictError },
});
