// The search thread's body: capacity searches over a read-only connection of its own, one at a
// time, in the order they arrive. Started by src/db/search-thread.ts; never writes.
import { parentPort, workerData } from "node:worker_threads";
import { searchCapacity } from "../services/capacity-search";
import type { SearchRequestMessage, SearchResponseMessage } from "./search-thread";
import { openReadOnlyNodeStore } from "./node";

const store = openReadOnlyNodeStore((workerData as { path: string }).path);
const port = parentPort!;

port.on("message", async (message: SearchRequestMessage) => {
  let reply: SearchResponseMessage;
  try {
    reply = { id: message.id, result: await searchCapacity(store, message.actor, message.req, message.now) };
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
