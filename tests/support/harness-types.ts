import type { Store } from "../../src/db/store";
import type { createApp } from "../../src/app";
import type { AuditSettings } from "../../src/services/audit-log";

/** What each driver's harness gives a test: the same app over a fresh or shared database. */
export interface Harness {
  driver: "better-sqlite3" | "d1";
  store: Store;
  app: ReturnType<typeof createApp>;
  /** The app's clock; tests move it to exercise expiry. */
  clock: { now: number };
  /** The audit log's settings (a fixed test signing key). */
  audit: AuditSettings;
}
