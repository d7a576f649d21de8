// Verifies the whole audit log from the database (GET /api/audit/verify, `npm run cli -- verify`):
// re-walks every event in pages (memory stays bounded), rebuilds the Merkle tree and compares
// every stored subtree, checks every checkpoint's signature and root, and reports the unsealed
// tail and exactly where the log first breaks.
import { sql } from "drizzle-orm";
import { audit_checkpoints } from "../db/schema";
import { canonicalColumns, STORED_LEVEL } from "../db/audit-tree";
import type { Store } from "../db/store";
import { CANONICAL_EVENT_SQL, canonicalEventText, type CanonicalEvent } from "../domain/audit-event";
import { Added, completeSubtreeCount, LogChecker, type CheckLevel, type LogBreak } from "../domain/audit-walk";
import { openCheckpoint, type VerifierKey } from "../domain/checkpoint";
import { equalBytes, fromBase64 } from "../domain/merkle";

/**
 * Events per read. On Node (better-sqlite3, in-process) one large page of array rows; D1 answers
 * over the network with a bounded response, so smaller pages there.
 */
const PAGE_EVENTS = { "better-sqlite3": 4096, d1: 500 } as const;

export interface CheckpointProblem {
  tree_size: number;
  problem: string;
}

export interface AuditReport {
  ok: boolean;
  events: number;
  sealed: number;
  unsealed_tail: { count: number; first_seq: number | null; last_seq: number | null };
  first_break: LogBreak | null;
  tree: { ok: boolean; detail: string };
  checkpoints: { count: number; latest_size: number | null; first_bad: CheckpointProblem | null };
}

type EventRow = [seq: number, canonical: string, prev_hash: string | null, hash: string | null];

/**
 * audit_events as migration 0018 made it: the canonical text stored, every field a VIRTUAL column
 * read from it. Only a table defined exactly so guarantees that what the product shows of an event
 * is what was hashed; the verifier then hashes the stored text. A table defined otherwise (changed
 * by hand, or an older schema) is verified from its field columns instead (slower, as complete).
 */
export const AUDIT_EVENTS_TABLE_SQL = `CREATE TABLE \`audit_events\` (
	\`seq\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	\`canonical\` text NOT NULL,
	\`at\` integer NOT NULL GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[2]')) VIRTUAL,
	\`request_id\` text NOT NULL GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[3]')) VIRTUAL,
	\`actor_user_id\` text GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[4]')) VIRTUAL,
	\`actor_org_id\` text GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[5]')) VIRTUAL,
	\`action\` text NOT NULL GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[6]')) VIRTUAL,
	\`subject_type\` text NOT NULL GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[7]')) VIRTUAL,
	\`subject_id\` text NOT NULL GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[8]')) VIRTUAL,
	\`programme_id\` text GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[9]')) VIRTUAL,
	\`before_json\` text GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[10]')) VIRTUAL,
	\`after_json\` text GENERATED ALWAYS AS (json_extract(\`canonical\`, '$[11]')) VIRTUAL,
	\`prev_hash\` text,
	\`hash\` text,
	CONSTRAINT "audit_seal_chained" CHECK("hash" IS NULL OR "prev_hash" IS NOT NULL),
	CONSTRAINT "audit_event_canonical" CHECK(json_array_length(\`canonical\`) = 12 AND json_extract(\`canonical\`, '$[0]') = 'audit-event/v1' AND json_extract(\`canonical\`, '$[1]') = \`seq\` AND json_type(\`canonical\`, '$[2]') = 'integer')
)`;

const squeeze = (text: string) => text.replace(/\s+/g, " ").trim();

/** Whether the stored text is what every field is read from (the table is defined exactly as AUDIT_EVENTS_TABLE_SQL). */
export async function canonicalIsStored(store: Store): Promise<boolean> {
  let table: { sql: string | null } | undefined;
  try {
    [table] = await store.all<{ sql: string | null }>(sql`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'`);
  } catch {
    return false; // a host that hides the schema: verify from the fields
  }
  return typeof table?.sql === "string" && squeeze(table.sql) === squeeze(AUDIT_EVENTS_TABLE_SQL);
}

