// WAL checkpoints off the request path (Node only). better-sqlite3 is synchronous, and SQLite's
// automatic checkpoint runs inside the COMMIT that takes the WAL past its threshold: that request,
// and with it every other request of the process, waited while about 1,000 pages were copied into
// the database file and fsynced (measured: 35 ms to over a second on the shared machine, against
// a 20–35 ms ordinary group commit; docs/performance.md, "tail latency and memory"). Here a worker
// thread with a connection of its own runs PASSIVE checkpoints on a timer: they never wait for the
// writer nor make it wait, and the writer keeps appending to the WAL meanwhile. The main connection
// keeps an automatic checkpoint only as a backstop at a much larger WAL, so the WAL stays bounded
// even if this thread falls behind or stops.
//
// Durability is unchanged: a commit is durable once its WAL frames are synced (synchronous FULL
// does that in the COMMIT itself); a checkpoint only copies already-durable frames into the main
// file, and syncs the WAL before and the file after, as the automatic one did.
//
// Plain JavaScript evaluated in the worker (no TypeScript loader): the thread stays small.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Synchronous } from "./node";

/** How often the thread checkpoints, in ms. */
export const CHECKPOINT_INTERVAL_MS = 100;
/**
 * The main connection's own automatic checkpoint, in pages (SQLite's default is 1,000): reached
 * only when the thread has not kept up (it checkpoints every CHECKPOINT_INTERVAL_MS).
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4_000;

export interface CheckpointThreadOptions {
  synchronous: Synchronous;
  intervalMs?: number;
}

export interface CheckpointThread {
  /** Checkpoints the thread has run that moved pages, and its connection's synchronous level (for tests). */
  stats(): Promise<{ checkpoints: number; pages: number; busy: number; errors: number; last_error: string | null; synchronous: number }>;
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("synchronous = " + workerData.synchronous);
db.pragma("wal_autocheckpoint = 0");
db.pragma("cache_size = -256");
const stats = { checkpoints: 0, pages: 0, busy: 0, errors: 0, last_error: null, synchronous: db.pragma("synchronous", { simple: true }) };
// wal_checkpoint answers the WAL's frames (log) and how many of them are in the file now
// (checkpointed); a smaller answer than last time means the writer has restarted the WAL since.
let last = { log: 0, checkpointed: 0 };
const checkpoint = () => {
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)");
    if (row.busy) { stats.busy++; return; }
    const restarted = row.log < last.log || row.checkpointed < last.checkpointed;
    const moved = row.checkpointed - (restarted ? 0 : last.checkpointed);
    if (moved > 0) { stats.checkpoints++; stats.pages += moved; }
    last = row;
  } catch (error) {
    stats.errors++;
    stats.last_error = String(error && error.message || error);
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message === "stats") parentPort.postMessage(stats);
  if (message === "close") {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * Starts the thread on a database file that the caller's connection has opened in WAL mode, and
 * moves that connection's automatic checkpoint to the backstop. Not for ":memory:".
 */
export function startCheckpointThread(
  path: string,
  main: { pragma(source: string): unknown },
  options: CheckpointThreadOptions,
): CheckpointThread {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      module: createRequire(import.meta.url).resolve("better-sqlite3"),
      synchronous: options.synchronous,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
    },
    // The thread holds a few KB of JavaScript: a small heap is plenty.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  // A timer thread must not keep the process alive on its own.
  worker.unref();
  main.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  let exited = false;
  worker.on("error", (error) => {
    // The backstop takes over; checkpoints run in requests again, as before this thread.
    exited = true;
    main.pragma("wal_autocheckpoint = 1000");
    console.error("checkpoint thread failed; automatic checkpoints are back on the main connection", error);
  });
  worker.on("exit", () => (exited = true));
  return {
    stats() {
      return new Promise((resolve, reject) => {
        if (exited) return reject(new Error("checkpoint thread has exited"));
        worker.once("message", resolve);
        worker.postMessage("stats");
      });
    },
    async close() {
      if (exited) return;
      const done = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      // Held until it has closed its connection, so a shutdown waits for it.
      worker.ref();
      worker.postMessage("close");
      await done;
    },
  };
}
