// A page's code is fetched the first time someone opens it: each page in the page table is behind
// a dynamic import, so the first load carries the app shell and the page at the address, not every
// page of every role (docs/web-delivery.md). A page that fails to arrive (a dropped connection, a
// deploy that replaced its file) says so and offers to try again, instead of a blank screen.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useI18n } from "../shell/i18n";
import { Loading } from "../ui/load";

/** A page component whose code may be fetched ahead of its first render. */
export type LazyPage = ComponentType & { preload: () => void };

export function lazyPage(load: () => Promise<ComponentType>): LazyPage {
  let loaded: ComponentType | null = null;
  let pending: Promise<ComponentType> | null = null;
  const fetchPage = () =>
    (pending ??= load().then(
      (page) => (loaded = page),
      (error: unknown) => {
        pending = null; // the next attempt fetches again
        throw error;
      },
    ));

  function LazyPage() {
    const { t } = useI18n();
    const [Page, setPage] = useState<ComponentType | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (Page) return;
      let current = true;
      fetchPage().then(
        (page) => current && setPage(() => page),
        () => current && setFailed(true),
      );
      return () => {
        current = false;
      };
    }, [attempt]);

    if (Page) return <Page />;
    if (!failed) return <Loading />;
    return (
      <div role="alert" class="message error">
        <p>{t("页面没有加载成功，可能是网络中断或系统刚刚更新。", "The page did not load: the connection may have dropped, or the system was just updated.")}</p>
        <button
          type="button"
          onClick={() => {
            setFailed(false);
            setAttempt((n) => n + 1);
          }}
        >
          {t("重试", "Try again")}
        </button>
      </div>
    );
  }
  // Errors are shown when the page renders (and tried again there); a preload only starts the fetch.
  LazyPage.preload = () => void fetchPage().catch(() => {});
  return LazyPage;
}
