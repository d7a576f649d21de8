// The real Workers entry (src/worker.ts, wrangler.toml's `main`) on local D1: what a deployment
// serves, beyond the shared API suite, which builds the app through the test harness.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
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
