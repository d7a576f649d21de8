// Node only: the audit signing key lives in a file beside the database, never inside it, created
// with mode 0600 on first start (docs/audit-log.md). AUDIT_SIGNING_KEY overrides the file.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { generatePrivateKey } from "../domain/checkpoint";
import type { NodeEnv } from "../env";
import type { AuditSettings } from "../services/audit-log";
import { auditSettingsFrom } from "../services/audit-settings";

export const AUDIT_KEY_FILE_NAME = "audit-signing-key.pkcs8";

/** The key file's path, or null for an in-memory database (tests: an ephemeral key). */
export function auditKeyPath(env: Pick<NodeEnv, "DATABASE_PATH" | "AUDIT_SIGNING_KEY_FILE">): string | null {
  if (env.AUDIT_SIGNING_KEY_FILE) return resolve(env.AUDIT_SIGNING_KEY_FILE);
  if (env.DATABASE_PATH === ":memory:") return null;
  return join(dirname(resolve(env.DATABASE_PATH)), AUDIT_KEY_FILE_NAME);
}

/** Reads the key file, creating it (0600, never overwriting) when `create` and it does not exist. */
export async function readOrCreateKeyFile(path: string, create: boolean): Promise<string | null> {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !create) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }
  const key = await generatePrivateKey();
  try {
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
    return key;
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(path, "utf8");
    throw error;
  }
}

/** The server's settings: creates the key file on first start. The CLI passes create = false. */
export async function nodeAuditSettings(env: NodeEnv, options: { create: boolean }): Promise<AuditSettings> {
  const path = auditKeyPath(env);
  const key =
    env.AUDIT_SIGNING_KEY ??
    (path ? await readOrCreateKeyFile(path, options.create) : options.create ? await generatePrivateKey() : null) ??
    undefined;
  return auditSettingsFrom({
    AUDIT_SIGNING_KEY: key,
    AUDIT_LOG_ORIGIN: env.AUDIT_LOG_ORIGIN,
    AUDIT_CHECKPOINT_EVERY_EVENTS: env.AUDIT_CHECKPOINT_EVERY_EVENTS,
    AUDIT_CHECKPOINT_EVERY_MINUTES: env.AUDIT_CHECKPOINT_EVERY_MINUTES,
  });
}
