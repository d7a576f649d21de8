// Hostile input as every role (issue 11): a fast-check generator built from /openapi.json sends a
// bounded, seeded stream of malformed, oversized, wrong-typed and boundary requests to every
// operation, as an SME, a provider, an agency admin, an agency auditor and a signed-out client.
// Two complete worlds exist (agency, programme, SME with a voucher and a booking, approved
// provider with an offering), so requests also aim at the other world's records. For every
// answer: no 5xx; every error in the one error shape; nothing of the other world's private
// records in any answer; and a refused request changes no row (triggers on every table count
// writes, read before and after each request).
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { MAX_BODY_BYTES } from "../../src/app";
import { TEST_ADDRESS_HEADER } from "../support/build-harness";
import type { ApiResponse, TestClient } from "../support/client";
import { logIn, newClient, uniqueAddress, TEST_PASSWORD } from "../support/fixtures";
import { booked, cst, MONDAY_8AM, publish, computeBody, voucherMarket } from "../support/bookings";
import { fetchDocument, operationsOf, resolve, type Json, type Operation } from "../support/openapi";

const REQUESTS = Number(process.env.TORTURE_HOSTILE_REQUESTS ?? 3_000);
const SEED = Number(process.env.TORTURE_SEED ?? 20261202);

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;

/** One world: its agency, programme, SME (voucher, application, booking) and provider (offering). */
async function world() {
  const market = await voucherMarket(harness);
  const offering = await publish(market.provider, computeBody({ capacity_units: 4 }));
  const booking = await booked(market.sme.client, { offering_id: offering.id, quantity: 1, starts_at: cst("2026-03-04T10:00"), ends_at: cst("2026-03-04T12:00"), voucher_id: market.voucher.id });
  const ids = {
    programmes: [market.programme.id as string],
    vouchers: [market.voucher.id as string],
    "voucher-applications": [market.voucher.application_id as string].filter(Boolean),
    bookings: [booking.id],
    offerings: [offering.id],
    organisations: [market.sme.org.id, market.provider.org.id, market.agency.org.id],
    providers: [market.provider.org.id],
    users: [market.sme.user.id, market.provider.user.id, market.agency.admin.user.id],
  };
  // What no one outside this world may ever see: its vouchers, applications, bookings and people.
  const secrets = [...ids.vouchers, ...ids["voucher-applications"], ...ids.bookings, market.sme.user.email, market.provider.user.email, market.agency.auditor.user.email];
  return { market, offering, booking, ids, secrets };
}

const worldA = await world();
const worldB = await world();

interface Role {
  name: string;
  client: TestClient;
  email?: string;
  /** Strings that must never appear in an answer this role gets. */
  forbidden: string[];
}
const roles: Role[] = [
  { name: "sme", client: worldA.market.sme.client, email: worldA.market.sme.user.email, forbidden: worldB.secrets },
  { name: "provider", client: worldA.market.provider.client, email: worldA.market.provider.user.email, forbidden: worldB.secrets },
  { name: "agency", client: worldA.market.agency.admin.client, email: worldA.market.agency.admin.user.email, forbidden: worldB.secrets },
  { name: "auditor", client: worldA.market.agency.auditor.client, email: worldA.market.agency.auditor.user.email, forbidden: worldB.secrets },
  { name: "signed-out", client: newClient(harness), forbidden: [...worldA.secrets, ...worldB.secrets] },
];

const document = await fetchDocument(newClient(harness));
const operations = operationsOf(document);

// ---- the generator ---------------------------------------------------------------------------

const HOSTILE_STRINGS = ["", " ", "\u0000", "\u202e", "😀".repeat(40), "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "9".repeat(400), "a".repeat(10_001), "null", "-1", "1e309", "NaN", "\\", "\r\n", "org_", "bkg_" + "a".repeat(200)];
const HOSTILE_NUMBERS = [-1, 0, 0.5, -0, 1e308, -1e308, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), Number.MAX_SAFE_INTEGER];
const hostileScalar = fc.oneof(fc.constantFrom<unknown>(null, true, false, {}, [], ...HOSTILE_STRINGS, ...HOSTILE_NUMBERS), fc.string({ maxLength: 20 }), fc.integer());
/** An object nested deeper than any schema expects. */
const deep = fc.integer({ min: 50, max: 400 }).map((depth) => {
  let value: unknown = "x";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});

