// What every handler can read from the request context. Built once per entry point (Node,
// Workers, tests), so the same handler runs on either database.
import type { Organisation, User } from "../db/schema";
import type { Store } from "../db/store";
import type { AuditSettings } from "../services/audit-log";

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
  /** How this installation seals and signs its audit log (docs/audit-log.md). */
  audit: AuditSettings;
  /** Set by commit(): this request appended audit events, so they are sealed before it answers. */
  auditWritten: boolean;
}

export type AppEnv = { Variables: AppVariables };
