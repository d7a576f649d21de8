// The operator's CLI, run as `npm run cli` runs it (node dist/cli/cli.js …, built once per test run
// by tests/support/build.global.ts with the script `npm run cli` runs first) against a fresh
// database file.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDirectoryBlobStore } from "../../src/blobs/directory";
import { openNodeStore } from "../../src/db/node";
import { audit_events, organisations, users } from "../../src/db/schema";
import { formatReport, verifyLedger } from "../../src/services/verify";
import { builtEntry, ROOT } from "../../scripts/built-product";
import { buildHarness } from "../support/build-harness";
import { TestClient } from "../support/client";
import { uniqueCreditCode, uniqueEmail } from "../support/fixtures";
import { sql } from "drizzle-orm";

/** The CLI never touches files; the app only needs somewhere to keep them. */
const scratchBlobs = () => openDirectoryBlobStore(join(mkdtempSync(join(tmpdir(), "cli-blobs-")), "blobs"));
const directory = mkdtempSync(join(tmpdir(), "cli-test-"));
const DATABASE_PATH = join(directory, "vouchers.sqlite");
const PASSWORD = "operator-password-1";

afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [builtEntry("cli"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** Reads the file the CLI wrote, through the same store the server uses. */
async function inDatabase<T>(read: (store: ReturnType<typeof openNodeStore>) => Promise<T>): Promise<T> {
  const store = openNodeStore(DATABASE_PATH);
  try {
    return await read(store);
  } finally {
    store.close();
  }
}

const agencyArgs = (code: string, email: string) =>
  ["create-agency", "--name", "示范区科技局 Test Bureau", "--credit-code", code, "--region", "440100", "--email", email, "--password", PASSWORD];

// Each case starts the CLI as a process or several (node, migrations): 1.4-15 s a case at load 15-20.
describe("npm run cli", { timeout: 180_000 }, () => {
  it("create-agency creates the agency and its admin, audited, who can then sign in", async () => {
    const code = uniqueCreditCode("440100");
    const email = uniqueEmail("agency");
    const run = await cli(...agencyArgs(code.toLowerCase(), email.toUpperCase()));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`admin ${email}`);

    const { org, admin, events } = await inDatabase(async (store) => {
      const [org] = await store.db.select().from(organisations).where(eq(organisations.credit_code, code));
      const [admin] = await store.db.select().from(users).where(eq(users.email, email));
      const events = await store.db.select().from(audit_events).where(eq(audit_events.subject_id, org?.id ?? ""));
      return { org, admin, events };
    });
    expect(org).toMatchObject({ kind: "agency", region_code: "440100", provider_status: null });
    expect(admin).toMatchObject({ org_id: org?.id, role: "admin", disabled: false });
    expect(admin?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(events.map((e) => e.action)).toEqual(["organisation.registered"]);

    const store = openNodeStore(DATABASE_PATH);
    try {
      const client = new TestClient((await buildHarness("better-sqlite3", store, scratchBlobs())).app);
      expect((await client.post("/api/auth/login", { email, password: PASSWORD })).body.organisation.id).toBe(org?.id);
    } finally {
      store.close();
    }
  });

  it("create-admin creates the platform organisation once and an admin in it each time", async () => {
    const [first, second] = [uniqueEmail("admin"), uniqueEmail("admin")];
    expect((await cli("create-admin", "--email", first, "--password", PASSWORD)).code).toBe(0);
    expect((await cli("create-admin", "--email", second, "--password", PASSWORD, "--name", "Second Admin")).code).toBe(0);
    const platforms = await inDatabase((store) => store.db.select().from(organisations).where(eq(organisations.kind, "platform")));
    expect(platforms).toHaveLength(1);
    const admins = await inDatabase((store) => store.db.select().from(users).where(eq(users.org_id, platforms[0]?.id ?? "")));
    expect(admins.map((u) => [u.email, u.role])).toEqual(expect.arrayContaining([[first, "admin"], [second, "admin"]]));
  });

  it("refuses a credit code with a wrong check character, saying so, and creates nothing (exit 2)", async () => {
    const email = uniqueEmail("agency");
    const run = await cli(...agencyArgs("91350203M0001QAY9B", email));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("校验位不正确");
    expect(run.stderr).toContain("check character does not match");
    expect(await inDatabase((store) => store.db.select().from(users).where(eq(users.email, email)))).toEqual([]);
  });

  it("names a missing flag and shows the usage (exit 2)", async () => {
    const run = await cli("create-agency", "--name", "No Code Bureau");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--credit-code is required");
    expect(run.stderr).toContain("usage: npm run cli");
  });

  it("refuses a short password and an unknown command (exit 2)", async () => {
    const short = await cli("create-admin", "--email", uniqueEmail("admin"), "--password", "short");
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("password needs at least 10 characters");
    const unknown = await cli("drop-everything");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("commands:");
  });

  it("explains a duplicate email or credit code instead of crashing (exit 1)", async () => {
    const code = uniqueCreditCode("440100");
    const email = uniqueEmail("agency");
    expect((await cli(...agencyArgs(code, email))).code).toBe(0);
    const sameEmail = await cli(...agencyArgs(uniqueCreditCode("440100"), email));
    expect(sameEmail).toMatchObject({ code: 1, stderr: "a user with this email already exists; nothing was created\n" });
    const sameCode = await cli(...agencyArgs(code, uniqueEmail("agency")));
    expect(sameCode).toMatchObject({ code: 1, stderr: "an organisation with this credit code already exists; nothing was created\n" });
  });

  it("--sql-out writes a script that creates the admin and the agency in a fresh database (D1) without touching DATABASE_PATH", async () => {
    const adminEmail = uniqueEmail("ops");
    const agencyEmail = uniqueEmail("bureau");
    const code = uniqueCreditCode("440100");
    const adminSql = join(directory, "admin.sql");
    const agencySql = join(directory, "agency.sql");
    expect((await cli("create-admin", "--email", adminEmail, "--password", PASSWORD, "--sql-out", adminSql)).code).toBe(0);
    const run = await cli(...agencyArgs(code, agencyEmail), "--sql-out", agencySql);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrangler d1 execute <database> --remote --file ${agencySql}`);
    expect(await inDatabase((store) => store.db.select().from(users).where(eq(users.email, agencyEmail)))).toEqual([]);

    // Applied to a freshly migrated database, as `wrangler d1 execute --file` does.
    const fresh = openNodeStore(":memory:");
    for (const file of [adminSql, agencySql]) {
      for (const statement of readFileSync(file, "utf8").split(";\n").filter((s) => s.trim())) {
        await fresh.batch([sql.raw(statement)]);
      }
    }
    const harness = await buildHarness("better-sqlite3", fresh, scratchBlobs());
    for (const email of [adminEmail, agencyEmail]) {
      const login = await new TestClient(harness.app).post("/api/auth/login", { email, password: PASSWORD });
      expect(login.status, email).toBe(200);
    }
    const [agency] = await fresh.db.select().from(organisations).where(eq(organisations.credit_code, code));
    expect(agency?.kind).toBe("agency");
    const events = await fresh.db.select().from(audit_events);
    const created = events.map((e) => e.action).filter((action) => action !== "user.signed_in");
    expect(created.sort()).toEqual(["organisation.registered", "organisation.registered", "user.created", "user.created"]);
    fresh.close();
  });

  it("seed --sql-out writes the demo data as a script: applied to a fresh database, the demo logins work and every invariant holds", async () => {
    const seedSql = join(directory, "seed.sql");
    const run = await cli("seed", "--sql-out", seedSql);
    expect(run.code, run.stderr).toBe(0);
    const fresh = openNodeStore(":memory:");
    for (const statement of readFileSync(seedSql, "utf8").split(";\n").filter((s) => s.trim())) {
      await fresh.batch([sql.raw(statement)]);
    }
    const harness = await buildHarness("better-sqlite3", fresh, scratchBlobs());
    const login = await new TestClient(harness.app).post("/api/auth/login", { email: "qiming@demo.cn", password: "demo-pass-2026" });
    expect(login.status).toBe(200);
    const report = await verifyLedger(fresh);
    expect(report.ok, formatReport(report)).toBe(true);
    fresh.close();
  });
});
