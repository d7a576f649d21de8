// What every handler can read from the request context. Built once per entry point (Node,
// Workers, tests), so the same handler runs on either database.
import type { BlobStore } from "../blobs/blob-store";
import type { Organisation, User } from "../db/schema";
import type { Store } from "../db/store";
import type { WebhookSender } from "../webhooks/sender";
import type { SearchExecutor } from "../services/capacity-search";
import type { AuditSettings } from "../services/audit-log";
import type { Mailer } from "./mail";

export interface Actor {
  user: User;
  org: Organisation;
  sessionId: string;
  sessionExpiresAt: number;
}

export interface AppVariables {
  store: Store;
  /** Where uploaded files' bytes live (a directory on Node, R2 on Workers). */
  blobs: BlobStore;
  /** Sign-ups one client address may make per hour. */
  signupsPerHour: number;
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
  /** Runs capacity searches (Node with a database file: on a worker thread). */
  search: SearchExecutor;
  /** Where a development install prints what it would have mailed (invitation links); null: nowhere. */
  log: ((line: string) => void) | null;
  /** Where mail goes (password-reset links); null: nowhere (docs/accounts.md, "Mail"). */
  mailer: Mailer | null;
  /** How webhook attempts are sent, and whether loopback targets are allowed (development only). */
  webhooks: WebhookSettings;
  /** CSP hash sources ('sha256-…') of the built index.html's inline <style>, for style-src. */
  styleHashes: readonly string[];
}

export interface WebhookSettings {
  send: WebhookSender;
  allowLoopback: boolean;
}

export type AppEnv = { Variables: AppVariables };
