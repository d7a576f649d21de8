import { z } from "@hono/zod-openapi";
import { MAX_PROGRAMME_DESCRIPTION_LENGTH } from "../../domain/free-text";
import { ProgrammeRulesSchema } from "../../domain/programme-rules";
import { defineRoute } from "../../lib/route";
import { MAX_LISTED_VERSIONS } from "../../services/programmes";
import { commonErrors, conflictError, Fen, IdempotencyHeaders, IdParam, json, jsonBody, PageQuery, PositiveFen, text } from "../common";

const ProgrammeKind = z.enum(["compute", "data", "model", "general"]).openapi({ description: "compute 算力券, data 数据券, model 模型券, general 创新券" });
const ProgrammeStatus = z.enum(["draft", "open", "closed"]);

// The domain's schema as it is: it is plain zod, built before @hono/zod-openapi may have extended
// zod, so it has no .openapi() of its own and is documented inline.
export const ProgrammeRules = ProgrammeRulesSchema;

// Plain text: line breaks kept, control and bidirectional characters refused (src/domain/free-text.ts).
// Empty after trimming means "no description" and is stored as null.
const Description = text(MAX_PROGRAMME_DESCRIPTION_LENGTH, { multiline: true, allowEmpty: true }).openapi({
  description: `申报指南: plain text (at most ${MAX_PROGRAMME_DESCRIPTION_LENGTH} characters, line breaks kept, never HTML); empty clears it`,
});

export const NewProgrammeBody = z
  .object({ name: text(200), description: Description.optional(), kind: ProgrammeKind, budget_fen: PositiveFen, rules: ProgrammeRules })
  .openapi("NewProgramme");

export const ProgrammePatchBody = z
  .object({
    name: text(200).optional(),
    description: Description.optional(),
    rules: ProgrammeRules.optional().describe("The complete new rules: they become the next version"),
  })
  .refine((b) => b.name !== undefined || b.description !== undefined || b.rules !== undefined, {
    message: "请提供名称、申报指南或规则 / Send a new name, description or new rules",
  })
  .openapi("ProgrammePatch");

export const TopUpBody = z.object({ amount_fen: PositiveFen, note: text(500, { multiline: true }).optional() }).openapi("BudgetTopUp");

const PoolSchema = z
  .object({
    account_id: z.string(),
    budget_fen: Fen,
    issued_fen: Fen.openapi({ description: "Face value issued to vouchers" }),
    returned_fen: Fen.openapi({ description: "Returned by expired or revoked vouchers" }),
    available_fen: Fen.openapi({ description: "What can still be issued" }),
  })
  .openapi("ProgrammePool");

export const ProgrammeSchema = z
  .object({
    id: z.string(),
    agency_org_id: z.string(),
    name: z.string(),
    description: z.string().nullable().openapi({ description: "申报指南: plain text with line breaks, null when none" }),
    kind: ProgrammeKind,
    status: ProgrammeStatus,
    current_version: z.number().int(),
    budget_fen: Fen,
    rules: ProgrammeRules,
    validity: z.string().openapi({ description: "The validity rule in words" }),
    pool: PoolSchema,
    created_at: z.string(),
  })
  .openapi("Programme");

export const ProgrammeDetailSchema = ProgrammeSchema.extend({
  versions: z
    .array(
      z.object({
        version: z.number().int(),
        rules: ProgrammeRules,
        created_by: z.string(),
        created_by_name: z.string().nullable().openapi({ description: "The publisher's display name (null if the account is gone)" }),
        created_at: z.string(),
      }),
    )
    .max(MAX_LISTED_VERSIONS)
    .openapi({ description: `The newest ${MAX_LISTED_VERSIONS} rule versions, newest first, each with its complete rules` }),
}).openapi("ProgrammeDetail");

const tags = ["programmes"];

export const createProgramme = defineRoute({
  method: "post",
  path: "/api/programmes",
  tags,
  summary: "Create a programme (draft) and fund its pool from the agency's budget",
  request: { headers: IdempotencyHeaders, ...jsonBody(NewProgrammeBody) },
  responses: { 201: json(ProgrammeDetailSchema, "Created"), ...commonErrors, ...conflictError },
});

export const listProgrammes = defineRoute({
  method: "get",
  path: "/api/programmes",
  tags,
  summary: "Programmes: agency staff see their agency's, enterprises and providers the open ones",
  request: { query: z.object({ status: ProgrammeStatus.optional(), kind: ProgrammeKind.optional(), ...PageQuery }) },
  responses: { 200: json(z.object({ items: z.array(ProgrammeSchema), limit: z.number(), offset: z.number() }), "Programmes"), ...commonErrors },
});

export const getProgramme = defineRoute({
  method: "get",
  path: "/api/programmes/{id}",
  tags,
  summary: "A programme with its current rules, rule versions, budget and pool",
  request: { params: IdParam },
  responses: { 200: json(ProgrammeDetailSchema, "The programme"), ...commonErrors },
});

export const patchProgramme = defineRoute({
  method: "patch",
  path: "/api/programmes/{id}",
  tags,
  summary: "Rename, or publish new rules as the next version (what was priced on an old version keeps it)",
  request: { params: IdParam, ...jsonBody(ProgrammePatchBody) },
  responses: { 200: json(ProgrammeDetailSchema, "Updated"), ...commonErrors, ...conflictError },
});

export const openProgramme = defineRoute({
  method: "post",
  path: "/api/programmes/{id}/open",
  tags,
  summary: "Open the programme for applications",
  request: { params: IdParam },
  responses: { 200: json(ProgrammeDetailSchema, "Opened"), ...commonErrors, ...conflictError },
});

export const closeProgramme = defineRoute({
  method: "post",
  path: "/api/programmes/{id}/close",
  tags,
  summary: "Close the programme: no more applications or approvals; issued vouchers stay usable",
  request: { params: IdParam },
  responses: { 200: json(ProgrammeDetailSchema, "Closed"), ...commonErrors, ...conflictError },
});

export const topUpBudget = defineRoute({
  method: "post",
  path: "/api/programmes/{id}/budget",
  tags,
  summary: "Add budget to the programme's pool of a draft or open programme; a closed one answers 409 programme_closed (money: takes an Idempotency-Key)",
  request: { params: IdParam, headers: IdempotencyHeaders, ...jsonBody(TopUpBody) },
  responses: { 200: json(ProgrammeDetailSchema, "Budget added"), ...commonErrors, ...conflictError },
});
