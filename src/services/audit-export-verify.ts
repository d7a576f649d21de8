// The offline verifier (`npm run cli -- verify-export`): no database, no network. From a FULL
// export (/api/exports/audit-events.ndjson with no filters) it re-walks the chain, rebuilds the
// Merkle tree, checks the checkpoint's signature and that its root is the root of the export's
// first tree_size events, and does the same for an older saved checkpoint: the export then proves
// today's log extends what was published then (the same leaves give the old root).
//
// A PROVEN export (the server's format whenever a checkpoint is signed; docs/audit-log.md) also
// verifies when scoped or filtered: its header carries the signed checkpoint, each event line its
// inclusion proof against that checkpoint's root, the last line a manifest signed by the log's key
// (line count and SHA-256 of the event lines). With an older checkpoint, the header's consistency
// proof shows the signed tree extends it.
import { createHash } from "node:crypto";
import { eventLeafHash } from "../domain/audit-event";
import { walkLog, type LogBreak, type StoredEvent } from "../domain/audit-walk";
import { openCheckpoint, openNote, type OpenedCheckpoint, type VerifierKey } from "../domain/checkpoint";
import { equalBytes, fromBase64, toBase64, verifyConsistency, verifyInclusion } from "../domain/merkle";
import { EXPORT_FORMAT, MANIFEST_TAG } from "./audit-export";

export interface CheckpointVerdict {
  label: string;
  tree_size: number | null;
  ok: boolean;
  problem: string | null;
  /** For a saved checkpoint proven older: the size of the signed tree that extends it. */
  extended_by?: number;
}

export interface ExportVerdict {
  ok: boolean;
  events: number;
  sealed: number;
  first_break: LogBreak | null;
  checkpoints: CheckpointVerdict[];
  /** A proven export (header, proofs, manifest): `sealed` counts the events proven in the signed tree. */
  proven?: boolean;
}

const STRING_FIELDS = ["request_id", "action", "subject_type", "subject_id"] as const;
const NULLABLE_FIELDS = ["actor_user_id", "actor_org_id", "programme_id", "before_json", "after_json", "prev_hash", "hash"] as const;

/** Parses one export line into a stored event, or says what is wrong with it. */
function parseLine(line: string, lineNumber: number): StoredEvent {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`line ${lineNumber} is not JSON`);
  }
  const ok =
    value !== null &&
    typeof value === "object" &&
    Number.isSafeInteger(value.seq) &&
    Number.isSafeInteger(value.at) &&
    STRING_FIELDS.every((f) => typeof value[f] === "string") &&
    NULLABLE_FIELDS.every((f) => value[f] === null || typeof value[f] === "string");
  if (!ok) throw new Error(`line ${lineNumber} is not an audit event`);
  return value as unknown as StoredEvent;
}

export function parseExport(text: string): StoredEvent[] {
  return text
    .split("\n")
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, n }) => parseLine(line, n));
}

export async function verifyExport(
  exportText: string,
  checkpoints: { label: string; note: string }[],
  key: VerifierKey,
): Promise<ExportVerdict> {
  const firstLine = exportText.slice(0, exportText.indexOf("\n") + 1 || exportText.length);
  if (firstLine.startsWith('{"audit_export":')) return verifyProvenExport(exportText, checkpoints, key);
  return verifyFullExport(exportText, checkpoints, key);
}

const fail = (label: string, problem: string, tree_size: number | null = null): CheckpointVerdict => ({ label, tree_size, ok: false, problem });
const bad = (problem: string): ExportVerdict => ({ ok: false, events: 0, sealed: 0, first_break: { seq: 0, problem }, checkpoints: [] });

function base64List(value: unknown): Uint8Array[] | null {
  if (!Array.isArray(value) || value.length > 64 || !value.every((h) => typeof h === "string")) return null;
  try {
    const hashes = value.map((h: string) => fromBase64(h));
    return hashes.every((h, i) => h.length === 32 && toBase64(h) === value[i]) ? hashes : null;
  } catch {
    return null;
  }
}

