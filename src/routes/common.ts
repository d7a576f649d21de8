// Schemas shared by every router: the error shape, ids, money, instants, bounded text.
import { z } from "@hono/zod-openapi";
import { creditCodeMessages, creditCodeProblem } from "../domain/credit-code";
import { disallowedCharacter, disallowedCharacterMessage } from "../domain/free-text";
import { REGION_CODE } from "../domain/region";
import { isKnownRegion, REGIONS_AS_OF } from "../domain/regions-known";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({
  content: { "application/json": { schema: ErrorSchema } },
  description,
});

/** The error responses every route can give; spread into `responses`. */
export const commonErrors = {
  400: errorResponse("Invalid input; details.issues names the fields"),
  401: errorResponse("Not signed in"),
  403: errorResponse("Signed in, but not allowed"),
  404: errorResponse("Not found"),
  413: errorResponse("Request body too large"),
};
export const conflictError = { 409: errorResponse("Refused because of the current state; error.code says why") };
export const throttledError = { 429: errorResponse("Too many attempts; retry after the Retry-After header") };

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export const IdParam = z.object({
  id: z.string().min(3).max(64).regex(/^[a-z]+_[a-z2-7]+$/, "not an id").openapi({ param: { name: "id", in: "path" } }),
});

/**
 * Free text with a bound (STYLE: a limit on everything) and without control characters, bidi
 * overrides or lone surrogates; `multiline` fields (descriptions, reasons) may hold line breaks.
 * The OpenAPI document marks these fields "x-free-text" so tests can find every one.
 */
export const text = (max: number, options: { multiline?: boolean; allowEmpty?: boolean } = {}) =>
  z
    .string()
    .trim()
    .min(options.allowEmpty ? 0 : 1)
    .max(max)
    .superRefine(refuseDisallowedCharacters(options.multiline ?? false))
    .openapi({ "x-free-text": options.multiline ? "multi-line" : "single-line" } as never);

export function refuseDisallowedCharacters(multiline: boolean) {
  return (value: string, ctx: z.RefinementCtx) => {
    const character = disallowedCharacter(value, multiline);
    if (character) ctx.addIssue({ code: "custom", message: disallowedCharacterMessage(character) });
  };
}

export const Fen = z.number().int().min(0).max(1e13).openapi({ description: "Amount in fen (1/100 CNY)" });
export const PositiveFen = z.number().int().min(1).max(1e13);
export const BasisPoints = z.number().int().min(0).max(10_000).openapi({ description: "Basis points: 10000 = 100%" });
export const Instant = z.iso.datetime({ offset: true }).openapi({ example: "2026-12-01T09:00:00+08:00" });
export const CalendarDate = z.iso.date().openapi({ example: "2026-12-31" });

export const CreditCode = z
  .string()
  .max(64) // a bound on the raw input; the exact length is checked after trimming, with a clear message
  .trim()
  .toUpperCase()
  .superRefine((value, ctx) => {
    const problem = creditCodeProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: creditCodeMessages[problem] });
  })
  .openapi({ example: "91110108MA01W2B46A", description: "统一社会信用代码 (GB 32100, check digit verified)" });

export const RegionCode = z
  .string()
  .regex(REGION_CODE, "行政区划代码应为6位数字 / A region code is 6 digits")
  // Six digits that name no province, city or district in the region data are refused too (the
  // wrong-length case already has its message above).
  .refine((code) => !REGION_CODE.test(code) || isKnownRegion(code), {
    message: `不是已知的行政区划代码（数据截至 ${REGIONS_AS_OF}）/ Not a known region code (divisions as of ${REGIONS_AS_OF})`,
  })
  .openapi({ example: "110108", description: `行政区划代码: a province (330000), city (330100) or district (330106) in the divisions as of ${REGIONS_AS_OF}` });

/** Every money-moving POST takes an Idempotency-Key (checked by src/db/idempotency.ts, which explains a missing one). */
export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .max(128)
    .optional()
    .openapi({ description: "8–128 characters [A-Za-z0-9_-:.]; a retry with the same key and body gets the first response", example: "topup-2026-04-01-001" }),
});

/** An id in a body or query (IdParam is the path parameter). */
export const RecordId = z.string().min(3).max(64).regex(/^[a-z]+_[a-z2-7]+$/, "not an id");

/** A bounded page of a list. */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
};
