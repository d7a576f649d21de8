// An outside auditor's offline check: a full or scoped export, today's checkpoint, an older
// checkpoint they saved, and the public key; no database, no network. Run as the auditor runs it
// (`npm run cli -- verify-export …`: node dist/cli/cli.js, built once per test run by
// tests/support/build.global.ts) and through the function behind it.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { builtEntry, ROOT } from "../../scripts/built-product";
import { sealAuditLog } from "../../src/db/audit-tree";
import { openNodeStore } from "../../src/db/node";
import { parseVerifierKey, signCheckpoint, signerFromPrivateKey } from "../../src/domain/checkpoint";
import { fromBase64, sha256, toBase64 } from "../../src/domain/merkle";
import { checkpointIfDue } from "../../src/services/audit-log";
import { verifyExport } from "../../src/services/audit-export-verify";
import { OTHER_AUDIT_KEY } from "../support/audit-keys";
import { openDirectoryBlobStore } from "../../src/blobs/directory";
import { buildHarness } from "../support/build-harness";
import { createAgency, createOrganisation, newClient, signUpSme } from "../support/fixtures";
import { verifierKeyString } from "../../src/domain/checkpoint";
import { createProgramme } from "../support/programmes";

const directory = mkdtempSync(join(tmpdir(), "audit-export-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const harness = await buildHarness("better-sqlite3", openNodeStore(":memory:"), openDirectoryBlobStore(join(directory, "blobs")));
const platform = await createOrganisation(harness, "platform", ["admin"]);
const agency = await createAgency(harness);
await createProgramme(harness, agency);
const otherAgency = await createAgency(harness);
await createProgramme(harness, otherAgency);
await sealAuditLog(harness.store, { rounds: 1000 });
const older = (await checkpointIfDue(harness.store, harness.audit, Date.now(), { force: true }))!;
await signUpSme(harness);
await createProgramme(harness, agency);
await createProgramme(harness, otherAgency);
await sealAuditLog(harness.store, { rounds: 1000 });
const current = (await checkpointIfDue(harness.store, harness.audit, Date.now(), { force: true }))!;
const exportText: string = (await platform.admin.client.get("/api/exports/audit-events.ndjson")).body;
/** An agency auditor's export: scoped to its programmes, with the consistency proof from `older`. */
const scopedText: string = (await agency.auditor.client.get(`/api/exports/audit-events.ndjson?older_size=${older.tree_size}`)).body;
const verifierKey: string = (await newClient(harness).get("/api/audit/public-key")).body.verifier_key;
const key = await parseVerifierKey(verifierKey);

const checkpoints = [
  { label: "checkpoint", note: current.note },
  { label: "older checkpoint", note: older.note },
];

const lines = (text: string) => text.trim().split("\n");
const parsed = (text: string) => lines(text).map((line) => JSON.parse(line) as Record<string, unknown>);
/** The events alone, as a server without a signing key exports them (the legacy full export). */
const legacyText = parsed(exportText)
  .filter((e) => typeof e.seq === "number")
  .map(({ inclusion: _, ...e }) => JSON.stringify(e))
  .join("\n");

/** The export with line `seq` changed by `edit` (the parsed event); header and manifest kept. */
function editLine(text: string, seq: number, edit: (event: Record<string, unknown>) => Record<string, unknown> | null): string {
  return lines(text)
    .flatMap((line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      if (event.seq !== seq) return [line];
      const edited = edit(event);
      return edited ? [JSON.stringify(edited)] : [];
    })
    .join("\n");
}

const problemOf = (verdict: Awaited<ReturnType<typeof verifyExport>>, label: string) => verdict.checkpoints.find((c) => c.label === label);

describe("the export's format", () => {
  it("names the latest checkpoint, stops at its size, proves each event, and ends with a signed manifest", () => {
    const [head, ...rest] = parsed(exportText);
    expect(head).toMatchObject({ audit_export: "v1", tree_size: current.tree_size, checkpoint: current.note, older: null });
    const manifest = rest.pop()!;
    expect(typeof manifest.audit_export_manifest).toBe("string");
    expect(rest.map((e) => e.seq)).toEqual(Array.from({ length: current.tree_size }, (_, i) => i + 1));
    expect(rest.every((e) => Array.isArray(e.inclusion))).toBe(true);
    const scoped = parsed(scopedText);
    expect(scoped[0]).toMatchObject({ tree_size: current.tree_size, older: { tree_size: older.tree_size } });
    const scopedEvents = scoped.slice(1, -1);
    expect(scopedEvents.length).toBeGreaterThan(0);
    expect(scopedEvents.length).toBeLessThan(current.tree_size);
    expect(scopedEvents.every((e) => (e.seq as number) <= current.tree_size)).toBe(true);
    expect(scopedEvents.some((e) => e.actor_org_id === otherAgency.admin.org.id)).toBe(false);
    expect(rest.some((e) => e.actor_org_id === otherAgency.admin.org.id)).toBe(true);
  });

  it("refuses an older size beyond the latest checkpoint", async () => {
    const res = await agency.auditor.client.get(`/api/exports/audit-events.ndjson?older_size=${current.tree_size + 1}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("beyond_tree");
  });
});

describe("the offline export verifier", () => {
  it("accepts a full export: every event proven and chained, both checkpoints signed and the older one extended", async () => {
    expect(older.tree_size).toBeLessThan(current.tree_size);
    const verdict = await verifyExport(exportText, checkpoints, key);
    expect(verdict).toMatchObject({ ok: true, first_break: null, sealed: current.tree_size });
    expect(verdict.checkpoints.map((c) => [c.label, c.tree_size, c.ok])).toEqual([
      ["export checkpoint", current.tree_size, true],
      ["manifest", current.tree_size, true],
      ["checkpoint", current.tree_size, true],
      ["older checkpoint", older.tree_size, true],
    ]);
  });

  it("accepts a scoped export: each event's proof, the manifest, and the consistency proof from the saved checkpoint", async () => {
    const verdict = await verifyExport(scopedText, checkpoints, key);
    expect(verdict.first_break).toBeNull();
    expect(verdict.checkpoints.map((c) => [c.label, c.ok, c.problem])).toEqual([
      ["export checkpoint", true, null],
      ["manifest", true, null],
      ["checkpoint", true, null],
      ["older checkpoint", true, null],
    ]);
    expect(problemOf(verdict, "older checkpoint")?.extended_by).toBe(current.tree_size);
    expect(verdict.ok).toBe(true);
    // Without ?older_size the scoped export cannot speak for a saved checkpoint.
    const plain: string = (await agency.auditor.client.get("/api/exports/audit-events.ndjson")).body;
    const without = await verifyExport(plain, checkpoints, key);
    expect(without.ok).toBe(false);
    expect(problemOf(without, "older checkpoint")?.problem).toBe(`the export carries no consistency proof from size ${older.tree_size}; export with ?older_size=${older.tree_size}`);
    expect((await verifyExport(plain, [], key)).ok).toBe(true);
  });

  it("names the event whose line or proof was altered, in a scoped export", async () => {
    const target = parsed(scopedText)[2]!.seq as number;
    const edited = await verifyExport(editLine(scopedText, target, (e) => ({ ...e, after_json: '{"amount_fen":1}' })), checkpoints, key);
    expect(edited.ok).toBe(false);
    expect(edited.first_break).toEqual({ seq: target, problem: "the event and its inclusion proof do not lead to the signed root (altered event or proof)" });
    const proofEdited = await verifyExport(
      editLine(scopedText, target, (e) => ({ ...e, inclusion: [toBase64(sha256(new Uint8Array([7]))), ...(e.inclusion as string[]).slice(1)] })),
      checkpoints,
      key,
    );
    expect(proofEdited.ok).toBe(false);
    expect(proofEdited.first_break?.seq).toBe(target);
  });

  it("catches a dropped, added or reordered line by the signed manifest", async () => {
    const target = parsed(scopedText)[2]!.seq as number;
    const dropped = await verifyExport(editLine(scopedText, target, () => null), checkpoints, key);
    expect(dropped.first_break).toBeNull();
    expect(dropped.ok).toBe(false);
    expect(problemOf(dropped, "manifest")?.problem).toMatch(/^the lines are not the \d+ event lines the server signed/);
    // A genuine event from the full export, with its genuine proof, slipped into the scoped one.
    const all = lines(exportText);
    const scoped = lines(scopedText);
    const foreign = all.find((l) => l.startsWith("{\"seq\"") && !scoped.includes(l))!;
    const added = [...scoped.slice(0, -1), foreign, scoped[scoped.length - 1]].join("\n");
    const addedVerdict = await verifyExport(added, checkpoints, key);
    expect(addedVerdict.ok).toBe(false);
    expect(problemOf(addedVerdict, "manifest")?.ok).toBe(false);
    const swapped = [...scoped];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    const reordered = await verifyExport(swapped.join("\n"), checkpoints, key);
    expect(reordered.ok).toBe(false);
    expect(reordered.first_break?.problem).toMatch(/^out of order/);
    // A forged manifest signed by another key is refused.
    const impostor = await signerFromPrivateKey(harness.audit.origin, OTHER_AUDIT_KEY);
    const { signNote } = await import("../../src/domain/checkpoint");
    const forgedManifest = JSON.stringify({ audit_export_manifest: await signNote(`audit-export/v1 ${harness.audit.origin}\n${current.tree_size}\n0\nAAAA\n`, impostor) });
    const forged = await verifyExport([...scoped.slice(0, -1), forgedManifest].join("\n"), checkpoints, key);
    expect(problemOf(forged, "manifest")).toMatchObject({ ok: false, problem: "signature: no signature by key" });
  });

  it("refuses a header checkpoint signed by another key, and a fake older checkpoint", async () => {
    const impostor = await signerFromPrivateKey(harness.audit.origin, OTHER_AUDIT_KEY);
    const resigned = await signCheckpoint({ origin: harness.audit.origin, size: current.tree_size, root: fromBase64(current.root_hash) }, impostor);
    const [head, ...rest] = lines(scopedText);
    const swappedHead = [JSON.stringify({ ...JSON.parse(head!), checkpoint: resigned }), ...rest].join("\n");
    const wrongKey = await verifyExport(swappedHead, checkpoints, key);
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.checkpoints).toEqual([{ label: "export checkpoint", tree_size: null, ok: false, problem: "signature: no signature by key" }]);
    // Given as the saved checkpoint, the impostor's note is refused too.
    expect(problemOf(await verifyExport(scopedText, [{ label: "checkpoint", note: resigned }], key), "checkpoint")).toMatchObject({ ok: false, problem: "signature: no signature by key" });

    // An older checkpoint of another history, even if signed with the log's own key (a fork), is not extended.
    const fork = await signCheckpoint({ origin: harness.audit.origin, size: older.tree_size, root: sha256(new Uint8Array([1])) }, harness.audit.signer!);
    const forked = await verifyExport(scopedText, [{ label: "older checkpoint", note: fork }], key);
    expect(forked.ok).toBe(false);
    expect(problemOf(forked, "older checkpoint")?.problem).toBe(`the export's checkpoint (${current.tree_size}) does not extend it: the log was rewritten, or this checkpoint is not the log's`);
    // And in a full export the same fork fails on the root of the first events.
    expect(problemOf(await verifyExport(exportText, [{ label: "older checkpoint", note: fork }], key), "older checkpoint")?.problem).toBe(
      `the first ${older.tree_size} events do not hash to the signed root`,
    );
    // A fake consistency proof in the header does not help.
    const fakeProof = [JSON.stringify({ ...JSON.parse(head!), older: { tree_size: older.tree_size, consistency: [toBase64(sha256(new Uint8Array([2])))] } }), ...rest].join("\n");
    expect(problemOf(await verifyExport(fakeProof, checkpoints, key), "older checkpoint")?.ok).toBe(false);
  });
});

describe("the legacy full export (events only, as a server without a signing key exports them)", () => {
  it("accepts it and names the first bad sequence number of an edited, deleted or reordered event", async () => {
    expect(await verifyExport(legacyText, checkpoints, key)).toMatchObject({ ok: true, first_break: null, sealed: current.tree_size });
    const target = older.tree_size - 1;
    const edited = await verifyExport(editLine(legacyText, target, (e) => ({ ...e, after_json: '{"amount_fen":1}' })), checkpoints, key);
    expect(edited.ok).toBe(false);
    expect(edited.first_break?.seq).toBe(target);
    const deleted = await verifyExport(editLine(legacyText, target, () => null), checkpoints, key);
    expect(deleted.first_break?.seq).toBe(target);
    const reordered = lines(legacyText);
    [reordered[target - 1], reordered[target]] = [reordered[target]!, reordered[target - 1]!];
    expect((await verifyExport(reordered.join("\n"), checkpoints, key)).first_break?.seq).toBe(target);
  });

  it("catches a history rewritten with a consistent chain: the roots no longer match what was signed", async () => {
    // Recompute every hash after an edit, as a forger with database access would.
    const events = parsed(legacyText);
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

  it("refuses checkpoints signed by another key, a forged older checkpoint, and a filtered legacy export", async () => {
    const impostor = await signerFromPrivateKey(harness.audit.origin, OTHER_AUDIT_KEY);
    const resigned = await signCheckpoint({ origin: harness.audit.origin, size: current.tree_size, root: fromBase64(current.root_hash) }, impostor);
    expect((await verifyExport(legacyText, [{ label: "checkpoint", note: resigned }], key)).checkpoints[0]).toMatchObject({ ok: false, problem: "signature: no signature by key" });

    const otherHistory = await signCheckpoint({ origin: harness.audit.origin, size: older.tree_size, root: await sha256(new Uint8Array([1])) }, impostor);
    expect((await verifyExport(legacyText, [{ label: "older", note: otherHistory }], await parseVerifierKey(verifierKeyString(impostor)))).checkpoints[0]).toMatchObject({
      ok: false,
      problem: `the first ${older.tree_size} events do not hash to the signed root`,
    });

    const filtered = parsed(scopedText)
      .filter((e) => typeof e.seq === "number")
      .map(({ inclusion: _, ...e }) => JSON.stringify(e))
      .join("\n");
    const verdict = await verifyExport(filtered, checkpoints, key);
    expect(verdict.ok).toBe(false);
    expect(verdict.first_break?.problem).toMatch(/event 1 is missing/);
  });
});

describe("the command line", () => {
  it("runs without a database: exit 0 when it verifies, 1 naming the first bad sequence number", async () => {
    const files = {
      export: join(directory, "events.ndjson"),
      scoped: join(directory, "scoped.ndjson"),
      bad: join(directory, "bad.ndjson"),
      checkpoint: join(directory, "checkpoint.txt"),
      older: join(directory, "older.txt"),
    };
    writeFileSync(files.export, exportText);
    writeFileSync(files.scoped, scopedText);
    const badSeq = parsed(scopedText)[1]!.seq as number;
    writeFileSync(files.bad, editLine(scopedText, badSeq, (e) => ({ ...e, subject_id: "prg_forged" })));
    writeFileSync(files.checkpoint, current.note);
    writeFileSync(files.older, older.note);
    const run = async (file: string, olderFlag = "--older") => {
      try {
        const { stdout } = await promisify(execFile)(process.execPath, [builtEntry("cli"), "verify-export", file, "--checkpoint", files.checkpoint, olderFlag, files.older, "--public-key", verifierKey], {
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
    const scoped = await run(files.scoped, "--older-checkpoint");
    expect(scoped.code).toBe(0);
    expect(scoped.stdout).toContain(`older checkpoint (size ${older.tree_size}): signature valid, extended by the export's checkpoint (${current.tree_size})`);
    const bad = await run(files.bad, "--older-checkpoint");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`first bad sequence number: ${badSeq}`);
    expect(existsSync(join(directory, "never-created")), "no database was opened").toBe(false);
  });
});
