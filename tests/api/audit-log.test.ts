// The verifiable audit log, on both drivers: sealing (also under many concurrent sealers),
// proofs against the independent RFC 6962 reference, signed checkpoints, and every kind of
// tampering a verifier must catch, with the sequence number where it first breaks.
// On D1 test files may share one database, so everything here is relative to what is there.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { commitAs } from "../../src/db/atomic";
import { sealAuditLog, STORED_LEVEL, treeSize } from "../../src/db/audit-tree";
import { constraintViolation } from "../../src/db/constraints";
import type { Row } from "../../src/db/store";
import { CANONICAL_EVENT_SQL, CANONICAL_FIELDS, canonicalEventBytes, canonicalEventText, type CanonicalEvent } from "../../src/domain/audit-event";
import { completeSubtreeCount } from "../../src/domain/audit-walk";
import { openCheckpoint, parseVerifierKey, signCheckpoint, signerFromPrivateKey } from "../../src/domain/checkpoint";
import { fromBase64, rangeNodes, toBase64 } from "../../src/domain/merkle";
import { randomBase32 } from "../../src/lib/ids";
import { AuditLogInconsistent, checkpointIfDue, consistencyProof, inclusionProof, latestCheckpoint } from "../../src/services/audit-log";
import { verifyAuditLog } from "../../src/services/audit-verify";
import { OTHER_AUDIT_KEY } from "../support/audit-keys";
import { newClient, signUpSme } from "../support/fixtures";
import { hex, mth, path, proof } from "../support/rfc6962";

const harness = await createHarness();
const store = harness.store;
const verify = () => verifyAuditLog(store, harness.audit.signer, harness.audit.origin);

/** Appends `n` events (no other change) in one batch, as any write does. */
async function append(n: number, label = "test"): Promise<void> {
  const meta = { at: Date.now(), request_id: `test-${randomBase32(6)}`, actor_user_id: null, actor_org_id: null };
  const events = Array.from({ length: n }, (_, i) => ({
    action: `test.${label}`,
    subject_type: "test",
    subject_id: `tst_${randomBase32(5)}`,
    after: { i, label, note: "审计 \"quoted\"\n" },
  }));
  await commitAs(store, meta, [], events);
}

const sealAll = () => sealAuditLog(store, { rounds: 10_000, maxConflicts: 1000 });

async function canonicalLeaves(size: number): Promise<Uint8Array[]> {
  const rows = await store.all<CanonicalEvent>(
    sql`SELECT seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json FROM audit_events WHERE seq <= ${size} ORDER BY seq`,
  );
  return rows.map((r) => canonicalEventBytes({ ...r, seq: Number(r.seq), at: Number(r.at) }));
}

async function eventRow(seq: number): Promise<Row> {
  const [row] = await store.all<Row>(sql`SELECT * FROM audit_events WHERE seq = ${seq}`);
  return row!;
}

/** What audit_events stores; every other column is read from `canonical` (migration 0018). */
const STORED_COLUMNS = ["seq", "canonical", "prev_hash", "hash"];

/** Puts stored rows back exactly as they were (delete all first: hashes are unique). */
async function restoreEvents(...rows: Row[]): Promise<void> {
  await store.batch([
    ...rows.map((row) => sql`DELETE FROM audit_events WHERE seq = ${row.seq}`),
    ...rows.map((row) => sql`INSERT INTO audit_events (${sql.raw(STORED_COLUMNS.join(", "))}) VALUES (${sql.join(STORED_COLUMNS.map((c) => sql`${row[c]}`), sql`, `)})`),
  ]);
}

/** The field's place in the canonical text (src/domain/audit-event.ts: the tag, then CANONICAL_FIELDS). */
const FIELD_INDEX: Record<string, number> = Object.fromEntries(CANONICAL_FIELDS.map((f, i) => [f, i + 1]));

