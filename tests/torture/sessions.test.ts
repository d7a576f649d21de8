// Session torture (issue 11), over every operation in /openapi.json rather than one route at a
// time (tests/api/auth.test.ts holds the single-route cases): a cookie after logout and after
// "log out everywhere", an expired session, unsafe requests from a foreign or unnamed origin, and
// sign-in brute force as concurrent storms per account and per address. Every refusal is checked
// to change no row (triggers count writes per table).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { LOGIN_LIMITS } from "../../src/auth/throttle";
import { SESSION_LIFETIME_MS } from "../../src/auth/session";
import { TEST_ADDRESS_HEADER } from "../support/build-harness";
import type { TestClient } from "../support/client";
import { createCast, logIn, newClient, signUpSme, TEST_PASSWORD, uniqueAddress, uniqueEmail, type Actor } from "../support/fixtures";
import { concretePath, fetchDocument, isGranted, operationsOf, type Operation } from "../support/openapi";

const harness = await createHarness();
const document = await fetchDocument(newClient(harness));
const operations = operationsOf(document);
const restricted = operations.filter((o) => o.spec["x-access"]?.access !== "public");
const unsafe = operations.filter((o) => !["GET", "HEAD", "OPTIONS"].includes(o.method));
const cast = await createCast(harness);

async function writeCounters() {
  const tables = (await harness.store.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name <> 'torture_writes'`)).map((t) => t.name);
  const statements = [sql.raw("CREATE TABLE IF NOT EXISTS torture_writes (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)")];
  for (const table of tables) {
    statements.push(sql.raw(`INSERT OR IGNORE INTO torture_writes VALUES ('${table}', 0)`));
    for (const event of ["INSERT", "UPDATE", "DELETE"]) statements.push(sql.raw(`CREATE TRIGGER IF NOT EXISTS torture_${event.toLowerCase()}_${table} AFTER ${event} ON "${table}" BEGIN UPDATE torture_writes SET n = n + 1 WHERE tbl = '${table}'; END`));
  }
  await harness.store.batch(statements);
  return async () => (await harness.store.all<{ n: number }>(sql`SELECT coalesce(sum(n), 0) AS n FROM torture_writes`))[0]!.n;
}
const writes = await writeCounters();

/** The operation with an empty body where it takes one (refusals here come before any body check). */
const call = (client: TestClient, operation: Operation, headers: Record<string, string> = {}) =>
  client.call(operation.method, concretePath(operation), operation.body ? {} : undefined, { "Idempotency-Key": `sessions-${uniqueAddress().slice(-6)}x`, ...headers });

/** Every restricted operation answers 401 to this client, and none of those answers wrote anything. */
async function everyOperationRefuses(client: TestClient, label: string) {
  const before = await writes();
  const wrong: string[] = [];
  for (const operation of restricted) {
    const res = await call(client, operation);
    if (res.status !== 401 || res.body.error.code !== "unauthenticated") wrong.push(`${operation.key} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
  }
  expect(wrong, `${label}:\n${wrong.join("\n")}`).toEqual([]);
  expect(await writes(), `${label}: a refused request wrote`).toBe(before);
  return restricted.length;
}

/** A second client holding the same session cookie (a stolen or copied cookie). */
function copyOf(client: TestClient): TestClient {
  const copy = newClient(harness);
  copy.setCookie("session", client.sessionToken!);
  return copy;
}

