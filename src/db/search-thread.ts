// Capacity searches off the event loop (Node only). better-sqlite3 is synchronous, so a search
// run in the request's thread holds every other request until it ends; here searches run on one
// worker thread with its own read-only connection to the same file (WAL lets it read while the
// main connection writes). One thread, not a pool: the machine's other core serves requests.
// An in-memory database cannot be shared between threads; its callers search in-thread.
import { Worker } from "node:worker_threads";
import type { Actor } from "../lib/context";
import { AppError } from "../lib/errors";
import type { SearchExecutor, SearchRequest, SearchResult } from "../services/capacity-search";

/** Searches waiting or running at once; one more is refused with a 503 rather than queued. */
export const MAX_QUEUED_SEARCHES = 32;

export interface SearchRequestMessage {
  id: number;
  actor: Actor;
  req: SearchRequest;
  now: number;
}

export type SearchResponseMessage = { id: number; result: SearchResult } | { id: number; error: string };

interface Waiting {
  resolve: (result: SearchResult) => void;
  reject: (error: Error) => void;
}

/**
 * The worker's bootstrap. Under tsx (how this project runs), Node 20 does not hand the main
 * thread's module hooks to a worker, so the worker registers tsx itself before it imports the
 * TypeScript entry beside this file.
 */
function workerSource(): string {
  const typescript = import.meta.url.endsWith(".ts");
  const entry = new URL(`./search-worker${typescript ? ".ts" : ".js"}`, import.meta.url).href;
  const register = typescript ? `(await import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})).register();` : "";
  return `(async () => { ${register} await import(${JSON.stringify(entry)}); })().catch((error) => { throw error; });`;
}

export function openSearchThread(path: string): { search: SearchExecutor; close(): Promise<void> } {
  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let worker: Worker | null = null;

  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  const start = () => {
    const started = new Worker(workerSource(), { eval: true, workerData: { path } });
    started.on("message", (message: SearchResponseMessage) => {
      const w = waiting.get(message.id);
      waiting.delete(message.id);
      if (!w) return;
      if ("error" in message) w.reject(new Error(`search thread: ${message.error}`));
      else w.resolve(message.result);
    });
    // A crashed thread fails what it held; the next search starts a fresh one.
    started.on("error", (error) => {
      worker = null;
      failAll(error);
    });
    started.on("exit", () => {
      if (worker === started) worker = null;
      failAll(new Error("search thread exited"));
    });
    return started;
  };

  const search: SearchExecutor = (actor: Actor, req: SearchRequest, now: number) => {
    if (waiting.size >= MAX_QUEUED_SEARCHES) {
      return Promise.reject(new AppError(503, "search_busy", "搜索繁忙，请稍后再试 / Searches are busy; try again shortly", { retry_after_seconds: 1 }));
    }
    worker ??= start();
    const id = nextId++;
    const message: SearchRequestMessage = { id, actor, req, now };
    return new Promise<SearchResult>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker!.postMessage(message);
    });
  };

  return {
    search,
    async close() {
      const running = worker;
      worker = null;
      await running?.terminate();
    },
  };
}
