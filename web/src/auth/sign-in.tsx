// Sign in with email and password. Wrong credentials and throttling come back as messages.
import { api, ApiError, send } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { LIMITS } from "../shell/limits";
import { Link } from "../shell/router";
import { useSession } from "../shell/session";
import { TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Page } from "../ui/page";

export function SignInPage({ notice }: { notice: Bilingual | null }) {
  const { t, say } = useI18n();
  const { signedIn } = useSession();
  const form = useForm({
    initial: { email: "", password: "" },
    specs: LIMITS.login,
    submit: async (values) => {
      try {
        signedIn(await send(api.api.auth.login.$post({ json: { email: values.email.trim(), password: values.password } })));
      } catch (error) {
        throw error instanceof ApiError && error.status === 429 ? throttled(error) : error;
      }
    },
  });
  return (
    <Page title={t("登录", "Sign in")}>
      <div role="status">{notice && <p class="message info">{say(notice)}</p>}</div>
      <form class="card narrow" noValidate onSubmit={form.onSubmit} ref={form.ref}>
        <TextField form={form} name="email" type="email" autoComplete="username" label={t("邮箱", "Email")} spellcheck={false} />
        <TextField form={form} name="password" type="password" autoComplete="current-password" label={t("密码", "Password")} />
        <FormStatus form={form} />
        <SubmitButton form={form} busyLabel={t("登录中…", "Signing in…")}>
          {t("登录", "Sign in")}
        </SubmitButton>
      </form>
      <p class="aside">
        <Link href="/forgot-password">{t("忘记密码？", "Forgotten your password?")}</Link>
      </p>
      <p class="aside">
        {t("还没有账号？", "No account yet?")} <Link href="/signup">{t("注册企业或服务商", "Register an SME or a provider")}</Link>
      </p>
      <p class="aside">
        {t("公众可查看", "Open to the public:")} <Link href="/notices">{t("兑付公示", "the public notice of claims")}</Link>
      </p>
    </Page>
  );
}

/** A 429 (too_many_attempts, rate_limited) said with how long to wait, from details.retry_after_seconds. */
export function throttled(error: ApiError): ApiError {
  const seconds = Number((error.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    return new ApiError(429, error.code, "尝试次数过多，请稍后再试 / Too many attempts; please try again later");
  }
  const minutes = Math.ceil(seconds / 60);
  const zh = seconds < 60 ? `${Math.ceil(seconds)} 秒` : `${minutes} 分钟`;
  const en = seconds < 60 ? `${Math.ceil(seconds)} seconds` : `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return new ApiError(429, error.code, `${error.code === "rate_limited" ? "请求过于频繁" : "登录尝试次数过多"}，请在 ${zh}后再试 / ${error.code === "rate_limited" ? "Too many requests" : "Too many sign-in attempts"}; try again in ${en}`, [], error.details);
}