/** One page of events after `after`, as [seq, canonical text, prev_hash, hash]: the stored text, or SQLite's json_array of the fields. */
async function eventPage(store: Store, after: number, stored: boolean): Promise<EventRow[]> {
  const canonical = stored ? sql.raw("canonical") : sql.raw(CANONICAL_EVENT_SQL);
  const statement = sql`SELECT seq, ${canonical} AS canonical, prev_hash, hash FROM audit_events WHERE seq > ${after} ORDER BY seq LIMIT ${PAGE_EVENTS[store.driver]}`;
  if (store.allRaw) return store.allRaw<EventRow>(statement);
  const rows = await store.all<{ seq: number; canonical: string; prev_hash: string | null; hash: string | null }>(statement);
  return rows.map((r) => [Number(r.seq), r.canonical, r.prev_hash, r.hash]);
}

/** The text canonicalEventText makes from the stored columns (when SQLite's text did not match the hash). */
async function canonicalFromColumns(store: Store, seq: number): Promise<string> {
  try {
    const [row] = await store.all<CanonicalEvent>(sql`SELECT ${canonicalColumns} FROM audit_events WHERE seq = ${seq}`);
    return row ? canonicalEventText({ ...row, seq: Number(row.seq), at: Number(row.at) }) : "";
  } catch {
    return ""; // a non-integer time, or a stored text that is not JSON: it cannot match the hash
  }
}

/**
 * Compares one level's rebuilt nodes from..to with the stored ones: one read of the stored hashes
 * concatenated in idx order, compared as one string; only when that differs are the rows read one
 * by one to name the first missing or different node.
 */
function storedLevelChecker(store: Store): CheckLevel {
  return async (level, from, to, builtHex) => {
    const [summary] = await store.all<{ n: number; hashes: string | null }>(
      sql`SELECT count(*) AS n, group_concat(hash, '') AS hashes FROM (SELECT hash FROM audit_tree WHERE level = ${level} AND idx BETWEEN ${from} AND ${to} ORDER BY idx)`,
    );
    if (Number(summary?.n) === to - from + 1 && summary?.hashes === builtHex) return null;
    const rows = await store.all<{ idx: number; hash: string }>(
      sql`SELECT idx, hash FROM audit_tree WHERE level = ${level} AND idx BETWEEN ${from} AND ${to}`,
    );
    const stored = new Map(rows.map((r) => [Number(r.idx), r.hash]));
    for (let idx = from; idx <= to; idx++) {
      const hash = stored.get(idx);
      if (hash === undefined) return { idx, problem: `the tree is missing subtree level ${level} index ${idx}` };
      const at = (idx - from) * 64;
      if (hash !== builtHex.slice(at, at + 64)) return { idx, problem: `stored subtree level ${level} index ${idx} differs from the events it covers` };
    }
    return null;
  };
}

