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

export const getOrganisation = defineRoute({
  method: "get",
  path: "/api/organisations/{id}",
  tags: ["organisations"],
  summary: "An organisation: your own; for agency staff one related to their programmes; for the installation admin a provider or agency",
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
  summary: "Declared related parties (shareholders, legal representative, affiliates), to whoever may read the organisation",
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
