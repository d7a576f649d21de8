import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq, isNull, sql } from "drizzle-orm";
import { commit } from "../../db/atomic";
import { notification_mutes, notifications, type Notification } from "../../db/schema";
import type { Store } from "../../db/store";
import { kindsFor, NOTIFICATION_KIND_NAMES, NOTIFICATION_KINDS } from "../../domain/notification-kinds";
import type { AppEnv } from "../../lib/context";
import { badRequest, notFound } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { unreadCount } from "../../services/inbox";
import { decodeCursor, encodeCursor } from "./cursor";
import type * as routes from "./notifications.routes";

export function presentNotification(row: Notification) {
  return {
    id: row.id,
    kind: row.kind as (typeof NOTIFICATION_KIND_NAMES)[number],
    subject_type: row.subject_type,
    subject_id: row.subject_id,
    link: row.link,
    title_zh: row.title_zh,
    title_en: row.title_en,
    body_zh: row.body_zh,
    body_en: row.body_en,
    read: row.read_at !== null,
    read_at: row.read_at === null ? null : toIso(row.read_at),
    created_at: toIso(row.created_at),
  };
}

export const listNotifications: RouteHandler<typeof routes.listNotifications, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { unread_only, limit, cursor } = c.req.valid("query");
  const unread = sql`(${notifications.read_at} IS NULL)`;
  const conditions = [eq(notifications.user_id, actor.user.id)];
  if (unread_only === "true") conditions.push(isNull(notifications.read_at));
  if (cursor) {
    const position = decodeCursor(cursor);
    if (!position) throw badRequest("invalid_request", "分页游标无效 / Invalid cursor");
    const [u, at, id] = position;
    conditions.push(
      sql`(${unread} < ${u} OR (${unread} = ${u} AND (${notifications.created_at} < ${at} OR (${notifications.created_at} = ${at} AND ${notifications.id} < ${id}))))`,
    );
  }
  const store = c.var.store;
  const rows = await store.db
    .select()
    .from(notifications)
    .where(and(...conditions))
    .orderBy(sql`${unread} DESC`, sql`${notifications.created_at} DESC`, sql`${notifications.id} DESC`)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next_cursor = rows.length > limit && last ? encodeCursor([last.read_at === null ? 1 : 0, last.created_at, last.id]) : null;
  return c.json({ items: page.map(presentNotification), unread_count: await unreadCount(store, actor.user.id), next_cursor }, 200);
};

export const markRead: RouteHandler<typeof routes.markRead, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  const store = c.var.store;
  const mine = and(eq(notifications.id, id), eq(notifications.user_id, actor.user.id));
  // Reading is not a state change worth an audit event; marking twice keeps the first time.
  await store.batch([store.db.update(notifications).set({ read_at: sql`coalesce(${notifications.read_at}, ${c.var.now()})` }).where(mine)]);
  const [row] = await store.db.select().from(notifications).where(mine);
  if (!row) throw notFound("通知", "Notification");
  return c.json(presentNotification(row), 200);
};

export const markAllRead: RouteHandler<typeof routes.markAllRead, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const store = c.var.store;
  const [rows] = await store.batch([
    store.db
      .update(notifications)
      .set({ read_at: c.var.now() })
      .where(and(eq(notifications.user_id, actor.user.id), isNull(notifications.read_at)))
      .returning({ id: notifications.id }),
  ]);
  return c.json({ marked: rows?.length ?? 0 }, 200);
};

/** The kinds this person's organisation can receive, each with whether the person receives it. */
async function preferences(store: Store, userId: string, orgKind: Parameters<typeof kindsFor>[0]) {
  const muted = new Set(
    (await store.db.select({ kind: notification_mutes.kind }).from(notification_mutes).where(eq(notification_mutes.user_id, userId))).map((r) => r.kind),
  );
  return {
    kinds: kindsFor(orgKind).map((kind) => ({
      kind,
      label_zh: NOTIFICATION_KINDS[kind].zh,
      label_en: NOTIFICATION_KINDS[kind].en,
      enabled: !muted.has(kind),
    })),
  };
}

export const getPreferences: RouteHandler<typeof routes.getPreferences, AppEnv> = async (c) => {
  const actor = actorOf(c);
  return c.json(await preferences(c.var.store, actor.user.id, actor.org.kind), 200);
};

export const putPreferences: RouteHandler<typeof routes.putPreferences, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { kinds } = c.req.valid("json");
  const store = c.var.store;
  const now = c.var.now();
  const statements = kinds.map(({ kind, enabled }) =>
    enabled
      ? store.db.delete(notification_mutes).where(and(eq(notification_mutes.user_id, actor.user.id), eq(notification_mutes.kind, kind)))
      : store.db.insert(notification_mutes).values({ user_id: actor.user.id, kind, created_at: now }).onConflictDoNothing(),
  );
  await commit(c, statements, [
    { action: "notification_preferences.changed", subject_type: "user", subject_id: actor.user.id, after: { kinds } },
  ]);
  return c.json(await preferences(store, actor.user.id, actor.org.kind), 200);
};
