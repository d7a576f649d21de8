// Audit events are appended in the same atomic batch as the change they record (DESIGN §5).
import { sql, type SQLWrapper } from "drizzle-orm";
import { CANONICAL_EVENT_TAG } from "../domain/audit-event";
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

// Every write appends one: compiled once (src/db/store.ts statementShape), bound per event. The
// row is its canonical text (src/domain/audit-event.ts), built by SQLite's json_array with the
// next seq, in the same statement: the fields are read back from it (src/db/schema/records.ts).
// `at` is cast so a bound number is an integer in the text, never "1.7e12".
const auditInsert = statementShape<AuditRow>(
  (v) => sql`INSERT INTO audit_events (seq, canonical)
    SELECT next.seq, json_array(${CANONICAL_EVENT_TAG}, next.seq, CAST(${v.at} AS INTEGER), ${v.request_id}, ${v.actor_user_id}, ${v.actor_org_id}, ${v.action}, ${v.subject_type}, ${v.subject_id}, ${v.programme_id}, ${v.before_json}, ${v.after_json})
    FROM (SELECT coalesce(max(seq), 0) + 1 AS seq FROM audit_events) AS next`,
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
