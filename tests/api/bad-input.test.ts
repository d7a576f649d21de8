// Bad input on every operation in /openapi.json, sent by someone the rule lets in: the answer is
// always a 4xx in the one error shape, never a 5xx, and zod failures name the fields. Generic
// over the document, so routes added later are fuzzed without editing this file. Every request
// here is refused before a handler runs, so nothing depends on (or changes) database state.
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { MAX_BODY_BYTES } from "../../src/app";
import type { ApiResponse, TestClient } from "../support/client";
import { createCast, newClient, uniqueSuffix } from "../support/fixtures";
import {
  allows,
  concretePath,
  fetchDocument,
  isGranted,
  operationsOf,
  resolve,
  sampleValue,
  typesOf,
  type Json,
  type Operation,
  type Parameter,
} from "../support/openapi";

const harness = await createHarness();
const document = await fetchDocument(newClient(harness));
const operations = operationsOf(document);
const cast = await createCast(harness);

const withBody = operations.filter((o) => o.body);
const withFields = withBody.filter((o) => Object.keys(o.body?.properties ?? {}).length > 0);
const withPathParams = operations.filter((o) => o.parameters.some((p) => p.in === "path"));
const withQueryParams = operations.filter((o) => o.parameters.some((p) => p.in === "query"));

/** A client the operation's rule lets in, so the refusal we see is about the input. */
function clientFor(operation: Operation): TestClient {
  const rule = operation.spec["x-access"];
  if (rule?.access === "public") return newClient(harness);
  const actor = rule?.access === "signed_in" ? cast[0] : cast.find((a) => isGranted(operation, a.grant));
  if (!actor) throw new Error(`nobody in the cast may call ${operation.key}`);
  return actor.client;
}

/** Headers the operation declares (an Idempotency-Key, say), filled validly so only the body is wrong. */
function headersFor(operation: Operation): Record<string, string> {
  const headers: Record<string, string> = { "Idempotency-Key": `bad-input-${uniqueSuffix()}` };
  for (const p of operation.parameters) if (p.in === "header" && p.required) headers[p.name] = sampleValue(p.schema);
  return headers;
}

function send(operation: Operation, options: { body?: unknown; path?: string; headers?: Record<string, string> } = {}) {
  const path = options.path ?? concretePath(operation);
  return clientFor(operation).call(operation.method, path, options.body, { ...headersFor(operation), ...options.headers });
}

/** The one error shape, with a stable code and a "中文 / English" message. */
function expectError(res: ApiResponse, status?: number) {
  expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  if (status) expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(["error"]);
  expect(Object.keys(res.body.error).filter((k) => !["code", "message", "details"].includes(k))).toEqual([]);
  expect(res.body.error.code).toMatch(/^[a-z][a-z_]*$/);
  expect(res.body.error.message).toMatch(/[\u4e00-\u9fff][^/]*\/\s*[A-Za-z]/);
}

/** The fields zod named, as "a.b.c" paths. */
function namedFields(res: ApiResponse): string[] {
  expectError(res, 400);
  expect(res.body.error.code).toBe("invalid_request");
  return res.body.error.details.issues.map((issue: { field: string }) => issue.field);
}

const WRONG_VALUES: unknown[] = [{ unexpected: true }, "unexpected", 123456, true, [1]];
/** A value of a JSON type the schema does not allow; undefined when it allows any. */
const wrongValue = (schema: Json) => WRONG_VALUES.find((v) => !allows(typesOf(document, schema), v));

/** A value where every bounded string is one character too long; `paths` collects where. */
function overLong(raw: Json, path: string[], paths: string[]): unknown {
  const schema = resolve(document, raw);
  const branch = (schema.anyOf ?? schema.oneOf)?.find((b: Json) => !allows(typesOf(document, b), null));
  if (branch) return overLong(branch, path, paths);
  if (schema.properties) {
    return Object.fromEntries(Object.entries<Json>(schema.properties).map(([k, v]) => [k, overLong(v, [...path, k], paths)]));
  }
  if (schema.items) return [overLong(schema.items, [...path, "0"], paths)];
  // A one-value enum is a union's discriminator: keep it right, or no validator reaches its siblings.
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return schema.enum[0];
  if (typeof schema.maxLength === "number") {
    paths.push(path.join("."));
    return "a".repeat(schema.maxLength + 1);
  }
  return wrongValue(schema);
}

