// The real Workers entry (src/worker.ts, wrangler.toml's `main`) on local D1: what a deployment
// serves, beyond the shared API suite, which builds the app through the test harness.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker, { type WorkerEnv } from "../../src/worker";
import { signupBody, uniqueAddress } from "../support/fixtures";

describe("the Worker entry", () => {
  it("serves /health from its D1 binding", async () => {
    const res = await SELF.fetch("https://vouchers.example/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", driver: "d1" });
    expect(body.schema_version).toBe(body.expected_schema_version);
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("answers an unknown API route with a JSON 404, not the front end", async () => {
    const res = await SELF.fetch("https://vouchers.example/api/no-such-thing");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("signs up over https with a Secure, HttpOnly session cookie", async () => {
    const res = await SELF.fetch("https://vouchers.example/api/auth/signup", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://vouchers.example", "CF-Connecting-IP": uniqueAddress() },
      body: JSON.stringify(signupBody("sme")),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^session=[a-z2-7]{32};/);
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
  });
});

// The assets binding as wrangler.toml configures it (not_found_handling = "none"): a file it has,
// or a 404. What the Worker does with a 404 is the point: a page address gets index.html, a missing
// file (a source map, an old chunk) stays a 404 rather than becoming the app's HTML.
describe("the Worker entry's static files", () => {
  const files: Record<string, [string, string]> = {
    "/": ["<!doctype html><title>app</title>", "text/html"],
    "/app.ABCD1234.js": ["console.log(1)", "text/javascript"],
    // Uploaded by mistake: still never served.
    "/app.ABCD1234.js.map": ["{}", "application/json"],
    // The build's note of index.html's inline style hash: read by the Worker, never served.
    "/_csp.json": [`{"styleSrc":["'sha256-AbCd+/0123456789abcdefghijklmnopqrstuvwxyzA='","'unsafe-inline'"]}`, "application/json"],
  };
  const ASSETS = {
    async fetch(request: Request) {
      const file = files[new URL(request.url).pathname];
      return file ? new Response(file[0], { headers: { "Content-Type": file[1] } }) : new Response("missing", { status: 404 });
    },
  };
  const get = (path: string) =>
    worker.fetch(new Request(`https://vouchers.example${path}`), { ...(env as unknown as WorkerEnv), ASSETS }, { waitUntil() {} });

  it("serves a file it has, and the app's index.html for a page address", async () => {
    const script = await get("/app.ABCD1234.js");
    expect(script.status).toBe(200);
    expect(await script.text()).toBe("console.log(1)");
    const page = await get("/my-vouchers");
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Type")).toContain("text/html");
    expect(await page.text()).toContain("<title>app</title>");
  });

  it("allows index.html's inline style by the hash the build wrote, and nothing else inline", async () => {
    const page = await get("/my-vouchers");
    const policy = page.headers.get("Content-Security-Policy") ?? "";
    // The note's other entry is not a hash: dropped, never passed into the policy.
    expect(policy.split("; ")).toContain("style-src 'self' 'sha256-AbCd+/0123456789abcdefghijklmnopqrstuvwxyzA='");
    expect(policy).not.toContain("unsafe-inline");
    const api = await get("/api/no-such-thing");
    expect((api.headers.get("Content-Security-Policy") ?? "").split("; ")).toContain("style-src 'self'");
  });

  it("serves the app's shell at / with the same secure headers (wrangler.toml routes / through the Worker)", async () => {
    const root = await get("/");
    expect(root.status).toBe(200);
    expect(await root.text()).toContain("<title>app</title>");
    expect((root.headers.get("Content-Security-Policy") ?? "").split("; ")).toContain("style-src 'self' 'sha256-AbCd+/0123456789abcdefghijklmnopqrstuvwxyzA='");
    expect(root.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it.each(["/app.js.map", "/app.ABCD1234.js.map", "/chunk.GONE5678.js", "/favicon.ico", "/app.js.gz", "/_headers", "/_csp.json", "/.assetsignore"])(
    "answers %s with a JSON 404, not the app's HTML",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toContain("application/json");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    },
  );
});
