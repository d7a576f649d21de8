// Reading and pruning a person's inbox (announce.ts writes it).
import { and, count, eq, isNull, lt } from "drizzle-orm";
import { notifications } from "../db/schema";
import type { Store } from "../db/store";
import { DAY_MS } from "../lib/time";

/** Notifications are kept this long, read or not; the sweep deletes older ones. */
export const NOTIFICATION_RETENTION_MS = 180 * DAY_MS;

export async function unreadCount(store: Store, userId: string): Promise<number> {
  const [row] = await store.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.user_id, userId), isNull(notifications.read_at)));
  return row?.n ?? 0;
}

export async function pruneNotifications(store: Store, now: number): Promise<void> {
  await store.batch([store.db.delete(notifications).where(lt(notifications.created_at, now - NOTIFICATION_RETENTION_MS))]);
}
