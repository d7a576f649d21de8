// The header's bell: the caller's unread notifications (from GET /api/me at sign-in, then
// GET /api/notifications every 30 s, after every navigation and when the inbox page marks some
// read). It is a link to the inbox; its accessible name says the count ("通知，3条未读").
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { Link, useLocation } from "../shell/router";
import { onUnreadChanged } from "./unread";

export const NOTIFICATIONS_PATH = "/notifications";
const REFRESH_MS = 30_000;

export function NotificationBell({ initial }: { initial: number }) {
  const { t } = useI18n();
  const { path, query } = useLocation();
  const [unread, setUnread] = useState(initial);
  const [round, setRound] = useState(0);
  const here = `${path}?${query.toString()}`;

  useEffect(() => onUnreadChanged(() => setRound((n) => n + 1)), []);
  useEffect(() => {
    let current = true;
    send(api.api.notifications.$get({ query: { limit: "1" } })).then(
      (page) => current && setUnread(page.unread_count),
      // A failed refresh keeps the last count; a 401 already signs the person out (shell/api).
      (error: unknown) => {
        if (!(error instanceof ApiError)) throw error;
      },
    );
    const timer = setTimeout(() => setRound((n) => n + 1), REFRESH_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [here, round]);

  const shown = unread > 99 ? "99+" : String(unread);
  // The name begins with the visible text ("通知 3"), so speech input can say what it sees (WCAG 2.5.3).
  const name = unread ? t(`通知 ${shown} 条未读`, `Notifications ${shown} unread`) : t("通知，没有未读", "Notifications, none unread");
  return (
    <Link href={NOTIFICATIONS_PATH} class="bell" aria-label={name} aria-current={path === NOTIFICATIONS_PATH ? "page" : undefined}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </svg>
      <span class="bell-label">{t("通知", "Notifications")}</span>
      {unread > 0 && " "}
      {unread > 0 && <span class="count">{shown}</span>}
    </Link>
  );
}