const isoAround = fc.integer({ min: -400, max: 400 }).map((days) => new Date(MONDAY_8AM + days * 86_400_000 + (days % 24) * 3_600_000).toISOString());

/** Values a schema accepts or nearly accepts (its boundaries), with hostile ones mixed in at every level. */
function valueFor(raw: Json, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  const branches: Json[] | undefined = schema.anyOf ?? schema.oneOf;
  let near: fc.Arbitrary<unknown>;
  if (branches?.length) near = fc.oneof(...branches.map((b) => valueFor(b, depth + 1)));
  else if (Array.isArray(schema.enum)) near = fc.constantFrom(...schema.enum);
  else if (schema.type === "object" || schema.properties) {
    const properties = Object.entries<Json>(schema.properties ?? {});
    near =
      depth > 4
        ? fc.constant({})
        : fc.tuple(fc.record(Object.fromEntries(properties.map(([k, v]) => [k, valueFor(v, depth + 1)])), { requiredKeys: [] }), fc.option(fc.tuple(fc.string({ maxLength: 12 }), hostileScalar), { freq: 5 })).map(([record, extra]) => (extra ? { ...record, [extra[0]]: extra[1] } : record));
  } else if (schema.type === "array") {
    const max = typeof schema.maxItems === "number" ? schema.maxItems + 1 : 5;
    near = depth > 4 ? fc.constant([]) : fc.array(valueFor(schema.items ?? {}, depth + 1), { maxLength: Math.min(max, 60) });
  } else if (schema.type === "integer" || schema.type === "number") {
    const min = typeof schema.minimum === "number" ? schema.minimum : 0;
    const max = typeof schema.maximum === "number" ? schema.maximum : 1_000_000;
    near = fc.oneof(fc.constantFrom(min - 1, min, min + 1, max - 1, max, max + 1), fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) }), fc.double({ noNaN: true }));
  } else if (schema.type === "boolean") near = fc.boolean();
  else if (schema.type === "string") {
    const min = schema.minLength ?? 0;
    const max = schema.maxLength ?? 64;
    const lengths = [Math.max(0, min - 1), min, max, max + 1];
    const patterned = schema.format === "date-time" ? isoAround : schema.format === "date" ? isoAround.map((d) => d.slice(0, 10)) : /^\^\\d\{6\}\$$/.test(schema.pattern ?? "") ? fc.constantFrom("110108", "440305", "000000") : fc.string({ minLength: min, maxLength: Math.min(max, 200) });
    near = fc.oneof(patterned, fc.constantFrom(...lengths).map((n) => "字".repeat(n)), fc.constantFrom(...Object.values(worldA.ids).flat(), ...Object.values(worldB.ids).flat()));
  } else near = hostileScalar;
  return fc.oneof({ weight: 5, arbitrary: near }, { weight: 1, arbitrary: hostileScalar });
}

/** Path ids: the records of either world that the path names (so refusals of foreign access are tried), or hostile strings. */
function pathValue(operation: Operation, name: string): fc.Arbitrary<string> {
  const resource = operation.path.split("/")[2] ?? "";
  const pool = name === "user_id" ? [...worldA.ids.users, ...worldB.ids.users] : [...(worldA.ids as Record<string, string[]>)[resource] ?? [], ...(worldB.ids as Record<string, string[]>)[resource] ?? []];
  const any = [...Object.values(worldA.ids).flat(), ...Object.values(worldB.ids).flat()];
  return fc.oneof(
    { weight: pool.length ? 6 : 0, arbitrary: pool.length ? fc.constantFrom(...pool) : fc.constant("x") },
    { weight: 2, arbitrary: fc.constantFrom(...any) },
    { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...HOSTILE_STRINGS, "1", "0", "-5", "99999999999999999999"), fc.string({ maxLength: 30 })) },
  );
}

type BodyMode = "json" | "malformed" | "oversized" | "text" | "none" | "deep";
interface HostileRequest {
  operation: Operation;
  role: Role;
  path: string;
  mode: BodyMode;
  body?: unknown;
  key: string;
}