/** An edit of one field as a writer with SQL access must make it: in the stored text the field is read from. */
const editField = (seq: number, column: string, value: unknown) =>
  column in FIELD_INDEX
    ? sql`UPDATE audit_events SET canonical = json_set(canonical, ${`$[${FIELD_INDEX[column]}]`}, ${typeof value === "number" ? sql`CAST(${value} AS INTEGER)` : value}) WHERE seq = ${seq}`
    : sql`UPDATE audit_events SET ${sql.identifier(column)} = ${value} WHERE seq = ${seq}`;

/** A sealed seq of our own, with sealed neighbours on both sides. */
async function sealedTarget(): Promise<number> {
  await append(8, "target");
  const sealed = await sealAll();
  return sealed.size - 4;
}

describe("sealing", () => {
  it("a request's audit events are sealed (chained and in the tree) before it answers", async () => {
    const sme = await signUpSme(harness);
    const events = await store.all<{ seq: number; hash: string | null; prev_hash: string | null }>(
      sql`SELECT seq, hash, prev_hash FROM audit_events WHERE actor_user_id = ${sme.user.id} OR subject_id = ${sme.user.id} ORDER BY seq`,
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash ?? "") && /^[0-9a-f]{64}$/.test(e.prev_hash ?? ""))).toBe(true);
    expect(await treeSize(store)).toBeGreaterThanOrEqual(Math.max(...events.map((e) => Number(e.seq))));
  });

  it("a seal that has caught up stops: one plan's reads, no second round reading the tail again", async () => {
    await append(2, "before");
    await sealAll();
    await append(3, "caught-up");
    const sizeBefore = await treeSize(store);
    const all = store.all.bind(store);
    let reads = 0;
    (store as { all: typeof all }).all = (statement) => {
      reads += 1;
      return all(statement);
    };
    try {
      const sealed = await sealAuditLog(store, { rounds: 4, maxConflicts: 5 });
      expect(sealed.sealed).toBeGreaterThanOrEqual(3);
      expect(sealed.conflicts).toBe(0);
    } finally {
      (store as { all: typeof all }).all = all;
    }
    // One plan: the tree's end with the last block's sealed events and the unsealed tail (one
    // statement), then the frontier's stored subtrees (of 16 leaves and more) if it has any, then
    // done (a second round would read the tail again and find nothing).
    expect(reads).toBe(rangeNodes({ start: 0, end: sizeBefore }).some((n) => n.level >= STORED_LEVEL) ? 2 : 1);
  });

  it("many concurrent sealers, while events keep arriving, neither fork the chain nor leave a gap", async () => {
    for (let i = 0; i < 10; i++) await append(5, "race");
    // Each batch first yields, as under a busy server's I/O, so sealers read the same tail.
    const batch = store.batch.bind(store);
    let refused = 0;
    (store as { batch: typeof batch }).batch = async (statements) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      try {
        return await batch(statements);
      } catch (error) {
        if (constraintViolation(error)) refused += 1;
        throw error;
      }
    };
    const sealers = Array.from({ length: 12 }, () => sealAuditLog(store, { rounds: 1000, maxConflicts: 1000 }));
    const writers = Array.from({ length: 4 }, () => append(5, "race-late"));
    const results = await Promise.all([...sealers, ...writers]);
    (store as { batch: typeof batch }).batch = batch;
    await sealAll();

    expect(refused, "the race should reach the sealing guard").toBeGreaterThan(0);
    expect(results.slice(0, 12).reduce((n, r) => n + (r as { conflicts: number }).conflicts, 0)).toBeGreaterThan(0);
    const [{ max_seq, sealed, distinct_hashes }] = (await store.all(
      sql`SELECT max(seq) AS max_seq, count(hash) AS sealed, count(DISTINCT hash) AS distinct_hashes FROM audit_events`,
    )) as [{ max_seq: number; sealed: number; distinct_hashes: number }];
    const size = await treeSize(store);
    expect(size).toBeGreaterThanOrEqual(Number(max_seq) - 0);
    expect(Number(distinct_hashes)).toBe(Number(sealed));
    const [{ n }] = (await store.all(sql`SELECT count(*) AS n FROM audit_tree WHERE ((idx + 1) << level) <= ${size}`)) as [{ n: number }];
    expect(Number(n)).toBe(completeSubtreeCount(size, STORED_LEVEL));
    const report = await verify();
    expect(report.first_break).toBeNull();
    expect(report.tree.ok).toBe(true);
  });

  it("the database refuses a seal that skips an unsealed event or chains from a wrong hash", async () => {
    await sealAll();
    await append(2, "guard");
    const [{ first }] = (await store.all(sql`SELECT min(seq) AS first FROM audit_events WHERE hash IS NULL`)) as [{ first: number }];
    const skip = sql`UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE seq = ${first} AND hash = ${"a".repeat(64)}), hash = ${"b".repeat(64)} WHERE seq = ${Number(first) + 1}`;
    await expect(store.batch([skip])).rejects.toSatisfy((e) => constraintViolation(e)?.name === "audit_seal_chained");
    const [{ last }] = (await store.all(sql`SELECT hash AS last FROM audit_events WHERE seq = ${Number(first) - 1}`)) as [{ last: string }];
    const wrongPrev = sql`UPDATE audit_events SET prev_hash = (SELECT hash FROM audit_events WHERE seq = ${Number(first) - 1} AND hash = ${last.replace(/.$/, (c) => (c === "0" ? "1" : "0"))}), hash = ${"c".repeat(64)} WHERE seq = ${first}`;
    await expect(store.batch([wrongPrev])).rejects.toSatisfy((e) => constraintViolation(e)?.name === "audit_seal_chained");
    expect((await eventRow(Number(first))).hash).toBeNull();
    const sealed = await sealAll();
    expect(sealed.size).toBeGreaterThanOrEqual(Number(first) + 1);
  });
});