/** Every string or array in a schema, with its path, to check it declares a bound. */
function unboundedIn(raw: Json, path: string, found: string[]): string[] {
  const schema = resolve(document, raw);
  for (const b of schema.anyOf ?? schema.oneOf ?? schema.allOf ?? []) unboundedIn(b, path, found);
  for (const [k, v] of Object.entries<Json>(schema.properties ?? {})) unboundedIn(v, path ? `${path}.${k}` : k, found);
  const types = typesOf(document, schema);
  if (types.has("array")) {
    if (typeof schema.maxItems !== "number") found.push(`${path} (array without maxItems)`);
    if (schema.items) unboundedIn(schema.items, `${path}.0`, found);
  }
  const bounded = schema.maxLength ?? schema.enum ?? schema.const ?? schema.format ?? schema.pattern;
  if (types.has("string") && bounded === undefined) found.push(`${path} (string without maxLength)`);
  return found;
}

describe("limits on every input", () => {
  it.each(operations)("$key bounds every string and array it accepts", (operation) => {
    const found: string[] = [];
    if (operation.body) unboundedIn(operation.body, "", found);
    for (const p of operation.parameters) unboundedIn(p.schema, `${p.in}:${p.name}`, found);
    expect(found).toEqual([]);
  });
});

describe("bad request bodies", () => {
  it.each(withBody)("$key refuses malformed JSON with 400", async (operation) => {
    const res = await send(operation, { body: '{"broken": ', headers: { "Content-Type": "application/json" } });
    expectError(res, 400);
    expect(res.body.error.code).toBe("invalid_request");
  });

  it.each(withBody)("$key refuses a body that is not a JSON object", async (operation) => {
    for (const body of ["[]", '"text"', "42", "null"]) {
      const res = await send(operation, { body, headers: { "Content-Type": "application/json" } });
      expect(namedFields(res).length, body).toBeGreaterThan(0);
    }
  });

  it.each(withBody)("$key refuses a missing body, naming the required fields", async (operation) => {
    const res = await send(operation);
    const required: string[] = operation.body?.required ?? [];
    if (required.length === 0) expect(res.status).toBeLessThan(500);
    else expect(namedFields(res)).toEqual(expect.arrayContaining(required));
  });

  it.each(withFields)("$key names every field given a value of the wrong type", async (operation) => {
    const entries = Object.entries<Json>(operation.body?.properties ?? {});
    const body = Object.fromEntries(entries.map(([name, schema]) => [name, wrongValue(schema)]).filter(([, v]) => v !== undefined));
    expect(Object.keys(body).length, "a body schema should type its properties").toBeGreaterThan(0);
    expect(namedFields(await send(operation, { body }))).toEqual(expect.arrayContaining(Object.keys(body)));
  });

  it.each(withFields)("$key names every string over its maximum length", async (operation) => {
    const paths: string[] = [];
    const res = await send(operation, { body: overLong(operation.body as Json, [], paths) });
    expect(namedFields(res)).toEqual(expect.arrayContaining(paths));
    for (const path of paths) {
      expect(res.body.error.details.issues, path).toContainEqual(expect.objectContaining({ field: path, code: "too_big" }));
    }
  });

  it.each(withBody)("$key refuses a body that is not JSON (text/plain) with 415", async (operation) => {
    const res = await send(operation, { body: "name=value", headers: { "Content-Type": "text/plain" } });
    expectError(res, 415);
    expect(res.body.error.code).toBe("unsupported_media_type");
  });

  it.each(withBody)("$key refuses a body over 1 MiB with 413, counted or declared", async (operation) => {
    const big = `"${"x".repeat(MAX_BODY_BYTES)}"`;
    const json = { "Content-Type": "application/json" };
    expectError(await send(operation, { body: big, headers: json }), 413);
    expectError(await send(operation, { body: big, headers: { ...json, "Content-Length": String(big.length) } }), 413);
  });
});

/** A body whose every free-text field ("x-free-text" in the document) holds `value`; `paths` collects where. */
function withText(raw: Json, path: string[], paths: Array<{ path: string; multiline: boolean }>, value: string): unknown {
  const schema = resolve(document, raw);
  const branch = (schema.anyOf ?? schema.oneOf)?.find((b: Json) => !allows(typesOf(document, b), null));
  if (branch) return withText(branch, path, paths, value);
  if (schema.properties) {
    return Object.fromEntries(Object.entries<Json>(schema.properties).map(([k, v]) => [k, withText(v, [...path, k], paths, value)]));
  }
  if (schema.items) return [withText(schema.items, [...path, "0"], paths, value)];
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return schema.enum[0];
  if (schema["x-free-text"]) {
    paths.push({ path: path.join("."), multiline: schema["x-free-text"] === "multi-line" });
    return value;
  }
  return undefined;
}