function requestFor(operation: Operation): fc.Arbitrary<Omit<HostileRequest, "role">> {
  const pathParams = operation.parameters.filter((p) => p.in === "path");
  const queryParams = operation.parameters.filter((p) => p.in === "query");
  const path = fc
    .tuple(
      fc.tuple(...pathParams.map((p) => pathValue(operation, p.name)), fc.constant("")),
      fc.tuple(...queryParams.map((p) => fc.option(valueFor(p.schema), { freq: 2 })), fc.constant(null)),
    )
    .map(([values, queries]) => {
      let filled = operation.path;
      pathParams.forEach((p, i) => (filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(values[i])))));
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const value = queries[i];
        if (value !== null && value !== undefined) search.set(p.name, typeof value === "object" ? JSON.stringify(value) : String(value));
      });
      return search.size ? `${filled}?${search}` : filled;
    });
  const body: fc.Arbitrary<{ mode: BodyMode; body?: unknown }> = operation.body
    ? fc.oneof(
        { weight: 12, arbitrary: valueFor(operation.body).map((body) => ({ mode: "json" as const, body })) },
        { weight: 1, arbitrary: fc.constantFrom<{ mode: BodyMode; body?: unknown }>({ mode: "malformed", body: '{"a":' }, { mode: "oversized" }, { mode: "text", body: "amount_fen=1" }, { mode: "none" }) },
        { weight: 1, arbitrary: deep.map((body) => ({ mode: "deep" as const, body })) },
      )
    : fc.oneof({ weight: 6, arbitrary: fc.constant({ mode: "none" as const }) }, { weight: 1, arbitrary: hostileScalar.map((body) => ({ mode: "json" as const, body })) });
  const key = fc.oneof({ weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{8,24}$/) }, { weight: 1, arbitrary: fc.constantFrom("", "short", "k".repeat(129), "bad key!", "key/with/slashes", "%E9%94%AE%E9%94%AE%E9%94%AE") });
  return fc.record({ operation: fc.constant(operation), path, key }).chain((r) => body.map((b) => ({ ...r, ...b })));
}

const hostileRequest: fc.Arbitrary<HostileRequest> = fc
  .tuple(fc.constantFrom(...operations), fc.constantFrom(...roles))
  .chain(([operation, role]) => requestFor(operation).map((r) => ({ ...r, role })));

// ---- sending and watching ---------------------------------------------------------------------

async function send(request: HostileRequest): Promise<ApiResponse> {
  const headers: Record<string, string> = { "Idempotency-Key": request.key, [TEST_ADDRESS_HEADER]: uniqueAddress() };
  const { client } = request.role;
  switch (request.mode) {
    case "malformed":
    case "text":
      return client.call(request.operation.method, request.path, request.body as string, { ...headers, "Content-Type": request.mode === "text" ? "text/plain" : "application/json" });
    case "oversized":
      return client.call(request.operation.method, request.path, JSON.stringify({ padding: "x".repeat(MAX_BODY_BYTES) }), { ...headers, "Content-Type": "application/json" });
    case "none":
      return client.call(request.operation.method, request.path, undefined, headers);
    default:
      if (request.operation.method === "GET" || request.operation.method === "HEAD") return client.call(request.operation.method, request.path, undefined, headers);
      return client.call(request.operation.method, request.path, JSON.stringify(request.body ?? null), { ...headers, "Content-Type": "application/json" });
  }
}

