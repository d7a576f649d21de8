// Reading audit events for people: filters, the caller's scope, keyset pages. Platform admins see
// every event; agency staff see events of their agency's programmes and events by or about their
// own organisation. Secrets never reach an event (src/db/audit.ts strips them before storing).
import { sql, type SQL } from "drizzle-orm";
import { canonicalColumns } from "../db/audit-tree";
import type { Store } from "../db/store";
import type { StoredEvent } from "../domain/audit-walk";
import type { Actor } from "../lib/context";

export interface EventFilter {
  subject_type?: string;
  subject_id?: string;
  actor_user_id?: string;
  actor_org_id?: string;
  action?: string;
  programme_id?: string;
  from?: string;
  to?: string;
}

export function eventScope(actor: Actor): SQL {
  if (actor.org.kind === "platform" && actor.user.role === "admin") return sql`1 = 1`;
  if (actor.org.kind === "agency") {
    return sql`(programme_id IN (SELECT id FROM programmes WHERE agency_org_id = ${actor.org.id})
               OR actor_org_id = ${actor.org.id}
               OR (subject_type = 'organisation' AND subject_id = ${actor.org.id}))`;
  }
  return sql`0 = 1`;
}

export function eventConditions(actor: Actor, filter: EventFilter): SQL {
  const parts: SQL[] = [eventScope(actor)];
  for (const column of ["subject_type", "subject_id", "actor_user_id", "actor_org_id", "action", "programme_id"] as const) {
    const value = filter[column];
    if (value !== undefined) parts.push(sql`${sql.identifier(column)} = ${value}`);
  }
  if (filter.from) parts.push(sql`at >= ${Date.parse(filter.from)}`);
  if (filter.to) parts.push(sql`at < ${Date.parse(filter.to)}`);
  return sql.join(parts, sql` AND `);
}

/** One keyset page: events with seq > afterSeq matching `where`, oldest first. */
export async function eventPage(store: Store, where: SQL, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await store.all<StoredEvent>(
    sql`SELECT ${canonicalColumns}, prev_hash, hash FROM audit_events WHERE seq > ${afterSeq} AND ${where} ORDER BY seq LIMIT ${limit}`,
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
}

const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export function presentEvent(event: StoredEvent) {
  return {
    seq: event.seq,
    at: new Date(event.at).toISOString(),
    request_id: event.request_id,
    actor_user_id: event.actor_user_id,
    actor_org_id: event.actor_org_id,
    action: event.action,
    subject_type: event.subject_type,
    subject_id: event.subject_id,
    programme_id: event.programme_id,
    before: parsed(event.before_json),
    after: parsed(event.after_json),
    prev_hash: event.prev_hash,
    hash: event.hash,
  };
}

/** An export line: the stored fields verbatim (before/after as the stored JSON text), so the hash can be recomputed. */
export function exportLine(event: StoredEvent): string {
  const { seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json, prev_hash, hash } = event;
  return `${JSON.stringify({ seq, at, request_id, actor_user_id, actor_org_id, action, subject_type, subject_id, programme_id, before_json, after_json, prev_hash, hash })}\n`;
}

export interface EventNames {
  actor_user_name: string | null;
  actor_org_name: string | null;
  programme_name: string | null;
}

/**
 * Names for a page of events (people read names, not ids): the acting user and organisation and
 * the programme, looked up once per distinct id in the page (at most a page's worth).
 */
export async function namesFor(store: Store, events: readonly StoredEvent[]): Promise<(event: StoredEvent) => EventNames> {
  const ids = (pick: (e: StoredEvent) => string | null) => JSON.stringify([...new Set(events.map(pick).filter((v): v is string => v !== null))]);
  const lookup = async (query: SQL) => new Map((await store.all<{ id: string; name: string }>(query)).map((r) => [r.id, r.name]));
  const [usersById, orgsById, programmesById] = await Promise.all([
    lookup(sql`SELECT id, display_name AS name FROM users WHERE id IN (SELECT value FROM json_each(${ids((e) => e.actor_user_id)}))`),
    lookup(sql`SELECT id, name FROM organisations WHERE id IN (SELECT value FROM json_each(${ids((e) => e.actor_org_id)}))`),
    lookup(sql`SELECT id, name FROM programmes WHERE id IN (SELECT value FROM json_each(${ids((e) => e.programme_id)}))`),
  ]);
  return (e) => ({
    actor_user_name: (e.actor_user_id && usersById.get(e.actor_user_id)) ?? null,
    actor_org_name: (e.actor_org_id && orgsById.get(e.actor_org_id)) ?? null,
    programme_name: (e.programme_id && programmesById.get(e.programme_id)) ?? null,
  });
}