/** A proven export: each event by its inclusion proof, the lines by the signed manifest, saved checkpoints by consistency. */
async function verifyProvenExport(exportText: string, checkpoints: { label: string; note: string }[], key: VerifierKey): Promise<ExportVerdict> {
  const lines = (exportText.endsWith("\n") ? exportText.slice(0, -1) : exportText).split("\n");
  if (lines.length < 2) return bad("the export has no manifest line (cut short?)");
  let header: { audit_export?: unknown; tree_size?: unknown; checkpoint?: unknown; older?: { tree_size?: unknown; consistency?: unknown } | null };
  let manifest: { audit_export_manifest?: unknown };
  try {
    header = JSON.parse(lines[0]!);
    manifest = JSON.parse(lines[lines.length - 1]!);
  } catch {
    return bad("the header or the last line is not JSON");
  }
  if (header.audit_export !== EXPORT_FORMAT || typeof header.checkpoint !== "string") return bad(`not an audit export ${EXPORT_FORMAT} header`);
  if (typeof manifest.audit_export_manifest !== "string") return bad("the last line is not the signed manifest (cut short, or lines added after it)");

  const verdicts: CheckpointVerdict[] = [];
  const opened = await openCheckpoint(header.checkpoint, key);
  if ("problem" in opened) return { ...bad(`the export's checkpoint: signature: ${opened.problem.replaceAll("_", " ")}`), checkpoints: [fail("export checkpoint", `signature: ${opened.problem.replaceAll("_", " ")}`)] };
  const size = opened.size;
  if (header.tree_size !== size) return bad("the header's tree size is not its checkpoint's");
  verdicts.push({ label: "export checkpoint", tree_size: size, ok: true, problem: null });

  // Each event: its leaf hash from the canonical bytes, its audit path to the signed root.
  const eventLines = lines.slice(1, -1);
  const digest = createHash("sha256");
  const events: StoredEvent[] = [];
  let firstBreak: LogBreak | null = null;
  let lastSeq = 0;
  for (let i = 0; i < eventLines.length; i++) {
    const text = eventLines[i]!;
    digest.update(`${text}\n`);
    if (firstBreak) continue;
    let event: StoredEvent;
    let proof: Uint8Array[] | null;
    try {
      const { inclusion, ...rest } = JSON.parse(text) as Record<string, unknown>;
      event = parseLine(JSON.stringify(rest), i + 2);
      proof = base64List(inclusion);
    } catch (error) {
      firstBreak = { seq: 0, problem: (error as Error).message };
      continue;
    }
    if (event.seq <= lastSeq) firstBreak = { seq: event.seq, problem: `out of order (after seq ${lastSeq})` };
    else if (event.seq > size) firstBreak = { seq: event.seq, problem: `beyond the checkpoint's ${size} events` };
    else if (!proof) firstBreak = { seq: event.seq, problem: "no well-formed inclusion proof" };
    else if (!verifyInclusion(eventLeafHash(event), event.seq - 1, size, proof, opened.root)) {
      firstBreak = { seq: event.seq, problem: "the event and its inclusion proof do not lead to the signed root (altered event or proof)" };
    }
    lastSeq = event.seq;
    events.push(event);
  }

  // The manifest: signed by the log's key over this log, this tree, the count and digest of the lines.
  const note = await openNote(manifest.audit_export_manifest, key);
  if ("problem" in note) verdicts.push(fail("manifest", `signature: ${note.problem.replaceAll("_", " ")}`, size));
  else {
    const expected = `${MANIFEST_TAG} ${opened.origin}\n${size}\n${eventLines.length}\n${toBase64(new Uint8Array(digest.digest()))}\n`;
    verdicts.push(
      note.body === expected
        ? { label: "manifest", tree_size: size, ok: true, problem: null }
        : fail("manifest", `the lines are not the ${note.body.split("\n")[2] ?? "?"} event lines the server signed (a line dropped, added, reordered or altered)`, size),
    );
  }

  // A complete export (events 1..size) is also re-walked as a chain, as a full export always was.
  const complete = events.length === size && events.every((e, i) => e.seq === i + 1);
  const savedCheckpoints = await Promise.all(checkpoints.map(async (c) => ({ ...c, opened: await openCheckpoint(c.note, key) })));
  const sizes = new Set(savedCheckpoints.flatMap((c) => ("problem" in c.opened ? [] : [c.opened.size])));
  const walk = complete && !firstBreak ? await walkLog(events, { rootsAt: sizes }) : null;
  if (walk?.first_break) firstBreak = walk.first_break;

  // Saved checkpoints: the same as the export's, or proven older by the header's consistency
  // proof (or, for a complete export, by the root of its first events).
  for (const { label, opened: saved } of savedCheckpoints) {
    if ("problem" in saved) {
      verdicts.push(fail(label, `signature: ${saved.problem.replaceAll("_", " ")}`));
      continue;
    }
    const walkedRoot = walk?.roots.get(saved.size);
    const byConsistency = provenAgainst(label, saved, opened, header.older ?? null);
    if (!byConsistency.ok && walkedRoot && saved.origin === opened.origin && saved.size < size) {
      verdicts.push(equalBytes(walkedRoot, saved.root) ? { label, tree_size: saved.size, ok: true, problem: null } : fail(label, `the first ${saved.size} events do not hash to the signed root`, saved.size));
    } else verdicts.push(byConsistency);
  }

  return {
    ok: firstBreak === null && verdicts.every((v) => v.ok),
    events: eventLines.length,
    sealed: firstBreak ? 0 : events.length,
    first_break: firstBreak,
    checkpoints: verdicts,
    proven: true,
  };
}

