// Audit settings from plain strings (the Workers environment, or the Node environment plus its
// key file). The signing key never lives in the database (docs/audit-log.md).
import { signerFromPrivateKey } from "../domain/checkpoint";
import { DEFAULT_AUDIT_ORIGIN, DEFAULT_CHECKPOINT_EVERY_EVENTS, DEFAULT_CHECKPOINT_EVERY_MINUTES, type AuditSettings } from "./audit-log";

export interface AuditSettingStrings {
  AUDIT_SIGNING_KEY?: string;
  AUDIT_LOG_ORIGIN?: string;
  AUDIT_CHECKPOINT_EVERY_EVENTS?: string | number;
  AUDIT_CHECKPOINT_EVERY_MINUTES?: string | number;
}

function boundedInteger(value: string | number | undefined, fallback: number, max: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer 1..${max}`);
  return n;
}

export async function auditSettingsFrom(env: AuditSettingStrings): Promise<AuditSettings> {
  const origin = env.AUDIT_LOG_ORIGIN || DEFAULT_AUDIT_ORIGIN;
  if (/[\s+]/.test(origin)) throw new Error("AUDIT_LOG_ORIGIN is one word without spaces or '+'");
  return {
    origin,
    // The key name is the origin, as transparency logs usually do.
    signer: env.AUDIT_SIGNING_KEY ? await signerFromPrivateKey(origin, env.AUDIT_SIGNING_KEY) : null,
    checkpointEveryEvents: boundedInteger(env.AUDIT_CHECKPOINT_EVERY_EVENTS, DEFAULT_CHECKPOINT_EVERY_EVENTS, 1_000_000, "AUDIT_CHECKPOINT_EVERY_EVENTS"),
    checkpointEveryMinutes: boundedInteger(env.AUDIT_CHECKPOINT_EVERY_MINUTES, DEFAULT_CHECKPOINT_EVERY_MINUTES, 1440, "AUDIT_CHECKPOINT_EVERY_MINUTES"),
  };
}