describe("a session that has ended is refused by every operation", () => {
  it("after logout: the old cookie, replayed from a copy, gets 401 on every restricted operation", async () => {
    const sme = await signUpSme(harness);
    const stolen = copyOf(sme.client);
    expect((await stolen.get("/api/me")).status).toBe(200);
    expect((await sme.client.post("/api/auth/logout", {})).status).toBe(204);
    const checked = await everyOperationRefuses(stolen, "after logout");
    console.info(`[sessions] after logout: ${checked} operations refused the old cookie`);
  });

  it("after log-out-everywhere: every session of the user is refused everywhere; another user's is not", async () => {
    const sme = await signUpSme(harness);
    const laptop = await logIn(harness, sme.user.email);
    const phone = await logIn(harness, sme.user.email);
    const bystander = await signUpSme(harness);
    const tab = copyOf(sme.client); // the cookie of the tab that logs out, kept by a copy
    expect((await sme.client.post("/api/auth/logout-all", {})).status).toBe(204);
    for (const [name, client] of [["this tab", tab], ["laptop", laptop], ["phone", phone]] as const) {
      await everyOperationRefuses(client, `after logout-all (${name})`);
    }
    expect((await bystander.client.get("/api/me")).status).toBe(200);
  });

  it("an expired session is refused by every operation and its row is deleted", async () => {
    const sme = await signUpSme(harness);
    const token = sme.client.sessionToken!;
    const saved = harness.clock.now;
    harness.clock.now += SESSION_LIFETIME_MS + 1;
    try {
      // The first refusal deletes the expired row (that write is the point); then nothing more.
      expect((await sme.client.get("/api/me")).status).toBe(401);
      const stale = newClient(harness);
      stale.setCookie("session", token);
      await everyOperationRefuses(stale, "expired");
    } finally {
      harness.clock.now = saved;
    }
    const [row] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM sessions WHERE user_id = ${sme.user.id}`);
    expect(Number(row?.n)).toBe(0);
  });
});

describe("unsafe requests from another site, or from nowhere, are refused before anything happens", () => {
  /** Someone the rule lets in, so the Origin check is the only reason to refuse. */
  const granted = (operation: Operation): TestClient => {
    const rule = operation.spec["x-access"];
    if (rule?.access === "public") return newClient(harness);
    const actor = rule?.access === "signed_in" ? cast[0] : cast.find((a: Actor) => isGranted(operation, a.grant));
    return (actor ?? cast[0]!).client;
  };
  const variants: [string, Record<string, string>, string][] = [
    ["a foreign Origin", { Origin: "https://evil.example" }, "origin_mismatch"],
    ["the same host under another scheme", { Origin: "https://localhost" }, "origin_mismatch"],
    ["Origin: null (a sandboxed page)", { Origin: "null" }, "origin_mismatch"],
    ["Sec-Fetch-Site: cross-site and no Origin", { "Sec-Fetch-Site": "cross-site" }, "origin_mismatch"],
    ["Sec-Fetch-Site: same-site (a sibling subdomain) and no Origin", { "Sec-Fetch-Site": "same-site" }, "origin_mismatch"],
  ];

  it.each(variants)("%s: every unsafe operation answers 403 and writes nothing", async (_label, headers, code) => {
    const before = await writes();
    const wrong: string[] = [];
    for (const operation of unsafe) {
      const res = await call(granted(operation), operation, headers);
      if (res.status !== 403 || res.body.error.code !== code) wrong.push(`${operation.key} → ${res.status} ${res.body?.error?.code}`);
    }
    expect(wrong, wrong.join("\n")).toEqual([]);
    expect(await writes()).toBe(before);
  });

  it("no Origin and no Sec-Fetch-Site (a bare script): every unsafe operation answers 403 origin_required and writes nothing", async () => {
    const before = await writes();
    const wrong: string[] = [];
    for (const operation of unsafe) {
      const client = granted(operation);
      const res = await harness.app.request(concretePath(operation), {
        method: operation.method,
        headers: { "Content-Type": "application/json", "Idempotency-Key": "bare-script-key", [TEST_ADDRESS_HEADER]: uniqueAddress(), ...(client.sessionToken ? { Cookie: `session=${client.sessionToken}` } : {}) },
        body: "{}",
      });
      const body = (await res.json()) as { error?: { code: string } };
      if (res.status !== 403 || body.error?.code !== "origin_required") wrong.push(`${operation.key} → ${res.status} ${body.error?.code}`);
    }
    expect(wrong, wrong.join("\n")).toEqual([]);
    expect(await writes()).toBe(before);
    expect(unsafe.length).toBeGreaterThan(40);
  });
});

describe("sign-in brute force, all at once", () => {
  /** Fixed windows: start just after a 15-minute boundary so no count straddles two windows. */
  const startOfWindow = () => {
    const window = 15 * 60_000;
    harness.clock.now = harness.clock.now - (harness.clock.now % window) + window + 1000;
  };
  const login = (email: string, password: string, address: string) => newClient(harness, { [TEST_ADDRESS_HEADER]: address }).post("/api/auth/login", { email, password });

  it("one address spraying 100 accounts at once gets exactly its 20 password checks; the rest are 429", async () => {
    startOfWindow();
    const address = uniqueAddress();
    const sme = await signUpSme(harness);
    const emails = [...Array.from({ length: 99 }, () => uniqueEmail("spray")), sme.user.email];
    const results = await Promise.all(emails.map((email) => login(email, "wrong-password", address)));
    const checked = results.filter((r) => r.status !== 429);
    expect(checked.length).toBe(LOGIN_LIMITS.addressPerWindow.allowed);
    for (const r of checked) expect(r.status).toBe(401);
    for (const r of results.filter((x) => x.status === 429)) expect(r.body.error.code).toBe("too_many_attempts");
    // The right password from that address waits too; from another address it signs in.
    expect((await login(sme.user.email, TEST_PASSWORD, address)).status).toBe(429);
    expect((await login(sme.user.email, TEST_PASSWORD, uniqueAddress())).status).toBe(200);
    console.info(`[sessions] 100 simultaneous sign-ins from one address: ${checked.length} checked, ${results.length - checked.length} answered 429`);
  });

  it("120 addresses guessing one account at once share its 50 daily checks; the owner's usual address still signs in", async () => {
    const sme = await signUpSme(harness);
    const usual = uniqueAddress();
    harness.clock.now = harness.clock.now - (harness.clock.now % 86_400_000) + 86_400_000 + 60_000;
    expect((await login(sme.user.email, TEST_PASSWORD, usual)).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => login(sme.user.email, `guess-${i}`, uniqueAddress())));
    const checked = results.filter((r) => r.status !== 429);
    expect(checked.length).toBe(LOGIN_LIMITS.accountPerDay.allowed);
    for (const r of checked) expect(r.status).toBe(401);
    expect((await login(sme.user.email, TEST_PASSWORD, uniqueAddress())).status, "a new address: the account's day is spent").toBe(429);
    expect((await login(sme.user.email, TEST_PASSWORD, usual)).status).toBe(200);
    console.info(`[sessions] 120 simultaneous guesses at one account from 120 addresses: ${checked.length} checked, ${results.length - checked.length} answered 429`);
  });
});
