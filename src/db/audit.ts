// Audit events are appended in the same atomic batch as the change they record (DESIGN §5).
import type { SQLWrapper } from "drizzle-orm";
import { audit_events } from "./schema";
import type { Store } from "./store";

export interface AuditInput {
  action: string;
  subject_type: string;
  subject_id: string;
  programme_id?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditMeta {
  at: number;
  request_id: string;
  actor_user_id: string | null;
  actor_org_id: string | null;
}

const SECRET_KEYS = /password|token|secret|session_id/i;

/** JSON with secrets removed, keys sorted, so before/after can be compared and hashed. */
export function auditJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (key, v) => {
    if (key && SECRET_KEYS.test(key)) return undefined;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

export function auditStatement(store: Store, meta: AuditMeta, event: AuditInput): SQLWrapper {
  return store.db.insert(audit_events).values({
    ...meta,
    action: event.action,
    subject_type: event.subject_type,
    subject_id: event.subject_id,
    programme_id: event.programme_id ?? null,
    before_json: auditJson(event.before),
    after_json: auditJson(event.after),
  });
}
