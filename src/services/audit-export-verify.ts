// The offline verifier (`npm run cli -- verify-export`): no database, no network. From a FULL
// export (/api/exports/audit-events.ndjson with no filters) it re-walks the chain, rebuilds the
// Merkle tree, checks the checkpoint's signature and that its root is the root of the export's
// first tree_size events, and does the same for an older saved checkpoint: the export then proves
// today's log extends what was published then (the same leaves give the old root).
import { walkLog, type LogBreak, type StoredEvent } from "../domain/audit-walk";
import { openCheckpoint, type VerifierKey } from "../domain/checkpoint";
import { equalBytes } from "../domain/merkle";

export interface CheckpointVerdict {
  label: string;
  tree_size: number | null;
  ok: boolean;
  problem: string | null;
}

export interface ExportVerdict {
  ok: boolean;
  events: number;
  sealed: number;
  first_break: LogBreak | null;
  checkpoints: CheckpointVerdict[];
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
    `${verdict.first_break ? "FAIL" : "ok  "} export: ${verdict.events} events, ${verdict.sealed} sealed and chained from seq 1` +
      (verdict.first_break ? `\n     first bad sequence number: ${verdict.first_break.seq}: ${verdict.first_break.problem}` : ""),
    ...verdict.checkpoints.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.label}${c.tree_size === null ? "" : ` (size ${c.tree_size})`}${c.problem ? `: ${c.problem}` : ": signature valid, root matches the export"}`),
    verdict.ok ? "export verifies" : "EXPORT DOES NOT VERIFY",
  ];
  return lines.join("\n");
}