describe("proofs against the RFC 6962 reference", () => {
  it("inclusion proofs for every size 1..40 and every index, and consistency proofs between every pair, are the reference's", { timeout: 180_000 }, async () => {
    const MAX = 40;
    if ((await treeSize(store)) < MAX) await append(MAX, "proofs");
    await sealAll();
    const leaves = await canonicalLeaves(MAX);
    for (let n = 1; n <= MAX; n++) {
      const tree = leaves.slice(0, n);
      for (let m = 0; m < n; m++) {
        const ours = await inclusionProof(store, m + 1, n);
        expect(ours.proof.map(hex), `inclusion of ${m} in ${n}`).toEqual(path(m, tree).map(hex));
        expect(hex(ours.root)).toBe(hex(mth(tree)));
      }
      for (let m = 1; m <= n; m++) {
        expect((await consistencyProof(store, m, n)).map(hex), `consistency ${m} → ${n}`).toEqual(proof(m, tree).map(hex));
      }
    }
  });

  it("the proof endpoints answer anyone, in base64, and refuse sizes the log has not reached", async () => {
    const leaves = await canonicalLeaves(40);
    const client = newClient(harness);
    const inclusion = await client.get("/api/audit/proofs/inclusion?seq=13&size=37");
    expect(inclusion.status).toBe(200);
    expect(inclusion.body.proof.map((p: string) => hex(fromBase64(p)))).toEqual(path(12, leaves.slice(0, 37)).map(hex));
    expect(hex(fromBase64(inclusion.body.root_hash))).toBe(hex(mth(leaves.slice(0, 37))));
    const consistency = await client.get("/api/audit/proofs/consistency?from=11&to=40");
    expect(consistency.status).toBe(200);
    expect(consistency.body.proof.map((p: string) => hex(fromBase64(p)))).toEqual(proof(11, leaves).map(hex));
    const size = await treeSize(store);
    expect((await client.get(`/api/audit/proofs/consistency?from=1&to=${size + 1000}`)).body.error.code).toBe("beyond_tree");
    expect((await client.get("/api/audit/proofs/inclusion?seq=9&size=8")).status).toBe(400);
  });
});