const freeTextPaths = (operation: Operation) => {
  const paths: Array<{ path: string; multiline: boolean }> = [];
  withText(operation.body as Json, [], paths, "");
  return paths;
};
const withFreeText = withBody.filter((o) => freeTextPaths(o).length > 0);

describe("characters free text may not hold", () => {
  it("finds the free-text fields of sign-up, offerings, programmes, applications and bookings", () => {
    const keys = withFreeText.map((o) => o.key);
    for (const key of ["POST /api/auth/signup", "POST /api/offerings", "POST /api/programmes", "POST /api/voucher-applications", "POST /api/bookings/{id}/reject"]) {
      expect(keys).toContain(key);
    }
  });

  it.each(withFreeText)("$key refuses NUL, a right-to-left override and a lone surrogate in every free-text field, naming it", async (operation) => {
    for (const value of ["名\u0000字", "invoice\u202Efdp.exe", "name\uD800", "a\u2066b", "bell\u0007"]) {
      const paths: Array<{ path: string; multiline: boolean }> = [];
      const res = await send(operation, { body: withText(operation.body as Json, [], paths, value) });
      expect(namedFields(res), JSON.stringify(value)).toEqual(expect.arrayContaining(paths.map((p) => p.path)));
      for (const { path } of paths) {
        expect(res.body.error.details.issues, `${path} ${JSON.stringify(value)}`).toContainEqual(
          expect.objectContaining({ field: path, code: "custom", message: expect.stringMatching(/U\+[0-9A-F]{4}/) }),
        );
      }
    }
  });

  it.each(withFreeText)("$key takes line breaks only in multi-line fields", async (operation) => {
    const paths: Array<{ path: string; multiline: boolean }> = [];
    const res = await send(operation, { body: withText(operation.body as Json, [], paths, "第一行\n第二行") });
    const named = res.status === 400 ? res.body.error.details.issues.filter((i: { code: string }) => i.code === "custom").map((i: { field: string }) => i.field) : [];
    for (const { path, multiline } of paths) {
      if (multiline) expect(named, path).not.toContain(path);
      else expect(named, path).toContain(path);
    }
  });
});

/** The operation's path with its required query parameters at valid sample values, and `name` at `value`. */
function withQuery(operation: Operation, name?: string, value?: string, pathValues: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const p of operation.parameters) if (p.in === "query" && p.required) query.set(p.name, sampleValue(p.schema));
  if (name !== undefined && value !== undefined) query.set(name, value);
  const path = concretePath(operation, pathValues);
  return query.size ? `${path}?${query}` : path;
}

function invalidValues(parameter: Parameter): string[] {
  const schema = resolve(document, parameter.schema);
  const values = ["NOT AN ID!"];
  if (typeof schema.maxLength === "number") values.push(sampleValue(schema).padEnd(schema.maxLength + 1, "a"));
  return values;
}

describe("bad parameters", () => {
  it.each(withPathParams)("$key refuses a malformed or over-long path id with 400 naming it", async (operation) => {
    for (const p of operation.parameters.filter((p) => p.in === "path")) {
      for (const value of invalidValues(p)) {
        // Required query parameters are given valid values, so the path id is the one thing wrong.
        const res = await send(operation, { path: withQuery(operation, undefined, undefined, { [p.name]: value }), body: operation.body ? {} : undefined });
        expect(namedFields(res), value).toContain(p.name);
      }
    }
  });

  it.each(withQueryParams)("$key refuses an invalid query value with 400 naming it", async (operation) => {
    for (const p of operation.parameters.filter((p) => p.in === "query")) {
      for (const value of invalidValues(p)) {
        const res = await send(operation, { path: withQuery(operation, p.name, value) });
        expect(namedFields(res), value).toContain(p.name);
      }
    }
  });

  it.each(operations.filter((o) => o.method === "GET"))("$key answers a well-formed id that names nothing without a 5xx", async (operation) => {
    const res = await send(operation);
    if (res.status >= 400) expectError(res);
    else expect(res.status).toBe(200);
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/api/no-such-thing"],
    ["POST", "/api/no-such-thing"],
    ["DELETE", "/api/me"],
    ["GET", "/no-such-page"],
  ])("%s %s answers 404 in the error shape", async (method, path) => {
    const res = await newClient(harness).call(method, path, method === "POST" ? {} : undefined);
    expectError(res, 404);
    expect(res.body.error.code).toBe("not_found");
  });
});
