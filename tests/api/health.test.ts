import { afterEach, describe, expect, it, vi } from "vitest";
import { createHarness } from "#harness";
import { createApp } from "../../src/app";
import type { Store } from "../../src/db/store";
import { TestClient, type ApiResponse } from "../support/client";
import { fetchDocument, operationsOf, resolve, type Json } from "../support/openapi";

const harness = await createHarness();
const client = new TestClient(harness.app);

describe("service basics", () => {
  it("reports health with the schema version the code expects", async () => {
    const res = await client.get("/health");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", driver: harness.driver });
    expect(res.body.schema_version).toBe(res.body.expected_schema_version);
    expect(res.body.schema_version).toBeGreaterThanOrEqual(1);
  });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with info, and every operation has a summary, responses and declared path parameters", async () => {
    const document = await fetchDocument(client);
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      expect(operation.spec.summary, operation.key).toEqual(expect.any(String));
      expect(Object.keys(operation.spec.responses ?? {}).length, operation.key).toBeGreaterThan(0);
      const templated = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = operation.parameters.filter((p) => p.in === "path" && p.required).map((p) => p.name);
      expect(declared.sort(), operation.key).toEqual(templated.sort());
    }
  });

  it("resolves every $ref it contains", async () => {
    const document = await fetchDocument(client);
    const refs: Json[] = [];
    const walk = (node: unknown) => {
      if (!node || typeof node !== "object") return;
      if (typeof (node as Json).$ref === "string") refs.push(node as Json);
      for (const child of Object.values(node)) walk(child);
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(() => resolve(document, ref), ref.$ref).not.toThrow();
  });

  it("is rendered at /docs as HTML naming every path and method", async () => {
    const document = await fetchDocument(client);
    const res = await client.get("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    for (const operation of operationsOf(document)) {
      expect(res.body, operation.key).toContain(`<code>${operation.path}</code>`);
      expect(res.body, operation.key).toContain(`<span class="method ${operation.method.toLowerCase()}">${operation.method}</span> <code>${operation.path}</code>`);
    }
  });
});

function expectSecureHeaders(res: ApiResponse, label: string) {
  const h = (name: string) => res.headers.get(name);
  expect(h("Content-Security-Policy"), label).toContain("default-src 'self'");
  expect(h("Content-Security-Policy"), label).toContain("frame-ancestors 'none'");
  expect(h("X-Content-Type-Options"), label).toBe("nosniff");
  expect(h("X-Frame-Options"), label).toBe("SAMEORIGIN");
  expect(h("Referrer-Policy"), label).toBe("no-referrer");
  expect(h("Strict-Transport-Security"), label).toMatch(/^max-age=\d+/);
  expect(h("Cross-Origin-Opener-Policy"), label).toBe("same-origin");
  expect(h("X-Request-Id"), label).toMatch(/^[\w-]{8,64}$/);
}

describe("headers on every response", () => {
  it("carries secure headers and a request id, errors included", async () => {
    const responses: [string, ApiResponse][] = [
      ["health", await client.get("/health")],
      ["openapi.json", await client.get("/openapi.json")],
      ["docs", await client.get("/docs")],
      ["401", await client.get("/api/me")],
      ["400", await client.post("/api/auth/login", { email: "not-an-email" })],
      ["403 origin", await client.post("/api/auth/login", {}, { Origin: "https://evil.example" })],
      ["404", await client.get("/api/nowhere")],
      ["413", await client.call("POST", "/api/auth/login", "x".repeat(1024 * 1024 + 1), { "Content-Type": "application/json" })],
    ];
    expect(responses.map(([label, res]) => `${label} ${res.status}`)).toEqual([
      "health 200", "openapi.json 200", "docs 200", "401 401", "400 400", "403 origin 403", "404 404", "413 413",
    ]);
    for (const [label, res] of responses) expectSecureHeaders(res, label);
    const ids = responses.map(([, res]) => res.headers.get("X-Request-Id"));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("never adopts a client's X-Request-Id, so audit request ids cannot be forged", async () => {
    const res = await client.get("/health", { "X-Request-Id": "forged-request-id-1234" });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).not.toBe("forged-request-id-1234");
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("an unexpected failure", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers 500 in the error shape with the request id, without leaking the cause", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = { driver: harness.driver, appliedMigrations: () => Promise.reject(new Error("disk on fire")) } as unknown as Store;
    const app = createApp({ store: () => broken, blobs: () => harness.blobs, clientAddress: () => "test" });
    const res = await new TestClient(app).get("/health");
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe("internal_error");
    expect(res.body.error.message).toContain(res.headers.get("X-Request-Id"));
    expect(JSON.stringify(res.body)).not.toContain("disk on fire");
    expectSecureHeaders(res, "500");
    expect(logged).toHaveBeenCalled();
  });
});
