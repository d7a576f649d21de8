// The Node server checkpoints the WAL on a thread of its own (src/db/checkpoint-thread.ts), with
// the main connection's automatic checkpoint moved to a far larger backstop. The WAL must still
// stay small under a steady stream of commits, and every committed row must be in the file.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it, vi } from "vitest";
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startCheckpointThread } from "../../src/db/checkpoint-thread";
import { openNodeStore } from "../../src/db/node";

const dir = mkdtempSync(join(tmpdir(), "checkpoint-thread-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL frame: a 4 KiB page and its 24-byte header (the file starts with a 32-byte header). */
const FRAME = 4096 + 24;
const COMMITS = 300;
const ROWS_PER_COMMIT = 40;
/**
 * The frames one commit appends: a page per row (a row is most of a page), and besides them page 1
 * (the database's size in pages changes with every commit) and the table's root and interior
 * pages on the way to the new leaves, more when one splits: 42–46 measured for these commits.
 */
const FRAMES_PER_COMMIT = ROWS_PER_COMMIT + 6;
const FILLER = "x".repeat(3_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes about 300 × 40 pages (12,000 in all) in 300 commits; returns the largest the WAL file ever was, in bytes. */
async function writeMany(store: ReturnType<typeof openNodeStore>, path: string, started?: () => Promise<unknown>): Promise<number> {
  await store.batch([sql`CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`]);
  // The server starts the thread before it takes requests; here the first commits must not run
  // while a cold thread is still loading (the writer's backstop would copy them instead).
  await started?.();
  let largest = 0;
  for (let c = 0; c < COMMITS; c++) {
    await store.batch(Array.from({ length: ROWS_PER_COMMIT }, (_, r) => sql`INSERT INTO filler (id, body) VALUES (${c * ROWS_PER_COMMIT + r}, ${FILLER + c})`));
    largest = Math.max(largest, statSync(`${path}-wal`).size);
    await sleep(5);
  }
  return largest;
}

/** Waits for the thread's first checkpoint: a new thread takes a moment to start on a loaded machine. */
function firstCheckpoint(thread: ReturnType<typeof startCheckpointThread>) {
  return vi.waitFor(async () => {
    const now = await thread.stats();
    expect(now.checkpoints).toBeGreaterThan(0);
    return now;
  }, { timeout: 15_000, interval: 50 });
}

describe("WAL checkpoints on their own thread", () => {
  it("does most of the copying off the writer, keeps the WAL within the backstop, and loses no row", async () => {
    const path = join(dir, "threaded.sqlite");
    const store = openNodeStore(path, { synchronous: "NORMAL" });
    const thread = startCheckpointThread(path, store, { synchronous: "NORMAL", intervalMs: 50 });
    try {
      expect(store.pragma("wal_autocheckpoint")).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
      const largest = await writeMany(store, path, () => firstCheckpoint(thread));
      const stats = await thread.stats();
      expect(stats.errors, stats.last_error ?? "").toBe(0);
      expect(stats.checkpoints).toBeGreaterThan(10);
      // Over 12,000 pages were written (a row is most of a page); the thread copied at least
      // 80 % of them into the file, so the writer's own checkpoints had little left to do.
      expect(stats.pages).toBeGreaterThan(COMMITS * ROWS_PER_COMMIT * 0.8);
      // The WAL restarts from its top once everything in it is in the file: it never grew past
      // the backstop and the commit that crossed it (plus the next, when the backstop's own
      // checkpoint met the thread's), a third of what was written.
      expect(largest).toBeLessThan(32 + (BACKSTOP_AUTOCHECKPOINT_PAGES + 2 * FRAMES_PER_COMMIT) * FRAME);
    } finally {
      await thread.close();
      store.close();
    }
    const check = new BetterSqlite3(path, { readonly: true });
    try {
      expect((check.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBe(COMMITS * ROWS_PER_COMMIT);
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      check.close();
    }
  });

  it("keeps the WAL bounded by the backstop when the thread is gone", async () => {
    const path = join(dir, "thread-gone.sqlite");
    const store = openNodeStore(path, { synchronous: "NORMAL" });
    const thread = startCheckpointThread(path, store, { synchronous: "NORMAL", intervalMs: 50 });
    await thread.close();
    try {
      expect(store.pragma("wal_autocheckpoint")).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
      const largest = await writeMany(store, path);
      expect(largest).toBeLessThan(32 + (BACKSTOP_AUTOCHECKPOINT_PAGES + 2 * FRAMES_PER_COMMIT) * FRAME);
      expect(largest).toBeGreaterThan((BACKSTOP_AUTOCHECKPOINT_PAGES / 2) * FRAME);
    } finally {
      store.close();
    }
  });

  it.each([
    ["FULL", 2],
    ["NORMAL", 1],
  ] as const)("checkpoints with the server's durability setting (%s) on its own connection", async (synchronous, level) => {
    const path = join(dir, `${synchronous}.sqlite`);
    const store = openNodeStore(path, { synchronous });
    const thread = startCheckpointThread(path, store, { synchronous, intervalMs: 50 });
    try {
      await store.batch([sql`CREATE TABLE t (id INTEGER PRIMARY KEY)`, sql`INSERT INTO t (id) VALUES (1)`]);
      const stats = await firstCheckpoint(thread);
      expect(stats.errors, stats.last_error ?? "").toBe(0);
      expect(stats.synchronous).toBe(level);
      expect(store.pragma("synchronous")).toBe(level);
    } finally {
      await thread.close();
      store.close();
    }
  });
});
