// `npm run cli -- verify` and `-- sweep`, run as that command runs them (node dist/cli/cli.js, built
// once per test run by tests/support/build.global.ts), against a seeded file.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { builtEntry, ROOT } from "../../scripts/built-product";
import { openNodeStore } from "../../src/db/node";
import { seedDemo } from "../../src/seed/demo";

const directory = mkdtempSync(join(tmpdir(), "cli-ledger-test-"));
const DATABASE_PATH = join(directory, "vouchers.sqlite");

afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [builtEntry("cli"), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_PATH } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

async function write(...statements: ReturnType<typeof sql>[]) {
  const store = openNodeStore(DATABASE_PATH);
  try {
    await store.batch(statements);
  } finally {
    store.close();
  }
}

const seeded = (async () => {
  const store = openNodeStore(DATABASE_PATH);
  await seedDemo(store, Date.now());
  store.close();
})();

describe("npm run cli -- verify / sweep", () => {
  it("verify prints every check and exits 0 on a sound ledger", async () => {
    await seeded;
    const run = await cli("verify");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ok   balanced");
    expect(run.stdout).toContain("ledger invariants hold");
  });

  it("sweep lapses a voucher past its validity and returns its balance to the pool; verify still passes", async () => {
    await seeded;
    const past = Date.now() - 1000;
    await write(sql`UPDATE vouchers SET issued_at = ${past - 86_400_000}, expires_at = ${past} WHERE id = 'vch_demoshenzhen'`);
    const run = await cli("sweep");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ expired: 1, returned_fen: 100_000_000, failed: [] });
    expect(JSON.parse((await cli("sweep")).stdout)).toMatchObject({ expired: 0 });
    expect((await cli("verify")).code).toBe(0);
  });

  it("verify exits 1 and names the broken invariant and its first offending row", async () => {
    await seeded;
    await write(sql`UPDATE programmes SET budget_fen = budget_fen + 1 WHERE id = 'prg_demozhejiang'`);
    const run = await cli("verify");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAIL pools_within_budget");
    expect(run.stdout).toContain('"programme_id":"prg_demozhejiang"');
    expect(run.stdout).toContain("LEDGER INVARIANTS BROKEN");
  });
});
