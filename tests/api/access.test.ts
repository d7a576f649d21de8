// Deny by default, proven over the whole OpenAPI document: every operation has a declared rule,
// nobody gets in without a session unless the rule says public, and a signed-in person whose
// kind and role the rule does not grant is refused. Routes added later are covered unchanged.
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { accessRules } from "../../src/auth/access";
import { createCast, newClient } from "../support/fixtures";
import { concretePath, fetchDocument, isGranted, operationsOf, type Operation } from "../support/openapi";

const harness = await createHarness();
const document = await fetchDocument(newClient(harness));
const operations = operationsOf(document);
const cast = await createCast(harness);

/** Routes served outside the document on purpose: the document itself and its rendering. */
const UNDOCUMENTED = new Set(["GET /openapi.json", "GET /docs"]);

function call(client: ReturnType<typeof newClient>, operation: Operation) {
  const body = operation.body ? {} : undefined;
  return client.call(operation.method, concretePath(operation), body);
}

describe("the access table covers every route", () => {
  it("finds operations to check", () => {
    expect(operations.length).toBeGreaterThanOrEqual(12);
  });

  it.each(operations)("$key has a declared rule, published as x-access", ({ key, spec }) => {
    const rule = accessRules[key];
    expect(rule, `add "${key}" to src/auth/access.ts`).toBeDefined();
    expect(spec["x-access"]).toEqual(rule);
    expect(spec.security).toEqual(rule?.access === "public" ? [] : [{ session: [] }]);
  });

  it("declares no rule for a route the app does not serve (a typo, or a router not mounted)", () => {
    const documented = new Set(operations.map((o) => o.key));
    expect(Object.keys(accessRules).filter((key) => !documented.has(key))).toEqual([]);
  });

  it("serves nothing outside the document but the document itself", () => {
    const served = harness.app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
    const documented = new Set(operations.map((o) => o.key));
    expect([...new Set(served)].filter((key) => !documented.has(key) && !UNDOCUMENTED.has(key))).toEqual([]);
  });
});

describe("without a session", () => {
  const restricted = operations.filter((o) => o.spec["x-access"]?.access !== "public");

  it.each(restricted)("$key answers 401", async (operation) => {
    const res = await call(newClient(harness), operation);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "unauthenticated", message: expect.any(String) });
  });

  it("the public operations are only these (making one public is a decision: add it here)", () => {
    const open = operations.filter((o) => o.spec["x-access"]?.access === "public").map((o) => o.key);
    expect(open.sort()).toEqual([
      // Audit log: outsiders verify with checkpoints, proofs and the public key (docs/audit-log.md).
      "GET /api/audit/checkpoints",
      "GET /api/audit/checkpoints/{size}",
      "GET /api/audit/proofs/consistency",
      "GET /api/audit/proofs/inclusion",
      "GET /api/audit/public-key",
      "GET /api/exports/notices.csv",
      "GET /api/notices",
      "GET /health",
      "POST /api/auth/accept-invitation",
      "POST /api/auth/login",
      // A forgotten password: the request answers the same for any address; the link's token is the credential (docs/accounts.md).
      "POST /api/auth/password-reset",
      "POST /api/auth/password-reset/request",
      "POST /api/auth/signup",
      "POST /api/notices/{claim_id}/objections",
    ]);
  });
});

describe("signed in, but of a kind or role the rule does not grant", () => {
  const byGrant = operations.filter((o) => o.spec["x-access"]?.access === "grants");

  it.each(byGrant)("$key answers 403 to everyone it does not grant", async (operation) => {
    const outsiders = cast.filter((actor) => !isGranted(operation, actor.grant));
    expect(outsiders.length, "a rule granting every kind and role should say signed_in").toBeGreaterThan(0);
    for (const actor of outsiders) {
      const res = await call(actor.client, operation);
      expect(res.status, `${actor.grant} on ${operation.key}`).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
  });

  it("the cast still holds every session (no check above signed anyone out)", async () => {
    for (const actor of cast) expect((await actor.client.get("/api/me")).status, actor.grant).toBe(200);
  });
});

describe("organisation scope: nobody touches another organisation's data", () => {
  const actor = (grant: string) => {
    const found = cast.find((a) => a.grant === grant);
    if (!found) throw new Error(`no ${grant} in the cast`);
    return found;
  };
  const sme = actor("sme:admin");
  const provider = actor("provider:admin");

  it("an SME reads its own organisation and related parties, and not another's (404, nothing leaks)", async () => {
    expect((await sme.client.get(`/api/organisations/${sme.org.id}`)).status).toBe(200);
    expect((await sme.client.get(`/api/organisations/${sme.org.id}/related-parties`)).status).toBe(200);
    const read = await sme.client.get(`/api/organisations/${provider.org.id}`);
    expect(read.status).toBe(404);
    expect(read.body.error.code).toBe("not_found");
    expect((await sme.client.get(`/api/organisations/${provider.org.id}/related-parties`)).status).toBe(404);
  });

  it("an SME cannot declare related parties for another organisation", async () => {
    const declaration = { relation: "shareholder", party_name: "张三 Zhang San" };
    expect((await sme.client.post(`/api/organisations/${provider.org.id}/related-parties`, declaration)).status).toBe(403);
    expect((await provider.client.get(`/api/organisations/${provider.org.id}/related-parties`)).body.items).toEqual([]);
  });

  it("agency staff read an organisation only when it is related to their agency's programmes (src/auth/organisation-access.ts)", async () => {
    const auditor = actor("agency:auditor");
    expect((await auditor.client.get(`/api/organisations/${sme.org.id}`)).status).toBe(404);
    expect((await auditor.client.get(`/api/organisations/${sme.org.id}/related-parties`)).status).toBe(404);
    // Once the agency has vetted the provider, the provider is related to it.
    expect((await actor("agency:reviewer").client.post(`/api/providers/${provider.org.id}/approve`, {})).status).toBe(200);
    expect((await auditor.client.get(`/api/organisations/${provider.org.id}`)).body.id).toBe(provider.org.id);
  });
});
