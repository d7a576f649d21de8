import type { BlobStore } from "../../src/blobs/blob-store";
import type { Store } from "../../src/db/store";
import type { createApp } from "../../src/app";
import type { MailMessage } from "../../src/lib/mail";
import type { WebhookSettings } from "../../src/lib/context";
import type { AuditSettings } from "../../src/services/audit-log";

/** What each driver's harness gives a test: the same app over a fresh or shared database. */
export interface Harness {
  driver: "better-sqlite3" | "d1";
  store: Store;
  blobs: BlobStore;
  app: ReturnType<typeof createApp>;
  /** The app's clock; tests move it to exercise expiry. */
  clock: { now: number };
  /** How the app sends webhooks; tests swap `send` for a receiver they control. */
  webhooks: WebhookSettings;
  /** The audit log's settings (a fixed test signing key). */
  audit: AuditSettings;
  /** Every message the app sent through its mailer, oldest first. */
  outbox: MailMessage[];
}
