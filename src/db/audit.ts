// Audit events are appended in the same atomic batch as the change they record (DESIGN §5).
import type { SQLWrapper } from "drizzle-orm";
import { audit_events } from "./schema";
import { statementShape, type Store } from "./store";

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

type AuditRow = AuditMeta & {
  action: string;
  subject_type: string;
  subject_id: string;
  programme_id: string | null;
  before_json: string | null;
  after_json: string | null;
};

// Every write appends one: compiled once (src/db/store.ts statementShape), bound per event.
const auditInsert = statementShape<AuditRow>((v, db) =>
  db.insert(audit_events).values({
    at: v.at,
    request_id: v.request_id,
    actor_user_id: v.actor_user_id,
    actor_org_id: v.actor_org_id,
    action: v.action,
    subject_type: v.subject_type,
    subject_id: v.subject_id,
    programme_id: v.programme_id,
    before_json: v.before_json,
    after_json: v.after_json,
  }),
);

export function auditStatement(_store: Store, meta: AuditMeta, event: AuditInput): SQLWrapper {
  return auditInsert({
    at: meta.at,
    request_id: meta.request_id,
    actor_user_id: meta.actor_user_id,
    actor_org_id: meta.actor_org_id,
    action: event.action,
    subject_type: event.subject_type,
    subject_id: event.subject_id,
    programme_id: event.programme_id ?? null,
    before_json: auditJson(event.before),
    after_json: auditJson(event.after),
  });
}
