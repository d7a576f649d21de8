// Announcing a change: the statements that put a notification in each concerned person's inbox
// and a webhook event in each concerned organisation's outbox. The caller adds them to the batch
// of the change itself, so the announcement commits with the change or not at all (never sent for
// a change that rolled back, never lost for one that committed).
//
// Recipients are resolved inside the write (INSERT … SELECT over the organisation's users and
// endpoints), so a person added or an endpoint registered a moment before is included, and
// nobody is read first.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { NOTIFICATION_KINDS, type NotificationKind } from "../domain/notification-kinds";
import type { User } from "../db/schema";
import { encodeBase32, randomBase32 } from "../lib/ids";
import { toIso } from "../lib/time";

export interface Recipient {
  org_id: string;
  /** Only these roles of the organisation (default: everyone in it). */
  roles?: readonly User["role"][];
}

export interface Announcement {
  kind: NotificationKind;
  subject_type: string;
  subject_id: string;
  /** The web page a person opens to act on it, e.g. "/bookings/bkg_…". */
  link: string;
  /** One line, e.g. "启明智能 预约了 昇腾910B 8卡 × 4小时"; an SQL expression may read names inside the write. */
  body_zh: string | SQL;
  body_en: string | SQL;
  to: readonly Recipient[];
  /** The person who caused it is not told about it. */
  except_user_id?: string | null;
  /** Facts for webhook receivers (ids, amounts, statuses); names and text are in the inbox. */
  data?: Record<string, unknown>;
  /**
   * Announce at most once per key (e.g. "voucher.expiring:30:vch_…" from a sweep that runs every
   * minute); without a key every call is a new event.
   */
  once_key?: string;
  /**
   * Written only where this SQL condition holds inside the write (e.g. "this batch's reminder row
   * is the one that exists"), so a repeated or concurrent sweep announces nothing the second time.
   */
  only_if?: SQL;
}

/** 16 base32 characters naming the event: random, or derived from its once_key. */
async function eventToken(onceKey: string | undefined): Promise<string> {
  if (!onceKey) return randomBase32(10);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(onceKey));
  return encodeBase32(new Uint8Array(digest).slice(0, 10));
}

const idSuffix = (id: string) => id.slice(id.indexOf("_") + 1);

export async function announce(announcement: Announcement, now: number): Promise<SQLWrapper[]> {
  const token = await eventToken(announcement.once_key);
  const title = NOTIFICATION_KINDS[announcement.kind];
  const statements: SQLWrapper[] = [];
  const orgs = [...new Set(announcement.to.map((r) => r.org_id))];
  for (const recipient of announcement.to) {
    statements.push(inboxStatement(announcement, recipient, token, title, now));
  }
  for (const orgId of orgs) {
    const messageId = `msg_${token}${idSuffix(orgId)}`;
    const payload = JSON.stringify({
      id: messageId,
      type: announcement.kind,
      timestamp: toIso(now),
      data: { subject_type: announcement.subject_type, subject_id: announcement.subject_id, link: announcement.link, ...announcement.data },
    });
    statements.push(...outboxStatements(announcement, orgId, messageId, token, payload, now));
  }
  return statements;
}

function inboxStatement(a: Announcement, to: Recipient, token: string, title: { zh: string; en: string }, now: number): SQL {
  const roleFilter = to.roles && to.roles.length > 0 ? sql` AND u.role IN (${sql.join(to.roles.map((r) => sql`${r}`), sql`, `)})` : sql``;
  const exceptFilter = a.except_user_id ? sql` AND u.id <> ${a.except_user_id}` : sql``;
  const gate = a.only_if ? sql` AND (${a.only_if})` : sql``;
  return sql`INSERT INTO notifications
      (id, event_id, user_id, org_id, kind, subject_type, subject_id, link, title_zh, title_en, body_zh, body_en, read_at, created_at)
    SELECT 'ntf_' || ${token} || substr(u.id, instr(u.id, '_') + 1), ${`evt_${token}`}, u.id, u.org_id, ${a.kind},
      ${a.subject_type}, ${a.subject_id}, ${a.link}, ${title.zh}, ${title.en}, ${a.body_zh}, ${a.body_en}, NULL, ${now}
    FROM users u
    WHERE u.org_id = ${to.org_id} AND u.disabled = 0${roleFilter}${exceptFilter}${gate}
      AND NOT EXISTS (SELECT 1 FROM notification_mutes m WHERE m.user_id = u.id AND m.kind = ${a.kind})
    ON CONFLICT DO NOTHING`;
}

/** The organisation's webhook event and one pending delivery per enabled endpoint that wants it. */
function outboxStatements(a: Announcement, orgId: string, messageId: string, token: string, payload: string, now: number): SQL[] {
  const wanted = sql`e.org_id = ${orgId} AND e.enabled = 1
    AND EXISTS (SELECT 1 FROM json_each(e.event_types_json) j WHERE j.value IN (${a.kind}, '*'))${a.only_if ? sql` AND (${a.only_if})` : sql``}`;
  return [
    sql`INSERT INTO webhook_events (id, org_id, type, subject_id, payload_json, created_at)
      SELECT ${messageId}, ${orgId}, ${a.kind}, ${a.subject_id}, ${payload}, ${now}
      WHERE EXISTS (SELECT 1 FROM webhook_endpoints e WHERE ${wanted})
      ON CONFLICT DO NOTHING`,
    sql`INSERT INTO webhook_deliveries (id, event_seq, endpoint_id, subject_id, status, attempts, next_attempt_at, created_at)
      SELECT 'whd_' || ${token} || substr(e.id, instr(e.id, '_') + 1),
        (SELECT seq FROM webhook_events WHERE id = ${messageId}), e.id, ${a.subject_id}, 'pending', 0, ${now}, ${now}
      FROM webhook_endpoints e
      WHERE ${wanted}
      ON CONFLICT DO NOTHING`,
  ];
}