/** Counts writes per table, by triggers on every table of the product's schema. */
async function installWriteCounters(): Promise<string[]> {
  const tables = (await harness.store.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND sql NOT LIKE 'CREATE VIRTUAL%'`)).map((t) => t.name);
  const statements = [sql.raw("CREATE TABLE torture_writes (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)")];
  for (const table of tables) {
    statements.push(sql.raw(`INSERT INTO torture_writes VALUES ('${table}', 0)`));
    for (const event of ["INSERT", "UPDATE", "DELETE"]) {
      statements.push(sql.raw(`CREATE TRIGGER torture_${event.toLowerCase()}_${table} AFTER ${event} ON "${table}" BEGIN UPDATE torture_writes SET n = n + 1 WHERE tbl = '${table}'; END`));
    }
  }
  await harness.store.batch(statements);
  return tables;
}

async function writeCounts(): Promise<Map<string, number>> {
  const rows = await harness.store.all<{ tbl: string; n: number }>(sql`SELECT tbl, n FROM torture_writes`);
  return new Map(rows.map((r) => [r.tbl, Number(r.n)]));
}

// Tables a refused request may write, and why:
//  - rate_limits: throttles count refused attempts (a wrong password, a sign-up over the limit);
//    that count is the point of a throttle.
const WRITTEN_BY_REFUSALS = new Set(["rate_limits"]);

function errorShapeProblem(res: ApiResponse): string | null {
  const body = res.body as Json;
  if (!body || typeof body !== "object" || Object.keys(body).join() !== "error") return "not {error: …}";
  const extra = Object.keys(body.error).filter((k) => !["code", "message", "details"].includes(k));
  if (extra.length) return `extra keys ${extra}`;
  if (!/^[a-z][a-z_]*$/.test(body.error.code ?? "")) return `code ${body.error.code}`;
  // "中文 / English" (the English may start with a figure: "1 row(s) are wrong").
  if (!/[\u4e00-\u9fff][^/]*\/\s*[A-Za-z0-9]/.test(body.error.message ?? "")) return `message ${body.error.message}`;
  return null;
}

describe("hostile input as every role", () => {
  it(`${REQUESTS} generated requests (seed ${SEED}): no 5xx, one error shape, no change from a refusal, nothing of the other organisations`, async () => {
    const tables = await installWriteCounters();
    expect(tables.length).toBeGreaterThan(20);
    const requests = fc.sample(hostileRequest, { seed: SEED, numRuns: REQUESTS });
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const perRole = new Map<string, number>();
    const reached = new Set<string>();
    const accepted = new Map<string, number>();
    const started = performance.now();
    let acceptedWrites = 0;
    let before = await writeCounts();
    for (const request of requests) {
      const res = await send(request);
      const after = await writeCounts();
      const what = `${request.role.name} ${request.operation.method} ${request.path.slice(0, 160)} [${request.mode}] → ${res.status}`;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      perRole.set(request.role.name, (perRole.get(request.role.name) ?? 0) + 1);
      reached.add(request.operation.key);
      if (res.status >= 500) problems.push(`5xx: ${what} ${JSON.stringify(res.body).slice(0, 300)} body ${JSON.stringify(request.body)?.slice(0, 300)}`);
      if (res.status >= 400) {
        const shape = errorShapeProblem(res);
        if (shape) problems.push(`error shape (${shape}): ${what} ${JSON.stringify(res.body).slice(0, 200)}`);
        const changed = [...after].filter(([table, n]) => n !== before.get(table) && !WRITTEN_BY_REFUSALS.has(table)).map(([t]) => t);
        if (changed.length) problems.push(`a refusal changed ${changed.join(", ")}: ${what} ${JSON.stringify(res.body).slice(0, 200)}`);
      } else {
        accepted.set(request.operation.key, (accepted.get(request.operation.key) ?? 0) + 1);
        if ([...after].some(([table, n]) => n !== before.get(table) && !WRITTEN_BY_REFUSALS.has(table))) acceptedWrites++;
      }
      const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
      const leaked = request.role.forbidden.filter((secret) => text.includes(secret));
      if (leaked.length) problems.push(`leak of ${leaked.join(", ")} to ${what}`);
      // Signed out by a logout the generator sent: sign in again, so the role keeps its session.
      if (res.status < 300 && /\/api\/auth\/logout/.test(request.path) && request.role.email) {
        const fresh = await logIn(harness, request.role.email, TEST_PASSWORD);
        request.role.client.setCookie("session", fresh.sessionToken!);
        before = await writeCounts();
      } else before = after;
    }
    const seconds = (performance.now() - started) / 1000;
    const byClass = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    console.info(
      `[hostile] ${requests.length} requests (seed ${SEED}) over ${reached.size}/${operations.length} operations in ${seconds.toFixed(1)} s; ` +
        `roles ${JSON.stringify(Object.fromEntries(perRole))}; statuses ${JSON.stringify(byClass)}; accepted ${[...accepted.values()].reduce((a, b) => a + b, 0)} on ${accepted.size} operations (${acceptedWrites} of them wrote); problems ${problems.length}`,
    );
    expect(problems.slice(0, 30), problems.slice(0, 30).join("\n")).toEqual([]);
    // Every operation was tried, and the stream reached handlers (not only validators).
    expect(reached.size).toBe(operations.length);
    expect(accepted.size).toBeGreaterThan(10);
    // The write counters see writes (so "no change" above is a measurement, not a blind spot).
    expect(acceptedWrites).toBeGreaterThan(0);
  });
});
