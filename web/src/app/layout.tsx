// The frame around every page: skip link, header (name, navigation, language, account), footer.
import type { ComponentChildren } from "preact";
import { useEffect, useErrorBoundary, useId, useRef, useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { ORG_KIND, USER_ROLE } from "../shell/labels";
import { opens, PAGES } from "./navigation";
import { NotificationBell } from "../notifications";
import { Link, navigate, useLocation } from "../shell/router";
import { useSession, type Me } from "../shell/session";
import { DataText, Instant } from "../ui/values";

export function Layout({ me, children }: { me: Me | null; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <>
      <a class="skip" href="#main">
        {t("跳到主要内容", "Skip to main content")}
      </a>
      <header class="site">
        <div class="bar">
          <Link href="/" class="brand">
            {t("算力券服务平台", "Compute Voucher Platform")}
          </Link>
          <div class="tools">
            <LanguageToggle />
            {me && <NotificationBell initial={me.unread_notifications} />}
            {me && <AccountMenu me={me} />}
          </div>
        </div>
        {me && <MainNav me={me} />}
      </header>
      <main id="main">
        <Contained>{children}</Contained>
      </main>
      <footer class="site">
        <p>
          {t("时间均为北京时间（UTC+8）。", "Times are Beijing time (UTC+8).")}{" "}
          <Link href="/notices">{t("兑付公示", "Public notice of claims")}</Link>{" · "}
          <a href="/docs">{t("接口文档", "API documentation")}</a>
        </p>
      </footer>
    </>
  );
}

/** A page that throws shows a message and a retry, not a blank screen; the header stays usable. */
function Contained({ children }: { children: ComponentChildren }) {
  const { t } = useI18n();
  const [error, retry] = useErrorBoundary((caught: unknown) => console.error("app error:", caught));
  if (!error) return <>{children}</>;
  return (
    <div role="alert" class="message error">
      <p>{t("页面出错了，请重试或刷新页面。", "Something went wrong on this page; retry or reload.")}</p>
      <button type="button" onClick={retry}>
        {t("重试", "Retry")}
      </button>
    </div>
  );
}

function LanguageToggle() {
  const { lang, setLang } = useI18n();
  const other = lang === "zh" ? "en" : "zh";
  return (
    <button type="button" class="lang" lang={other === "zh" ? "zh-CN" : "en"} onClick={() => setLang(other)}>
      {other === "zh" ? "中文" : "English"}
    </button>
  );
}

/**
 * The page list: a strip on wide screens; on a phone a menu button (naming the current page) that
 * opens the whole list, so no page hides off the edge of a strip that does not look scrollable.
 */
function MainNav({ me }: { me: Me }) {
  const { t, say } = useI18n();
  const { path } = useLocation();
  const pages = PAGES.filter((page) => page.nav !== false && opens(me, page));
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const listId = useId();
  // Choosing a page closes the menu.
  useEffect(() => setOpen(false), [path]);
  const current = pages.find((page) => page.path === path);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !open) return;
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <nav class={open ? "main open" : "main"} aria-label={t("主导航", "Main")} onKeyDown={onKeyDown}>
      <button type="button" class="menu" ref={toggle} aria-expanded={open ? "true" : "false"} aria-controls={listId} onClick={() => setOpen(!open)}>
        <span class="menu-icon" aria-hidden="true" />
        {t("菜单", "Menu")}
        {current && <span class="current"> · {say(current.title)}</span>}
      </button>
      <ul id={listId}>
        {pages.map((page) => (
          <li key={page.path}>
            <Link href={page.path} aria-current={page.path === path ? "page" : undefined}>
              {say(page.title)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const SIGNED_OUT: Bilingual = ["你已退出登录", "You have signed out"];
const SIGNED_OUT_EVERYWHERE: Bilingual = ["你已在所有设备上退出登录", "You have signed out on every device"];

function AccountMenu({ me }: { me: Me }) {
  const { t, say } = useI18n();
  const { signedOut } = useSession();
  const [busy, setBusy] = useState<"one" | "all" | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const signOut = async (everywhere: boolean) => {
    if (busy) return;
    setBusy(everywhere ? "all" : "one");
    setFailure(null);
    try {
      await send(everywhere ? api.api.auth["logout-all"].$post() : api.api.auth.logout.$post());
      signedOut(everywhere ? SIGNED_OUT_EVERYWHERE : SIGNED_OUT);
      navigate("/signin");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    } finally {
      setBusy(null);
    }
  };
  // Escape closes the menu and returns the keyboard to its button, as people expect of a menu.
  const onKeyDown = (event: KeyboardEvent) => {
    const menu = event.currentTarget as HTMLDetailsElement;
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary")?.focus();
  };
  return (
    <details class="account" onKeyDown={onKeyDown}>
      <summary>
        <span class="visually-hidden">{t("账户：", "Account: ")}</span>
        <span class="who">{me.user.display_name}</span>
      </summary>
      <div class="panel">
        <p>
          <strong>{me.user.display_name}</strong>
          <br />
          {me.user.email}
        </p>
        <p>
          <DataText>{me.organisation.name}</DataText>
          <br />
          {say(ORG_KIND[me.organisation.kind])} · {say(USER_ROLE[me.user.role])}
        </p>
        <p class="hint">
          {t("本次登录有效期至 ", "Session valid until ")}
          <Instant at={me.session_expires_at} />
        </p>
        <div role="alert">{failure && <p class="message error">{say(failure.message)}</p>}</div>
        <button type="button" onClick={() => signOut(false)} aria-disabled={busy ? "true" : undefined}>
          {busy === "one" ? t("正在退出…", "Signing out…") : t("退出登录", "Sign out")}
        </button>
        <button type="button" onClick={() => signOut(true)} aria-disabled={busy ? "true" : undefined}>
          {busy === "all" ? t("正在退出…", "Signing out…") : t("在所有设备上退出", "Sign out everywhere")}
        </button>
      </div>
    </details>
  );
}
