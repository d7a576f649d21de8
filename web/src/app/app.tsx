// Which page to show: signed-out visitors get sign-in or sign-up; signed-in people get the page
// at the address if their role may open it.
import { useEffect } from "preact/hooks";
import { I18nProvider } from "../shell/i18n";
import { opens, PAGES } from "./navigation";
import { NotFoundPage } from "../ui/not-found";
import { SignInPage } from "../auth/sign-in";
import { SignUpPage } from "../auth/sign-up";
import { AcceptInvitationPage } from "../organisation/accept-invitation";
import { NoticesPage } from "../notices/notices-page";
import { ForgotPasswordPage, ResetPasswordPage } from "../account/password-reset";
import { navigate, useLocation, type Location } from "../shell/router";
import { SessionProvider, useSession, type SessionState } from "../shell/session";
import { Layout } from "./layout";
import { LoadFailure, Loading } from "../ui/load";

const PUBLIC_PATHS = new Set(["/signin", "/signup", "/forgot-password"]);
/** Pages anyone may open, signed in or not (an invitation or reset link opened while signed in as someone else). */
const OPEN_PATHS = new Set(["/accept-invitation", "/notices", "/reset-password"]);

/** Only same-site paths, so a crafted ?next= cannot send people elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !PUBLIC_PATHS.has(next.split("?")[0] ?? "") ? next : "/";
}

/** Where the address must change to, if anywhere, for this session state. */
function redirectFor(state: SessionState, here: Location): string | null {
  if (OPEN_PATHS.has(here.path)) return null;
  if (state.status === "signed_out" && !PUBLIC_PATHS.has(here.path)) {
    const search = here.query.toString();
    const next = here.path === "/" ? "" : `?next=${encodeURIComponent(search ? `${here.path}?${search}` : here.path)}`;
    return `/signin${next}`;
  }
  if (state.status === "signed_in" && PUBLIC_PATHS.has(here.path)) return safeNext(here.query.get("next"));
  return null;
}

function Routes() {
  const { state, reload } = useSession();
  const here = useLocation();
  const redirect = redirectFor(state, here);
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  if (state.status === "loading" || redirect) return <Layout me={null}><Loading /></Layout>;
  if (state.status === "failed") return <Layout me={null}><LoadFailure error={state.error} retry={reload} /></Layout>;
  if (OPEN_PATHS.has(here.path)) {
    const Open = here.path === "/notices" ? NoticesPage : here.path === "/reset-password" ? ResetPasswordPage : AcceptInvitationPage;
    return <Layout me={state.status === "signed_in" ? state.me : null}><Open /></Layout>;
  }
  if (state.status === "signed_out") {
    return <Layout me={null}>{here.path === "/signup" ? <SignUpPage /> : here.path === "/forgot-password" ? <ForgotPasswordPage /> : <SignInPage notice={state.notice} />}</Layout>;
  }
  const entry = PAGES.find((page) => page.path === here.path);
  const allowed = entry && opens(state.me, entry);
  return (
    <Layout me={state.me}>
      {entry && allowed ? <entry.Page /> : <NotFoundPage forbidden={Boolean(entry)} />}
    </Layout>
  );
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Routes />
      </SessionProvider>
    </I18nProvider>
  );
}
