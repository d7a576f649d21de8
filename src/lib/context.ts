// What every handler can read from the request context. Built once per entry point (Node,
// Workers, tests), so the same handler runs on either database.
import type { Organisation, User } from "../db/schema";
import type { Store } from "../db/store";
import type { SearchExecutor } from "../services/capacity-search";

export interface Actor {
  user: User;
  org: Organisation;
  sessionId: string;
  sessionExpiresAt: number;
}

export interface AppVariables {
  store: Store;
  requestId: string;
  clientAddress: string;
  /** The client reached us over https (decides the cookie's Secure flag and our own origin). */
  https: boolean;
  actor: Actor | null;
  now: () => number;
  /** Runs capacity searches (Node with a database file: on a worker thread). */
  search: SearchExecutor;
}

export type AppEnv = { Variables: AppVariables };
