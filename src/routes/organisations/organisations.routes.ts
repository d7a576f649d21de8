import { z } from "@hono/zod-openapi";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, CreditCode, IdParam, json, jsonBody, PageQuery, text } from "../common";
import { OrganisationSchema, VerificationSummarySchema } from "../auth/auth.routes";

export const RelatedPartySchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    relation: z.enum(["shareholder", "legal_representative", "affiliate", "other"]),
    party_name: z.string(),
    party_credit_code: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("RelatedParty");

export const RelatedPartyBody = z
  .object({
    relation: z.enum(["shareholder", "legal_representative", "affiliate", "other"]),
    party_name: text(200),
    party_credit_code: CreditCode.optional(),
  })
  .openapi("RelatedPartyDeclaration");

const ProviderDecision = z.object({ reason: text(500, { multiline: true }).optional() });
const ProviderRejection = z.object({ reason: text(500, { multiline: true }) });

export const getOrganisation = defineRoute({
  method: "get",
  path: "/api/organisations/{id}",
  tags: ["organisations"],
  summary: "An organisation: your own, or any for agency staff and the installation admin",
  request: { params: IdParam },
  responses: {
    200: json(OrganisationSchema.extend({ verification: VerificationSummarySchema }).openapi("OrganisationWithVerification"), "The organisation and what its verification still needs"),
    ...commonErrors,
  },
});

export const listRelatedParties = defineRoute({
  method: "get",
  path: "/api/organisations/{id}/related-parties",
  tags: ["organisations"],
  summary: "Declared related parties (shareholders, legal representative, affiliates)",
  request: { params: IdParam },
  responses: { 200: json(z.object({ items: z.array(RelatedPartySchema) }), "Declarations"), ...commonErrors },
});

export const declareRelatedParty = defineRoute({
  method: "post",
  path: "/api/organisations/{id}/related-parties",
  tags: ["organisations"],
  summary: "Declare a related party of your organisation",
  request: { params: IdParam, ...jsonBody(RelatedPartyBody) },
  responses: { 201: json(RelatedPartySchema, "Declared"), ...commonErrors, ...conflictError },
});

export const listProviders = defineRoute({
  method: "get",
  path: "/api/providers",
  tags: ["providers"],
  summary: "Providers and their approval status",
  request: {
    query: z.object({ status: z.enum(["pending", "approved", "rejected", "suspended"]).optional(), ...PageQuery }),
  },
  responses: {
    200: json(
      z.object({ items: z.array(OrganisationSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
      "One page of providers, oldest registration first; total counts every match",
    ),
    ...commonErrors,
  },
});

export const approveProvider = defineRoute({
  method: "post",
  path: "/api/providers/{id}/approve",
  tags: ["providers"],
  summary: "Approve a provider so its offerings become visible",
  request: { params: IdParam, ...jsonBody(ProviderDecision) },
  responses: { 200: json(OrganisationSchema, "Approved"), ...commonErrors, ...conflictError },
});

export const rejectProvider = defineRoute({
  method: "post",
  path: "/api/providers/{id}/reject",
  tags: ["providers"],
  summary: "Reject (or suspend an approved) provider, with a reason",
  request: { params: IdParam, ...jsonBody(ProviderRejection) },
  responses: { 200: json(OrganisationSchema, "Rejected"), ...commonErrors, ...conflictError },
});
