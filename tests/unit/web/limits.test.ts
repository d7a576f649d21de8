// The web forms carry the API's input limits (web/src/shell/limits.ts); this holds them to the
// published /openapi.json, so a limit changed on one side fails here instead of in a person's face.
import { describe, expect, it } from "vitest";
import { LIMITS, QUERY_LIMITS, type Limit } from "../../../web/src/shell/limits";
import { TestClient } from "../../support/client";
import { createHarness } from "../../support/node-harness";
import { fetchDocument, operationsOf, resolve, type Json } from "../../support/openapi";

const FORM_ROUTES: Record<keyof typeof LIMITS, string> = {
  login: "POST /api/auth/login",
  signup: "POST /api/auth/signup",
  agency: "POST /api/installation/agencies",
  agencyChange: "PATCH /api/installation/agencies/{id}",
  relatedParty: "POST /api/organisations/{id}/related-parties",
  providerRejection: "POST /api/providers/{id}/reject",
  voucherApplication: "POST /api/voucher-applications",
  capacitySearch: "POST /api/search/capacity",
  booking: "POST /api/bookings",
  bookingCancellation: "POST /api/bookings/{id}/cancel",
  budgetTopUp: "POST /api/programmes/{id}/budget",
  applicationApproval: "POST /api/voucher-applications/{id}/approve",
  applicationRejection: "POST /api/voucher-applications/{id}/reject",
  applicationWithdrawal: "POST /api/voucher-applications/{id}/withdraw",
  voucherRevocation: "POST /api/vouchers/{id}/revoke",
  bookingRejection: "POST /api/bookings/{id}/reject",
  bookingDelivery: "POST /api/bookings/{id}/deliver",
  blackout: "POST /api/offerings/{id}/blackouts",
  blackoutSeries: "POST /api/offerings/{id}/blackout-series",
  objection: "POST /api/notices/{claim_id}/objections",
};

const QUERY_ROUTES: Record<keyof typeof QUERY_LIMITS, string> = {
  offeringFilter: "GET /api/offerings",
  noticeSearch: "GET /api/notices",
};

// The API bounds a raw credit code at 64 characters and then requires exactly 18 after trimming
// (creditCodeProblem); the form, which strips spaces as they are typed, holds it to those 18.
const CREDIT_CODE_FIELDS = new Set(["organisation.credit_code", "party_credit_code", "credit_code"]);
const CREDIT_CODE_LENGTH = 18;

/**
 * A schema's pattern as source and flags. zod publishes a pattern that needs flags as
 * "source/flags" (e.g. "…$/u" for \p{L}), which is not a JSON Schema pattern on its own.
 */
function patternOf(pattern: string): { source: string; flags: string } {
  const flagged = /^(.*\$)\/([a-z]+)$/.exec(pattern);
  return flagged ? { source: flagged[1] as string, flags: flagged[2] as string } : { source: pattern, flags: "" };
}

const isNumber = (schema: Json) => [schema.type].flat().some((type) => type === "integer" || type === "number");

/** The limits a form field must carry for an API field: the same length, pattern and number bounds. */
function expectSameLimits(path: string, limit: Limit, schema: Json) {
  if (schema.maxLength !== undefined) expect({ path, maxLength: limit.maxLength }).toEqual({ path, maxLength: schema.maxLength });
  if (schema.minLength > 1) expect({ path, minLength: limit.minLength }).toEqual({ path, minLength: schema.minLength });
  if (schema.pattern !== undefined) {
    expect({ path, pattern: { source: limit.pattern?.source, flags: limit.pattern?.flags } }).toEqual({ path, pattern: patternOf(schema.pattern) });
  }
  if (isNumber(schema)) {
    expect({ path, minimum: limit.minimum, maximum: limit.maximum }).toEqual({ path, minimum: schema.minimum, maximum: schema.maximum });
  }
}

interface ApiField {
  schema: Json;
  required: boolean;
}

/** Every leaf field of a body schema by dotted path ("organisation.name"), with whether it is required. */
function leafFields(document: Json, schema: Json, prefix = "", parentRequired = true): Map<string, ApiField> {
  const fields = new Map<string, ApiField>();
  const object = resolve(document, schema);
  for (const [name, raw] of Object.entries<Json>(object.properties ?? {})) {
    const property = resolve(document, raw);
    const path = prefix ? `${prefix}.${name}` : name;
    const required = parentRequired && (object.required ?? []).includes(name);
    if (property.properties) for (const [p, f] of leafFields(document, property, path, required)) fields.set(p, f);
    else fields.set(path, { schema: property, required });
  }
  return fields;
}

describe("web form limits", async () => {
  const harness = await createHarness();
  const document = await fetchDocument(new TestClient(harness.app));
  const operations = operationsOf(document);

  for (const [form, route] of Object.entries(FORM_ROUTES) as [keyof typeof LIMITS, string][]) {
    it(`the ${form} form carries every limit ${route} states`, () => {
      const body = operations.find((operation) => operation.key === route)?.body;
      expect(body, `${route} takes a JSON body`).toBeDefined();
      const apiFields = leafFields(document, body as Json);
      const webLimits = new Map<string, Limit>(Object.entries(LIMITS[form]));
      expect([...webLimits.keys()].sort()).toEqual([...apiFields.keys()].sort());
      for (const [path, field] of apiFields) {
        const limit = webLimits.get(path) as Limit;
        expect({ path, required: Boolean(limit.required) }).toEqual({ path, required: field.required });
        if (CREDIT_CODE_FIELDS.has(path)) {
          expect(limit.maxLength).toBe(CREDIT_CODE_LENGTH);
          expect(field.schema.maxLength ?? Infinity).toBeGreaterThanOrEqual(CREDIT_CODE_LENGTH);
        } else {
          expectSameLimits(path, limit, field.schema);
        }
      }
    });
  }

  for (const [form, route] of Object.entries(QUERY_ROUTES) as [keyof typeof QUERY_LIMITS, string][]) {
    it(`the ${form} filter carries the limits of the ${route} parameters it sets`, () => {
      const operation = operations.find((o) => o.key === route);
      expect(operation, route).toBeDefined();
      const parameters = new Map((operation?.parameters ?? []).filter((p) => p.in === "query").map((p) => [p.name, p]));
      for (const [name, limit] of Object.entries<Limit>(QUERY_LIMITS[form])) {
        const parameter = parameters.get(name);
        expect(parameter, `${route} takes ?${name}=`).toBeDefined();
        expect({ name, required: Boolean(limit.required) }).toEqual({ name, required: Boolean(parameter?.required) });
        expectSameLimits(name, limit, parameter?.schema ?? {});
      }
    });
  }
});
