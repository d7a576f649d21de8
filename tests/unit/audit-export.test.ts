// An outside auditor's offline check: a full export, today's checkpoint, an older checkpoint
// they saved, and the public key; no database, no network. Run as the auditor runs it
// (`tsx src/cli.ts verify-export …`) and through the function behind it.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { sealAuditLog } from "../../src/db/audit-tree";
import { openNodeStore } from "../../src/db/node";
import { parseVerifierKey, signCheckpoint, signerFromPrivateKey } from "../../src/domain/checkpoint";
import { fromBase64, sha256 } from "../../src/domain/merkle";
import { checkpointIfDue } from "../../src/services/audit-log";
import { verifyExport } from "../../src/services/audit-export-verify";
import { OTHER_AUDIT_KEY } from "../support/audit-keys";
import { openDirectoryBlobStore } from "../../src/blobs/directory";
import { buildHarness } from "../support/build-harness";
import { createAgency, createOrganisation, newClient, signUpSme } from "../support/fixtures";
import { createProgramme } from "../support/programmes";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");
const directory = mkdtempSync(join(tmpdir(), "audit-export-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const harness = await buildHarness("better-sqlite3", openNodeStore(":memory:"), openDirectoryBlobStore(join(directory, "blobs")));
const platform = await createOrganisation(harness, "platform", ["admin"]);
const agency = await createAgency(harness);
await createProgramme(harness, agency);
await sealAuditLog(harness.store, { rounds: 1000 });
const older = (await checkpointIfDue(harness.store, harness.audit, Date.now(), { force: true }))!;
await signUpSme(harness);
await createProgramme(harness, agency);
await sealAuditLog(harness.store, { rounds: 1000 });
const current = (await checkpointIfDue(harness.store, harness.audit, Date.now(), { force: true }))!;
const exportText: string = (await platform.admin.client.get("/api/exports/audit-events.ndjson")).body;
const verifierKey: string = (await newClient(harness).get("/api/audit/public-key")).body.verifier_key;
const key = await parseVerifierKey(verifierKey);

const checkpoints = [
  { label: "checkpoint", note: current.note },
  { label: "older checkpoint", note: older.note },
];

/** The export with line `seq` changed by `edit` (the parsed event). */
function editLine(seq: number, edit: (event: Record<string, unknown>) => Record<string, unknown> | null): string {
  return exportText
    .trim()
    .split("\n")
    .flatMap((line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      if (event.seq !== seq) return [line];
      const edited = edit(event);
      return edited ? [JSON.stringify(edited)] : [];
    })
    .join("\n");
}

describe("the offline export verifier", () => {
  it("accepts a full export: the chain holds, both checkpoints are signed and their roots are the export's", async () => {
    expect(older.tree_size).toBeLessThan(current.tree_size);
    const verdict = await verifyExport(exportText, checkpoints, key);
    expect(verdict).toMatchObject({ ok: true, first_break: null, sealed: current.tree_size });
    expect(verdict.checkpoints.map((c) => [c.tree_size, c.ok])).toEqual([[current.tree_size, true], [older.tree_size, true]]);
  });

  it("names the first bad sequence number of an edited, deleted or reordered event", async () => {
    const target = older.tree_size - 1;
    const edited = await verifyExport(editLine(target, (e) => ({ ...e, after_json: '{"amount_fen":1}' })), checkpoints, key);
    expect(edited.ok).toBe(false);
    expect(edited.first_break?.seq).toBe(target);
    const deleted = await verifyExport(editLine(target, () => null), checkpoints, key);
    expect(deleted.first_break?.seq).toBe(target);
    const lines = exportText.trim().split("\n");
    [lines[target - 1], lines[target]] = [lines[target]!, lines[target - 1]!];
    expect((await verifyExport(lines.join("\n"), checkpoints, key)).first_break?.seq).toBe(target);
  });

  it("catches a history rewritten with a consistent chain: the roots no longer match what was signed", async () => {
    // Recompute every hash after an edit, as a forger with database access would.
    const events = exportText.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const { chainHash, GENESIS_HASH } = await import("../../src/domain/audit-event");
    events[2] = { ...events[2], action: "voucher.issued" };
    let prev = GENESIS_HASH;
    for (const e of events) {
      e.prev_hash = prev;
      e.hash = await chainHash(prev, e as never);
      prev = e.hash as string;
    }
    const verdict = await verifyExport(events.map((e) => JSON.stringify(e)).join("\n"), checkpoints, key);
    expect(verdict.first_break).toBeNull();
    expect(verdict.ok).toBe(false);
    expect(verdict.checkpoints.every((c) => c.problem === `the first ${c.tree_size} events do not hash to the signed root`)).toBe(true);
  });

  it("refuses checkpoints signed by another key, a forged older checkpoint, and a filtered export", async () => {
    const impostor = await signerFromPrivateKey(harness.audit.origin, OTHER_AUDIT_KEY);
    const resigned = await signCheckpoint({ origin: harness.audit.origin, size: current.tree_size, root: fromBase64(current.root_hash) }, impostor);
    expect((await verifyExport(exportText, [{ label: "checkpoint", note: resigned }], key)).checkpoints[0]).toMatchObject({ ok: false, problem: "signature: no signature by key" });

    const otherHistory = await signCheckpoint({ origin: harness.audit.origin, size: older.tree_size, root: await sha256(new Uint8Array([1])) }, impostor);
    expect((await verifyExport(exportText, [{ label: "older", note: otherHistory }], await parseVerifierKey((await import("../../src/domain/checkpoint")).verifierKeyString(impostor)))).checkpoints[0]).toMatchObject({
      ok: false,
      problem: `the first ${older.tree_size} events do not hash to the signed root`,
    });

    const filtered: string = (await platform.admin.client.get(`/api/exports/audit-events.ndjson?subject_type=programme`)).body;
    const verdict = await verifyExport(filtered, checkpoints, key);
    expect(verdict.ok).toBe(false);
    expect(verdict.first_break?.problem).toMatch(/event 1 is missing/);
  });

  it("runs from the command line without a database: exit 0 when it verifies, 1 naming the first bad sequence number", async () => {
    const files = { export: join(directory, "events.ndjson"), bad: join(directory, "bad.ndjson"), checkpoint: join(directory, "checkpoint.txt"), older: join(directory, "older.txt") };
    writeFileSync(files.export, exportText);
    writeFileSync(files.bad, editLine(4, (e) => ({ ...e, subject_id: "prg_forged" })));
    writeFileSync(files.checkpoint, current.note);
    writeFileSync(files.older, older.note);
    const run = async (file: string) => {
      try {
        const { stdout } = await promisify(execFile)(TSX, ["src/cli.ts", "verify-export", file, "--checkpoint", files.checkpoint, "--older", files.older, "--public-key", verifierKey], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_PATH: join(directory, "never-created", "db.sqlite") },
        });
        return { code: 0, stdout };
      } catch (error) {
        return error as { code: number; stdout: string };
      }
    };
    const good = await run(files.export);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("export verifies");
    const bad = await run(files.bad);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("first bad sequence number: 4");
    expect(existsSync(join(directory, "never-created")), "no database was opened").toBe(false);
  });
});