function provenAgainst(label: string, saved: OpenedCheckpoint, signed: OpenedCheckpoint, older: { tree_size?: unknown; consistency?: unknown } | null): CheckpointVerdict {
  if (saved.origin !== signed.origin) return fail(label, `names another log (${saved.origin}, not ${signed.origin})`, saved.size);
  if (saved.size === signed.size) {
    return equalBytes(saved.root, signed.root) ? { label, tree_size: saved.size, ok: true, problem: null } : fail(label, "same size as the export's checkpoint, different root: the log forked", saved.size);
  }
  if (saved.size > signed.size) return fail(label, `newer than the export's checkpoint (${signed.size}); export again`, saved.size);
  const proof = older && older.tree_size === saved.size ? base64List(older.consistency) : null;
  if (!proof) return fail(label, `the export carries no consistency proof from size ${saved.size}; export with ?older_size=${saved.size}`, saved.size);
  return verifyConsistency(saved.size, signed.size, proof, saved.root, signed.root)
    ? { label, tree_size: saved.size, ok: true, problem: null, extended_by: signed.size }
    : fail(label, `the export's checkpoint (${signed.size}) does not extend it: the log was rewritten, or this checkpoint is not the log's`, saved.size);
}

/** The legacy export: events only, complete from seq 1, re-walked and rebuilt. */
async function verifyFullExport(
  exportText: string,
  checkpoints: { label: string; note: string }[],
  key: VerifierKey,
): Promise<ExportVerdict> {
  let events: StoredEvent[];
  try {
    events = parseExport(exportText);
  } catch (error) {
    return { ok: false, events: 0, sealed: 0, first_break: { seq: 0, problem: (error as Error).message }, checkpoints: [] };
  }
  const opened = await Promise.all(checkpoints.map(async (c) => ({ ...c, opened: await openCheckpoint(c.note, key) })));
  const sizes = new Set(opened.flatMap((c) => ("problem" in c.opened ? [] : [c.opened.size])));
  const walk = await walkLog(events, { rootsAt: sizes });

  const verdicts: CheckpointVerdict[] = opened.map(({ label, opened: o }) => {
    if ("problem" in o) return { label, tree_size: null, ok: false, problem: `signature: ${o.problem.replaceAll("_", " ")}` };
    const root = walk.roots.get(o.size);
    if (!root) {
      return {
        label,
        tree_size: o.size,
        ok: false,
        problem: `the export verifies only ${walk.sealed} sealed events from seq 1; the checkpoint covers ${o.size} (first missing or broken: seq ${walk.sealed + 1})`,
      };
    }
    if (!equalBytes(root, o.root)) return { label, tree_size: o.size, ok: false, problem: `the first ${o.size} events do not hash to the signed root` };
    return { label, tree_size: o.size, ok: true, problem: null };
  });
  const origins = new Set(opened.flatMap((c) => ("problem" in c.opened ? [] : [c.opened.origin])));
  if (origins.size > 1) verdicts.push({ label: "origin", tree_size: null, ok: false, problem: `the checkpoints name different logs: ${[...origins].join(", ")}` });

  return {
    ok: walk.first_break === null && verdicts.every((v) => v.ok),
    events: walk.events,
    sealed: walk.sealed,
    first_break: walk.first_break,
    checkpoints: verdicts,
  };
}

export function formatExportVerdict(verdict: ExportVerdict): string {
  const lines = [
    `${verdict.first_break ? "FAIL" : "ok  "} export: ${verdict.events} events, ${verdict.sealed} ${verdict.proven ? "each proven in the signed tree" : "sealed and chained from seq 1"}` +
      (verdict.first_break ? `\n     first bad sequence number: ${verdict.first_break.seq}: ${verdict.first_break.problem}` : ""),
    ...verdict.checkpoints.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.label}${c.tree_size === null ? "" : ` (size ${c.tree_size})`}${c.problem ? `: ${c.problem}` : c.label === "manifest" ? ": signature valid, the lines are those the server signed" : c.extended_by ? `: signature valid, extended by the export's checkpoint (${c.extended_by})` : ": signature valid, root matches the export"}`),
    verdict.ok ? "export verifies" : "EXPORT DOES NOT VERIFY",
  ];
  return lines.join("\n");
}