describe("signed checkpoints", () => {
  it("a checkpoint is a C2SP signed note over the tree's root, verifiable with the published key", async () => {
    await append(3, "checkpoint");
    await sealAll();
    const made = await checkpointIfDue(store, harness.audit, Date.now(), { force: true });
    const client = newClient(harness);
    const latest = await client.get("/api/audit/checkpoints");
    expect(latest.status).toBe(200);
    const size = latest.body.tree_size as number;
    if (made) expect(size).toBeGreaterThanOrEqual(made.tree_size);
    const key = await parseVerifierKey((await client.get("/api/audit/public-key")).body.verifier_key);
    const opened = await openCheckpoint(latest.body.checkpoint, key);
    expect("problem" in opened).toBe(false);
    if ("problem" in opened) return;
    expect(latest.body.checkpoint).toMatch(new RegExp(`^${harness.audit.origin}\\n${size}\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 ${harness.audit.origin} [A-Za-z0-9+/]{91}=\\n$`));
    expect(hex(opened.root)).toBe(hex(mth(await canonicalLeaves(size))));
    expect((await client.get(`/api/audit/checkpoints/${size}`)).body.checkpoint).toBe(latest.body.checkpoint);
    expect((await client.get(`/api/audit/checkpoints/${size + 100000}`)).status).toBe(404);
    // One byte of the body changed: the signature no longer verifies.
    const forged = latest.body.checkpoint.replace(`\n${size}\n`, `\n${size + 1}\n`);
    expect(await openCheckpoint(forged, key)).toEqual({ problem: "bad_signature" });
  });

  it("refuses to sign a new checkpoint that does not extend the latest one", async () => {
    await sealAll();
    await checkpointIfDue(store, harness.audit, Date.now(), { force: true });
    const before = (await latestCheckpoint(store))!;
    // The largest subtree under the published root: every later root and proof reads it.
    const [top] = rangeNodes({ start: 0, end: before.tree_size });
    const at = sql`level = ${top!.level} AND idx = ${top!.idx}`;
    const [leaf] = await store.all<{ hash: string }>(sql`SELECT hash FROM audit_tree WHERE ${at}`);
    await store.batch([sql`UPDATE audit_tree SET hash = ${"e".repeat(64)} WHERE ${at}`]);
    try {
      await append(1, "after-rewrite");
      await sealAll();
      await expect(checkpointIfDue(store, harness.audit, Date.now(), { force: true })).rejects.toBeInstanceOf(AuditLogInconsistent);
      expect((await latestCheckpoint(store))!.tree_size).toBe(before.tree_size);
    } finally {
      await store.batch([sql`UPDATE audit_tree SET hash = ${leaf!.hash} WHERE ${at}`]);
    }
    expect(await checkpointIfDue(store, harness.audit, Date.now(), { force: true })).not.toBeNull();
  });
});

describe("the canonical text SQLite computes for the verifier", () => {
  it("is canonicalEventText's for every character outside the surrogates, and for each stored event", async () => {
    const chars: string[] = [];
    for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) chars.push(String.fromCharCode(c));
    chars.push("😀", "𠀀");
    const differ: string[] = [];
    for (let i = 0; i < chars.length; i += 2048) {
      const text = chars.slice(i, i + 2048).join("");
      const [row] = await store.all<{ json: string }>(sql`SELECT json_array(${text}, NULL, 1764000000000) AS json`);
      if (row!.json !== JSON.stringify([text, null, 1764000000000])) differ.push(`chars ${i}..${i + 2047}`);
    }
    expect(differ).toEqual([]);
    await append(3, "canonical");
    const rows = await store.all<CanonicalEvent & { canonical: string }>(
      sql`SELECT seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json, ${sql.raw(CANONICAL_EVENT_SQL)} AS canonical FROM audit_events ORDER BY seq DESC LIMIT 3`,
    );
    for (const row of rows) expect(row.canonical).toBe(canonicalEventText({ ...row, seq: Number(row.seq), at: Number(row.at) }));
  });
});

