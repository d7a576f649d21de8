// 通知: the caller's inbox, unread first then newest first, a page at a time ("load more" follows
// the API's keyset cursor). Opening a notification marks it read and goes to the page it names;
// "mark all read" empties the count; below, which kinds of notification to receive.
import { useState } from "preact/hooks";
import type { InferResponseType } from "hono/client";
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { navigate } from "../shell/router";
import type { Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { Instant } from "../ui/values";
import { NotificationPreferences } from "./preferences";
import { unreadChanged } from "./unread";

type Inbox = InferResponseType<typeof api.api.notifications.$get, 200>;
type Item = Inbox["items"][number];
const PAGE_SIZE = 20;

const inboxPage = (cursor?: string) => send(api.api.notifications.$get({ query: { limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) } }));

export function NotificationsPage() {
  const { t, say } = useI18n();
  const first = useLoad(() => inboxPage(), "inbox");
  // Pages after the first, appended by "load more"; a reload of the first page starts over.
  const [more, setMore] = useState<{ items: Item[]; next: string | null } | null>(null);
  const [busy, setBusy] = useState<"more" | "all" | null>(null);
  const [failure, setFailure] = useState<Message | null>(null);
  const [outcome, setOutcome] = useState<Message | null>(null);

  const attempt = async (what: "more" | "all", run: () => Promise<void>) => {
    if (busy) return;
    setBusy(what);
    setFailure(null);
    setOutcome(null);
    try {
      await run();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setBusy(null);
    }
  };

  const loadMore = (cursor: string, shown: Item[]) =>
    attempt("more", async () => {
      const page = await inboxPage(cursor);
      setMore({ items: [...shown, ...page.items], next: page.next_cursor });
    });

  const markAll = () =>
    attempt("all", async () => {
      const { marked } = await send(api.api.notifications["read-all"].$post());
      setMore(null);
      first.reload();
      unreadChanged();
      setOutcome([`已将${marked}条通知标为已读`, `Marked ${marked} notification${marked === 1 ? "" : "s"} read`]);
    });

  return (
    <Page title={t("通知", "Notifications")} lead={t("与你和你的机构有关的变化。未读的排在前面。", "Changes that concern you and your organisation. Unread ones come first.")}>
      <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
      <div role="status" class="outcome">
        {outcome && <p class="message success">{say(outcome)}</p>}
      </div>
      <Loaded load={first}>
        {(inbox) => {
          const items = more ? more.items : inbox.items;
          const next = more ? more.next : inbox.next_cursor;
          return (
            <section aria-labelledby="inbox-heading">
              <div class="inbox-head">
                <h2 id="inbox-heading">
                  {inbox.unread_count ? t(`收件箱（${inbox.unread_count}条未读）`, `Inbox (${inbox.unread_count} unread)`) : t("收件箱（全部已读）", "Inbox (all read)")}
                </h2>
                {inbox.unread_count > 0 && (
                  <button type="button" onClick={markAll} aria-disabled={busy ? "true" : undefined}>
                    {busy === "all" ? t("正在标记…", "Marking…") : t("全部标为已读", "Mark all read")}
                  </button>
                )}
              </div>
              {items.length ? (
                <ul class="inbox">
                  {items.map((item) => (
                    <NotificationItem key={item.id} item={item} />
                  ))}
                </ul>
              ) : (
                <p class="empty">{t("还没有通知。", "No notifications yet.")}</p>
              )}
              {next && (
                <button type="button" class="more" onClick={() => loadMore(next, items)} aria-disabled={busy ? "true" : undefined}>
                  {busy === "more" ? t("加载中…", "Loading…") : t("加载更多", "Load more")}
                </button>
              )}
            </section>
          );
        }}
      </Loaded>
      <NotificationPreferences />
    </Page>
  );
}

/** One notification: a link to the page it concerns; following it marks it read first. */
function NotificationItem({ item }: { item: Item }) {
  const { t, lang } = useI18n();
  const [opening, setOpening] = useState(false);
  const open = async (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (opening) return;
    setOpening(true);
    try {
      if (!item.read) await send(api.api.notifications[":id"].read.$post({ param: { id: item.id } }));
    } catch (error) {
      // Not marked read: the page it names is still worth opening; the bell keeps counting it.
      if (!(error instanceof ApiError)) throw error;
    }
    unreadChanged();
    navigate(item.link);
  };
  const title = lang === "zh" ? item.title_zh : item.title_en;
  const body = lang === "zh" ? item.body_zh : item.body_en;
  return (
    <li class={item.read ? "read" : "unread"}>
      <a href={item.link} onClick={open}>
        <span class="title">
          {!item.read && <span class="badge unread">{t("未读", "Unread")}</span>} {title}
        </span>
        <span class="body">{body}</span>
      </a>
      <span class="when">
        <Instant at={item.created_at} />
      </span>
    </li>
  );
}