export async function verifyAuditLog(store: Store, key: VerifierKey | null, origin: string): Promise<AuditReport> {
  const checkpoints = await store.db.select().from(audit_checkpoints).orderBy(audit_checkpoints.tree_size);
  const checker = new LogChecker({
    rootsAt: new Set(checkpoints.map((c) => c.tree_size)),
    checkLevel: storedLevelChecker(store),
    storedFrom: STORED_LEVEL,
  });
  const stored = await canonicalIsStored(store);
  let after = 0;
  reading: for (;;) {
    const page = await eventPage(store, after, stored);
    if (page.length === 0) break;
    for (const [seq, canonical, prevHash, hash] of page) {
      let added = checker.add(seq, canonical, prevHash, hash, false);
      if (added === Added.Mismatch) added = checker.add(seq, await canonicalFromColumns(store, seq), prevHash, hash, true);
      if (added === Added.Broken) break reading;
      if (checker.full) {
        await checker.flush();
        if (checker.stopped) break reading;
      }
    }
    after = page[page.length - 1]![0];
  }
  const walk = await checker.finish();

  // Said whichever way the walk ended: the events were not read from a text every field is read from.
  const read = stored ? "" : " (events hashed from their field columns: audit_events is not defined as migration 0018 made it)";
  let tree = { ok: true, detail: `${walk.sealed} sealed events; every stored subtree matches them${read}` };
  if (!walk.first_break) {
    const [counted] = await store.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_tree`);
    const expected = completeSubtreeCount(walk.sealed, STORED_LEVEL);
    if (Number(counted?.n ?? 0) !== expected) {
      tree = { ok: false, detail: `the tree holds ${counted?.n} subtrees; ${walk.sealed} sealed events make ${expected} of ${2 ** STORED_LEVEL} events or more${read}` };
    }
  } else {
    tree = { ok: false, detail: `rebuilt up to event ${walk.first_break.seq - 1}${read}` };
  }

  let firstBad: CheckpointProblem | null = null;
  for (const checkpoint of checkpoints) {
    const problem = await checkpointProblem(checkpoint, key, origin, walk.roots);
    if (problem) {
      firstBad = { tree_size: checkpoint.tree_size, problem };
      break;
    }
  }
  // A checkpoint past the verified log: events it covered were removed (or broke).
  const beyond = checkpoints.find((c) => c.tree_size > walk.sealed);
  const firstBreak =
    walk.first_break ??
    (beyond ? { seq: walk.sealed + 1, problem: `checkpoint ${beyond.tree_size} was published over event ${walk.sealed + 1}, which the log no longer holds sealed` } : null);

  return {
    ok: firstBreak === null && tree.ok && firstBad === null,
    events: walk.events,
    sealed: walk.sealed,
    unsealed_tail: walk.unsealed,
    first_break: firstBreak,
    tree,
    checkpoints: { count: checkpoints.length, latest_size: checkpoints.at(-1)?.tree_size ?? null, first_bad: firstBad },
  };
}

async function checkpointProblem(
  checkpoint: { tree_size: number; root_hash: string; note: string },
  key: VerifierKey | null,
  origin: string,
  roots: Map<number, Uint8Array>,
): Promise<string | null> {
  if (!key) return "no public key is configured, so signatures cannot be checked";
  const opened = await openCheckpoint(checkpoint.note, key);
  if ("problem" in opened) return `signature: ${opened.problem.replaceAll("_", " ")}`;
  if (opened.origin !== origin) return `origin is "${opened.origin}", not this log's "${origin}"`;
  if (opened.size !== checkpoint.tree_size || !equalBytes(opened.root, fromBase64(checkpoint.root_hash))) {
    return "the stored size or root differs from the signed note";
  }
  const root = roots.get(checkpoint.tree_size);
  if (!root) return `the log no longer holds ${checkpoint.tree_size} verified sealed events`;
  if (!equalBytes(root, opened.root)) return "the signed root differs from the root of the events";
  return null;
}

export function formatAuditReport(report: AuditReport): string {
  const lines = [
    `${report.first_break ? "FAIL" : "ok  "} audit_chain: ${report.events} events, ${report.sealed} sealed and chained from seq 1` +
      (report.first_break ? `\n     first break at seq ${report.first_break.seq}: ${report.first_break.problem}` : ""),
    `${report.tree.ok ? "ok  " : "FAIL"} audit_tree: ${report.tree.detail}`,
    `${report.checkpoints.first_bad ? "FAIL" : "ok  "} audit_checkpoints: ${report.checkpoints.count} signed checkpoint(s), latest size ${report.checkpoints.latest_size ?? "none"}` +
      (report.checkpoints.first_bad ? `\n     first bad: size ${report.checkpoints.first_bad.tree_size}: ${report.checkpoints.first_bad.problem}` : ""),
    `     unsealed tail: ${report.unsealed_tail.count} event(s)` +
      (report.unsealed_tail.count ? ` (seq ${report.unsealed_tail.first_seq}–${report.unsealed_tail.last_seq})` : ""),
    report.ok ? "audit log verifies" : "AUDIT LOG BROKEN",
  ];
  return lines.join("\n");
}