describe("tampering is detected, with where it first breaks", () => {
  const editable: Record<string, unknown> = {
    at: 1,
    request_id: "req-forged",
    actor_user_id: "usr_forged",
    actor_org_id: "org_forged",
    action: "voucher.issued",
    subject_type: "voucher",
    subject_id: "vch_forged",
    programme_id: "prg_forged",
    before_json: '{"balance_fen":0}',
    after_json: '{"balance_fen":100000000}',
    prev_hash: "0".repeat(64),
    hash: "1".repeat(64),
  };

  it("editing any field of a sealed event breaks verification at that event", async () => {
    const target = await sealedTarget();
    await checkpointIfDue(store, harness.audit, Date.now(), { force: true });
    expect((await verify()).ok).toBe(true);
    const original = await eventRow(target);
    for (const [column, value] of Object.entries(editable)) {
      if (column in FIELD_INDEX) {
        // A field is read from the hashed text: it cannot be written apart from it.
        await expect(store.batch([sql`UPDATE audit_events SET ${sql.identifier(column)} = ${value} WHERE seq = ${target}`]), column).rejects.toThrow(/generated column/);
      }
      await store.batch([editField(target, column, value)]);
      expect((await eventRow(target))[column], column).toBe(value);
      const report = await verify();
      await restoreEvents(original);
      expect(report.ok, column).toBe(false);
      expect(report.first_break?.seq, column).toBe(target);
    }
    expect((await verify()).ok).toBe(true);
  });

  it("deleting, reordering or inserting events breaks verification at the first affected event", async () => {
    const target = await sealedTarget();
    const [a, b] = [await eventRow(target), await eventRow(target + 1)];

    await store.batch([sql`DELETE FROM audit_events WHERE seq = ${target}`]);
    const deleted = await verify();
    await restoreEvents(a);
    expect(deleted.first_break).toMatchObject({ seq: target, problem: expect.stringMatching(/missing/) });

    // The two events' contents change places (each keeps its row's seq in its text).
    const swap = (from: Row, to: number) =>
      sql`UPDATE audit_events SET canonical = json_set(${from.canonical}, '$[1]', CAST(${to} AS INTEGER)), prev_hash = ${from.prev_hash}, hash = ${from.hash} WHERE seq = ${to}`;
    await store.batch([sql`UPDATE audit_events SET hash = NULL WHERE seq IN (${target}, ${target + 1})`, swap(b, target), swap(a, target + 1)]);
    const reordered = await verify();
    await restoreEvents(a, b);
    expect(reordered.first_break?.seq).toBe(target);

    // Insert: a forged event at `target`, everything after it moved one on.
    const later = await store.all<Row>(sql`SELECT * FROM audit_events WHERE seq >= ${target} ORDER BY seq`);
    await store.batch([
      sql`UPDATE audit_events SET seq = -seq, canonical = json_set(canonical, '$[1]', -seq) WHERE seq >= ${target}`,
      sql`UPDATE audit_events SET seq = 1 - seq, canonical = json_set(canonical, '$[1]', 1 - seq) WHERE seq < 0`,
      sql`INSERT INTO audit_events (seq, canonical, prev_hash, hash) VALUES (${target}, json_array('audit-event/v1', ${target}, CAST(${a.at} AS INTEGER), 'req-forged', NULL, NULL, 'payout.approved', 'claim', 'clm_forged', NULL, NULL, NULL), ${a.prev_hash}, ${"9".repeat(64)})`,
    ]);
    const inserted = await verify();
    await store.batch([sql`DELETE FROM audit_events WHERE seq >= ${target}`]);
    for (let i = 0; i < later.length; i += 50) await restoreEvents(...later.slice(i, i + 50));
    expect(inserted.first_break?.seq).toBe(target);
    expect((await verify()).ok).toBe(true);
  });

  it("a stored subtree that disagrees with its events is caught", async () => {
    await sealedTarget();
    // The last complete block of 16 events: the lowest subtree the tree stores.
    const idx = Math.floor((await treeSize(store)) / 2 ** STORED_LEVEL) - 1;
    expect(idx).toBeGreaterThanOrEqual(0);
    const at = sql`level = ${STORED_LEVEL} AND idx = ${idx}`;
    const [node] = await store.all<{ hash: string }>(sql`SELECT hash FROM audit_tree WHERE ${at}`);
    await store.batch([sql`UPDATE audit_tree SET hash = ${"d".repeat(64)} WHERE ${at}`]);
    const report = await verify();
    await store.batch([sql`UPDATE audit_tree SET hash = ${node!.hash} WHERE ${at}`]);
    expect(report.first_break).toMatchObject({ seq: idx * 2 ** STORED_LEVEL + 1, problem: expect.stringMatching(`subtree level ${STORED_LEVEL} index ${idx} differs`) });
    expect(report.tree.ok).toBe(false);
  });

  it("a stored subtree that is missing is caught, and so is one stored below the lowest level kept", async () => {
    await sealedTarget();
    const idx = Math.floor((await treeSize(store)) / 2 ** STORED_LEVEL) - 1;
    const at = sql`level = ${STORED_LEVEL} AND idx = ${idx}`;
    const [node] = await store.all<{ hash: string }>(sql`SELECT hash FROM audit_tree WHERE ${at}`);
    await store.batch([sql`DELETE FROM audit_tree WHERE ${at}`]);
    const missing = await verify();
    await store.batch([sql`INSERT INTO audit_tree (level, idx, hash) VALUES (${STORED_LEVEL}, ${idx}, ${node!.hash})`]);
    expect(missing.first_break).toMatchObject({ seq: idx * 2 ** STORED_LEVEL + 1, problem: expect.stringMatching(/missing subtree/) });

    await store.batch([sql`INSERT INTO audit_tree (level, idx, hash) VALUES (0, 0, ${"d".repeat(64)})`]);
    const extra = await verify();
    await store.batch([sql`DELETE FROM audit_tree WHERE level = 0`]);
    expect(extra.ok).toBe(false);
    expect(extra.tree.detail).toMatch(/holds \d+ subtrees/);
    expect((await verify()).ok).toBe(true);
  });

  it("a table redefined so that a field is stored apart from the hashed text is verified from its fields, and the edit is caught", async () => {
    const target = await sealedTarget();
    expect((await verify()).tree.detail).not.toMatch(/field columns/);
    // What a writer with the schema in hand could do: audit_events rebuilt with every column
    // plain, the hashed text kept, one field changed beside it.
    const fields = Object.keys(FIELD_INDEX).filter((f) => f !== "seq");
    const copy = sql.raw(`seq, canonical, ${fields.join(", ")}, prev_hash, hash`);
    const schema = await store.all<{ sql: string }>(
      sql`SELECT sql FROM sqlite_master WHERE tbl_name = 'audit_events' AND sql IS NOT NULL ORDER BY type = 'table' DESC`,
    );
    await store.batch([sql`CREATE TABLE audit_events_kept AS SELECT seq, canonical, prev_hash, hash FROM audit_events`]);
    await store.batch([
      sql`CREATE TABLE audit_events_plain (seq integer PRIMARY KEY, canonical text, at integer, request_id text, actor_user_id text, actor_org_id text, action text, subject_type text, subject_id text, programme_id text, before_json text, after_json text, prev_hash text, hash text)`,
      sql`INSERT INTO audit_events_plain (${copy}) SELECT ${copy} FROM audit_events`,
      sql`DROP TABLE audit_events`,
      sql`ALTER TABLE audit_events_plain RENAME TO audit_events`,
      sql`UPDATE audit_events SET after_json = '{"amount_fen":1}' WHERE seq = ${target}`,
    ]);
    let report: Awaited<ReturnType<typeof verify>>;
    try {
      report = await verify();
    } finally {
      await store.batch([
        sql`DROP TABLE audit_events`,
        ...schema.map((s) => sql.raw(s.sql)),
        sql`INSERT INTO audit_events (seq, canonical, prev_hash, hash) SELECT seq, canonical, prev_hash, hash FROM audit_events_kept ORDER BY seq`,
        sql`DROP TABLE audit_events_kept`,
      ]);
    }
    expect((await verify()).ok).toBe(true);
    expect(report.first_break?.seq).toBe(target);
    expect(report.tree.detail).toMatch(/hashed from their field columns/);
  });

  it("truncating the log behind a published checkpoint is caught at the first missing event", async () => {
    await append(4, "truncate");
    await sealAll();
    const published = (await checkpointIfDue(store, harness.audit, Date.now(), { force: true })) ?? (await latestCheckpoint(store))!;
    const cut = published.tree_size - 2;
    const rows = await store.all<Row>(sql`SELECT * FROM audit_events WHERE seq > ${cut} ORDER BY seq`);
    const nodes = await store.all<Row>(sql`SELECT * FROM audit_tree WHERE ((idx + 1) << level) > ${cut}`);
    await store.batch([sql`DELETE FROM audit_events WHERE seq > ${cut}`, sql`DELETE FROM audit_tree WHERE ((idx + 1) << level) > ${cut}`]);
    const report = await verify();
    for (let i = 0; i < rows.length; i += 50) await restoreEvents(...rows.slice(i, i + 50));
    for (let i = 0; i < nodes.length; i += 30) {
      const chunk = nodes.slice(i, i + 30).map((n) => sql`(${n.level}, ${n.idx}, ${n.hash})`);
      await store.batch([sql`INSERT INTO audit_tree (level, idx, hash) VALUES ${sql.join(chunk, sql`, `)}`]);
    }
    expect(report.ok).toBe(false);
    expect(report.first_break?.seq).toBe(cut + 1);
    expect(report.checkpoints.first_bad?.tree_size).toBeGreaterThan(cut);
    expect((await verify()).ok).toBe(true);
  });

  it("a history rewritten consistently (chain and tree recomputed) contradicts the signed checkpoint", async () => {
    const target = await sealedTarget();
    await checkpointIfDue(store, harness.audit, Date.now(), { force: true });
    const rows = await store.all<Row>(sql`SELECT * FROM audit_events WHERE seq >= ${target} AND hash IS NOT NULL ORDER BY seq`);
    const nodes = await store.all<Row>(sql`SELECT * FROM audit_tree WHERE ((idx + 1) << level) >= ${target}`);
    const unseal = () => [
      sql`UPDATE audit_events SET hash = NULL, prev_hash = NULL WHERE seq >= ${target}`,
      sql`DELETE FROM audit_tree WHERE ((idx + 1) << level) >= ${target}`,
    ];
    await store.batch([...unseal(), editField(target, "after_json", '{"amount_fen":1}')]);
    await sealAll();
    const report = await verify();
    await store.batch(unseal());
    for (let i = 0; i < rows.length; i += 50) await restoreEvents(...rows.slice(i, i + 50));
    for (let i = 0; i < nodes.length; i += 30) {
      const chunk = nodes.slice(i, i + 30).map((n) => sql`(${n.level}, ${n.idx}, ${n.hash})`);
      await store.batch([sql`INSERT OR REPLACE INTO audit_tree (level, idx, hash) VALUES ${sql.join(chunk, sql`, `)}`]);
    }
    await sealAll();
    expect(report.first_break).toBeNull();
    expect(report.checkpoints.first_bad?.problem).toMatch(/signed root differs/);
    expect((await verify()).ok).toBe(true);
  });

  it("a checkpoint re-signed with another key is refused", async () => {
    await sealAll();
    await checkpointIfDue(store, harness.audit, Date.now(), { force: true });
    const latest = (await latestCheckpoint(store))!;
    const impostor = await signerFromPrivateKey(harness.audit.origin, OTHER_AUDIT_KEY);
    const note = await signCheckpoint({ origin: harness.audit.origin, size: latest.tree_size, root: fromBase64(latest.root_hash) }, impostor);
    await store.batch([sql`UPDATE audit_checkpoints SET note = ${note} WHERE tree_size = ${latest.tree_size}`]);
    const report = await verify();
    await store.batch([sql`UPDATE audit_checkpoints SET note = ${latest.note} WHERE tree_size = ${latest.tree_size}`]);
    expect(report.ok).toBe(false);
    expect(report.checkpoints.first_bad).toEqual({ tree_size: latest.tree_size, problem: "signature: no signature by key" });
    expect(toBase64(fromBase64(latest.root_hash))).toBe(latest.root_hash);
  });
});
