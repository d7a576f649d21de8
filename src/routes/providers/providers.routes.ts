// Provider vetting (DESIGN §2): each agency approves, rejects or suspends a provider for its own
// programmes; the platform admin alone suspends a provider installation-wide (fraud).
import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, IdParam, json, jsonBody, RecordId, text, PageQuery } from "../common";
import { OrganisationSchema } from "../auth/auth.routes";

const VettingStatus = z.enum(["pending", "approved", "rejected", "suspended"]);
const ProviderDecision = z.object({ reason: text(500).optional() });
const ProviderRefusal = z.object({ reason: text(500) });

export const VettingSchema = z
  .object({
    agency_org_id: z.string(),
    agency_name: z.string(),
    provider_org_id: z.string(),
    status: VettingStatus,
    reason: z.string().nullable(),
    decided_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("ProviderVetting");

export const listProviders = defineRoute({
  method: "get",
  path: "/api/providers",
  tags: ["providers"],
  summary: "Providers listed with your agency (applied to it or decided by it), with your agency's decision; for the installation admin every provider",
  request: { query: z.object({ status: VettingStatus.optional(), ...PageQuery }) },
  responses: {
    200: json(
      z.object({ items: z.array(OrganisationSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
      "One page of providers, oldest first; total counts every match",
    ),
    ...commonErrors,
  },
});

export const approveProvider = defineRoute({
  method: "post",
  path: "/api/providers/{id}/approve",
  tags: ["providers"],
  summary: "Approve a provider for your agency's programmes (its offerings are then published and subsidised by them)",
  request: { params: IdParam, ...jsonBody(ProviderDecision) },
  responses: { 200: json(OrganisationSchema, "Approved by your agency"), ...commonErrors, ...conflictError },
});

export const rejectProvider = defineRoute({
  method: "post",
  path: "/api/providers/{id}/reject",
  tags: ["providers"],
  summary: "Reject a provider for your agency (an approved one is suspended), with a reason",
  request: { params: IdParam, ...jsonBody(ProviderRefusal) },
  responses: { 200: json(OrganisationSchema, "Rejected or suspended by your agency"), ...commonErrors, ...conflictError },
});

export const suspendProvider = defineRoute({
  method: "post",
  path: "/api/providers/{id}/suspend",
  tags: ["providers"],
  summary: "Suspend a provider your agency approved: your programmes stop subsidising it at once; other agencies' decisions stand",
  request: { params: IdParam, ...jsonBody(ProviderRefusal) },
  responses: { 200: json(OrganisationSchema, "Suspended by your agency"), ...commonErrors, ...conflictError },
});

export const setInstallationStatus = defineRoute({
  method: "post",
  path: "/api/providers/{id}/installation-status",
  tags: ["providers"],
  summary: "Installation admin: suspend a provider everywhere (fraud: no new bookings at all), or reinstate it",
  request: {
    params: IdParam,
    ...jsonBody(z.object({ status: z.enum(["active", "suspended"]), reason: text(500) })),
  },
  responses: { 200: json(OrganisationSchema, "The provider"), ...commonErrors, ...conflictError },
});

export const listOwnVettings = defineRoute({
  method: "get",
  path: "/api/provider-vettings",
  tags: ["providers"],
  summary: "Your provider organisation's standing at each agency",
  responses: { 200: json(z.object({ items: z.array(VettingSchema) }), "One row per agency you applied to or that decided on you"), ...commonErrors },
});

export const applyToAgency = defineRoute({
  method: "post",
  path: "/api/provider-vettings",
  tags: ["providers"],
  summary: "Apply to an agency (one created after you registered) to be vetted for its programmes",
  request: { ...jsonBody(z.object({ agency_org_id: RecordId })) },
  responses: { 201: json(VettingSchema, "Listed with the agency, pending"), ...commonErrors, ...conflictError },
});
