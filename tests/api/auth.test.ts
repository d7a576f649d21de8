import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { SESSION_COOKIE } from "../../src/auth/session";
import { audit_events, organisations, sessions, users } from "../../src/db/schema";
import { DAY_MS } from "../../src/lib/time";
import { TEST_ADDRESS_HEADER } from "../support/build-harness";
import type { ApiResponse } from "../support/client";
import { logIn, newClient, signupBody, signUpProvider, signUpSme, TEST_PASSWORD, uniqueAddress, uniqueCreditCode, uniqueEmail } from "../support/fixtures";

const harness = await createHarness();
afterEach(() => {
  harness.clock.now = Date.now();
});

/** The session cookie's attributes from a response, keys lower-cased ("httponly", "samesite", …). */
function sessionCookie(res: ApiResponse): Record<string, string> | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${SESSION_COOKIE}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(";").map((part) => part.trim());
  const entries = attributes.map((a) => {
    const [key = "", ...value] = a.split("=");
    return [key.toLowerCase(), value.join("=")];
  });
  return { value: (pair ?? "").slice(SESSION_COOKIE.length + 1), ...Object.fromEntries(entries) };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const sessionsOf = (userId: string) => harness.store.db.select().from(sessions).where(eq(sessions.user_id, userId));

describe("sign-up", () => {
  it("registers an SME with its first user as admin and signs them in", async () => {
    const client = newClient(harness);
    const body = signupBody("sme", { organisation: { credit_code: ` ${uniqueCreditCode().toLowerCase()} ` } });
    const res = await client.post("/api/auth/signup", body);
    expect(res.status).toBe(201);
    expect(res.body.organisation).toMatchObject({ kind: "sme", provider_status: null, credit_status: "good" });
    expect(res.body.organisation.credit_code).toBe(body.organisation.credit_code.trim().toUpperCase());
    expect(res.body.user).toMatchObject({ email: body.user.email, role: "admin", org_id: res.body.organisation.id });
    expect(res.body.user).not.toHaveProperty("password_hash");

    const me = await client.get("/api/me");
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it("registers a provider as pending until an agency approves it", async () => {
    const provider = await signUpProvider(harness);
    expect(provider.org).toMatchObject({ kind: "provider", provider_status: "pending" });
    const approved = await signUpProvider(harness, { approved: true });
    expect(approved.org.provider_status).toBe("approved");
  });

  it("records the registration in the audit log without the password hash", async () => {
    const sme = await signUpSme(harness);
    const events = await harness.store.db.select().from(audit_events).where(eq(audit_events.subject_id, sme.user.id));
    expect(events.map((e) => e.action)).toEqual(["user.created"]);
    expect(events[0]?.after_json).toContain(sme.user.email);
    expect(events[0]?.after_json).not.toMatch(/password|scrypt/);
  });

  it("registers a credit code someone already registered, unverified: the first registrant does not own a public code", async () => {
    const first = await signUpSme(harness, { unverified: true });
    const again = signupBody("sme", { organisation: { credit_code: first.org.credit_code } });
    const res = await newClient(harness).post("/api/auth/signup", again);
    expect(res.status).toBe(201);
    expect(res.body.organisation).toMatchObject({ credit_code: first.org.credit_code, verification_state: "unverified" });
    expect(res.body.verification).toMatchObject({ state: "unverified", missing: ["business_licence", "submission"] });
    const holders = await harness.store.db.select().from(organisations).where(eq(organisations.credit_code, first.org.credit_code));
    expect(holders.map((o) => o.verification_state)).toEqual(["unverified", "unverified"]);
  });

  it("refuses an email that is already registered, whatever its case, and creates nothing", async () => {
    const first = await signUpSme(harness);
    const again = signupBody("sme", { user: { email: first.user.email.toUpperCase() } });
    const res = await newClient(harness).post("/api/auth/signup", again);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("email_taken");
    const orgs = await harness.store.db.select().from(organisations).where(eq(organisations.credit_code, again.organisation.credit_code));
    expect(orgs).toEqual([]);
  });

  it("names the field when the credit code's check character is wrong", async () => {
    const res = await newClient(harness).post("/api/auth/signup", signupBody("sme", { organisation: { credit_code: "91350203M0001QAY9B" } }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(res.body.error.details.issues).toContainEqual(expect.objectContaining({ field: "organisation.credit_code" }));
    expect(res.body.error.message).toContain("organisation.credit_code");
  });

  it("does not let anyone sign up as an agency", async () => {
    const res = await newClient(harness).post("/api/auth/signup", signupBody("sme", { organisation: { kind: "agency" } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toContainEqual(expect.objectContaining({ field: "organisation.kind" }));
  });
});

describe("login, logout and the current user", () => {
  it("answers 401 to /api/me without a session", async () => {
    const res = await newClient(harness).get("/api/me");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthenticated");
  });

  it("signs in with the right password and shows the user and organisation", async () => {
    const sme = await signUpSme(harness);
    const client = newClient(harness);
    const res = await client.post("/api/auth/login", { email: sme.user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(sme.user.id);
    expect(res.body.organisation.id).toBe(sme.org.id);
    expect((await client.get("/api/me")).body.user.email).toBe(sme.user.email);
  });

  it("refuses a wrong password and an unknown account with the same answer", async () => {
    const sme = await signUpSme(harness);
    const wrong = await newClient(harness).post("/api/auth/login", { email: sme.user.email, password: "not-the-password" });
    const unknown = await newClient(harness).post("/api/auth/login", { email: uniqueEmail("nobody"), password: "not-the-password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(sessionCookie(wrong)).toBeUndefined();
  });

  it("logout ends this session only: the cookie is cleared and the old token is refused", async () => {
    const sme = await signUpSme(harness);
    const other = await logIn(harness, sme.user.email);
    const token = sme.client.sessionToken as string;
    const res = await sme.client.post("/api/auth/logout");
    expect(res.status).toBe(204);
    expect(sessionCookie(res)?.["max-age"]).toBe("0");
    expect((await sme.client.get("/api/me")).status).toBe(401);
    const replay = newClient(harness);
    replay.setCookie(SESSION_COOKIE, token);
    expect((await replay.get("/api/me")).status).toBe(401);
    expect((await other.get("/api/me")).status).toBe(200);
    expect(await sessionsOf(sme.user.id)).toHaveLength(1);
  });

  it("'log out everywhere' ends every session of the user and no one else's", async () => {
    const sme = await signUpSme(harness);
    const laptop = await logIn(harness, sme.user.email);
    const phone = await logIn(harness, sme.user.email);
    const bystander = await signUpSme(harness);
    expect(await sessionsOf(sme.user.id)).toHaveLength(3);

    expect((await laptop.post("/api/auth/logout-all")).status).toBe(204);
    for (const client of [sme.client, laptop, phone]) expect((await client.get("/api/me")).status).toBe(401);
    expect(await sessionsOf(sme.user.id)).toEqual([]);
    expect((await bystander.client.get("/api/me")).status).toBe(200);
  });
});

describe("session cookie and storage", () => {
  it("sets an HttpOnly, SameSite=Lax cookie for the whole site, expiring in 30 days, not Secure over http", async () => {
    const client = newClient(harness);
    const res = await client.post("/api/auth/signup", signupBody("sme"));
    const cookie = sessionCookie(res);
    expect(cookie).toMatchObject({ httponly: "", samesite: "Lax", path: "/" });
    expect(cookie).not.toHaveProperty("secure");
    expect(Date.parse(cookie?.expires as string)).toBeCloseTo(harness.clock.now + 30 * DAY_MS, -4);
  });

  it("marks the cookie Secure when the request came over https", async () => {
    const sme = await signUpSme(harness);
    const client = newClient(harness);
    const res = await client.call("POST", "https://localhost/api/auth/login", { email: sme.user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toMatchObject({ secure: "", httponly: "", samesite: "Lax", path: "/" });
  });

  it("stores only SHA-256 of the token, never the token itself", async () => {
    const sme = await signUpSme(harness);
    const token = sme.client.sessionToken as string;
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const rows = await sessionsOf(sme.user.id);
    expect(rows.map((r) => r.id)).toEqual([await sha256Hex(token)]);
    expect(await harness.store.db.select().from(sessions).where(eq(sessions.id, token))).toEqual([]);
  });
});

describe("session expiry and sliding renewal", () => {
  it("expires a session unused for 30 days and deletes its row", async () => {
    const sme = await signUpSme(harness);
    harness.clock.now += 30 * DAY_MS;
    const res = await sme.client.get("/api/me");
    expect(res.status).toBe(401);
    expect(await sessionsOf(sme.user.id)).toEqual([]);
  });

  it("renews a session used in its second half to a full 30 days from then", async () => {
    const sme = await signUpSme(harness);
    const [before] = await sessionsOf(sme.user.id);
    harness.clock.now += 16 * DAY_MS;
    const res = await sme.client.get("/api/me");
    expect(res.status).toBe(200);
    const renewedUntil = harness.clock.now + 30 * DAY_MS;
    expect(Date.parse(sessionCookie(res)?.expires as string)).toBeCloseTo(renewedUntil, -4);
    expect(Date.parse(res.body.session_expires_at)).toBe(renewedUntil);
    const [after] = await sessionsOf(sme.user.id);
    expect(after?.expires_at).toBe(renewedUntil);
    expect(after?.expires_at).toBeGreaterThan(before?.expires_at as number);

    harness.clock.now += 29 * DAY_MS;
    expect((await sme.client.get("/api/me")).status).toBe(200);
  });

  it("does not renew a session still in its first half", async () => {
    const sme = await signUpSme(harness);
    const [before] = await sessionsOf(sme.user.id);
    harness.clock.now += 14 * DAY_MS;
    const res = await sme.client.get("/api/me");
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toBeUndefined();
    expect(Date.parse(res.body.session_expires_at)).toBe(before?.expires_at);
    expect((await sessionsOf(sme.user.id))[0]?.expires_at).toBe(before?.expires_at);
  });
});

describe("login throttling", () => {
  const login = (email: string, password: string, address: string) =>
    newClient(harness, { [TEST_ADDRESS_HEADER]: address }).post("/api/auth/login", { email, password });
  /** Fixed windows: start each test just after a 15-minute boundary so no count straddles two windows. */
  const startOfWindow = () => {
    const window = 15 * 60_000;
    harness.clock.now = harness.clock.now - (harness.clock.now % window) + window + 1000;
  };

  it("100 simultaneous sign-ins for one account (99 wrong, 1 right) check at most 5 passwords; the rest get 429", async () => {
    const sme = await signUpSme(harness);
    const address = uniqueAddress();
    startOfWindow();
    const passwords = [...Array.from({ length: 99 }, (_, i) => `wrong-password-${i}`), TEST_PASSWORD];
    const results = await Promise.all(passwords.map((password) => login(sme.user.email, password, address)));
    const checked = results.filter((r) => r.status !== 429);
    expect(checked.length, "password checks that ran").toBeLessThanOrEqual(5);
    expect(checked.length).toBeGreaterThanOrEqual(1);
    for (const refused of results.filter((r) => r.status === 429)) {
      expect(refused.body.error.code).toBe("too_many_attempts");
      expect(sessionCookie(refused)).toBeUndefined();
    }
    const signedIn = results.filter((r) => r.status === 200);
    expect(signedIn.length, "the right password signs in only if it was among the checked").toBe(
      results[99]?.status === 200 ? 1 : 0,
    );
    expect(await sessionsOf(sme.user.id)).toHaveLength(1 + signedIn.length);
    // With the window spent, the right password from this address is refused too.
    const after = await login(sme.user.email, TEST_PASSWORD, address);
    expect(after.status).toBe(signedIn.length ? 200 : 429);
  });

  it("a stranger spending the attempts of their own address does not lock the owner out of theirs", async () => {
    const sme = await signUpSme(harness);
    const [stranger, owner] = [uniqueAddress(), uniqueAddress()];
    startOfWindow();
    for (let i = 0; i < 5; i++) expect((await login(sme.user.email, "wrong-password", stranger)).status).toBe(401);
    const locked = await login(sme.user.email, TEST_PASSWORD, stranger);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("too_many_attempts");
    const retryAfter = Number(locked.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.body.error.details).toEqual({ retry_after_seconds: retryAfter });

    expect((await login(sme.user.email, TEST_PASSWORD, owner)).status).toBe(200);
    harness.clock.now += retryAfter * 1000;
    expect((await login(sme.user.email, TEST_PASSWORD, stranger)).status).toBe(200);
  });

  it("many strangers share 50 guesses a day at one account, but the owner's usual address still signs in", async () => {
    const sme = await signUpSme(harness);
    const usual = uniqueAddress();
    harness.clock.now = harness.clock.now - (harness.clock.now % DAY_MS) + 60_000;
    expect((await login(sme.user.email, TEST_PASSWORD, usual)).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      const bot = uniqueAddress();
      for (let j = 0; j < 5; j++) expect((await login(sme.user.email, `wrong-${i}-${j}`, bot)).status).toBe(401);
    }
    expect((await login(sme.user.email, TEST_PASSWORD, uniqueAddress())).status, "a new address, account limit spent").toBe(429);
    expect((await login(sme.user.email, TEST_PASSWORD, usual)).status).toBe(200);
  });

  it("the owner's successful sign-ins do not count; failures after a success still do", async () => {
    const sme = await signUpSme(harness);
    const address = uniqueAddress();
    startOfWindow();
    for (let i = 0; i < 8; i++) expect((await login(sme.user.email, TEST_PASSWORD, address)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(sme.user.email, "wrong-password", address)).status).toBe(401);
    expect((await login(sme.user.email, TEST_PASSWORD, address)).status).toBe(200);
    expect((await login(sme.user.email, "wrong-password", address)).status).toBe(401);
    expect((await login(sme.user.email, TEST_PASSWORD, address)).status).toBe(429);
    harness.clock.now += 15 * 60_000;
    expect((await login(sme.user.email, TEST_PASSWORD, address)).status).toBe(200);
  });

  it("limits an address to 20 attempts in 15 minutes across different accounts, but not other addresses", async () => {
    const sme = await signUpSme(harness);
    const address = uniqueAddress();
    startOfWindow();
    for (let i = 0; i < 20; i++) expect((await login(uniqueEmail("guess"), "wrong-password", address)).status).toBe(401);
    const locked = await login(sme.user.email, TEST_PASSWORD, address);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("Retry-After"))).toBe(15 * 60 - 1);
    expect((await login(sme.user.email, TEST_PASSWORD, uniqueAddress())).status).toBe(200);
  });
});

describe("cross-site request refusal (Origin check)", () => {
  it("refuses an unsafe request from another site's page, before it does anything", async () => {
    const sme = await signUpSme(harness);
    const res = await sme.client.post("/api/auth/logout", {}, { Origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("origin_mismatch");
    expect((await sme.client.get("/api/me")).status).toBe(200);
  });

  it("refuses a request the browser marks Sec-Fetch-Site: cross-site even without Origin", async () => {
    const sme = await signUpSme(harness);
    const res = await sme.client.post("/api/auth/logout", {}, { "Sec-Fetch-Site": "cross-site" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("origin_mismatch");
    expect((await sme.client.get("/api/me")).status).toBe(200);
  });

  it("accepts the same origin, named by Origin or by Sec-Fetch-Site alone", async () => {
    const sme = await signUpSme(harness);
    const client = newClient(harness);
    const login = { email: sme.user.email, password: TEST_PASSWORD };
    expect((await client.post("/api/auth/login", login, { Origin: "http://localhost", "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
    expect((await client.post("/api/auth/logout", {}, { "Sec-Fetch-Site": "same-origin" })).status).toBe(204);
  });

  it("refuses an unsafe request that names neither its Origin nor Sec-Fetch-Site, before it does anything", async () => {
    const sme = await signUpSme(harness);
    const bare = (path: string, body: unknown) =>
      harness.app.request(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: `${SESSION_COOKIE}=${sme.client.sessionToken}` },
        body: JSON.stringify(body),
      });
    const logout = await bare("/api/auth/logout", {});
    expect(logout.status).toBe(403);
    expect(((await logout.json()) as { error: { code: string } }).error.code).toBe("origin_required");
    expect((await sme.client.get("/api/me")).status, "the session was not ended").toBe(200);
    const signup = await bare("/api/auth/signup", signupBody("sme"));
    expect(signup.status).toBe(403);
  });

  it("refuses the same host under another scheme (an http page cannot act on the https site)", async () => {
    const sme = await signUpSme(harness);
    const res = await sme.client.post("/api/auth/logout", {}, { Origin: "https://localhost" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("origin_mismatch");
  });

  it("lets safe methods through from anywhere (they change nothing)", async () => {
    const sme = await signUpSme(harness);
    expect((await sme.client.get("/api/me", { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" })).status).toBe(200);
  });
});
