// Sign in with email and password. Wrong credentials and throttling come back as messages.
import { api, send } from "../shell/api";
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
      signedIn(await send(api.api.auth.login.$post({ json: { email: values.email.trim(), password: values.password } })));
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
        {t("还没有账号？", "No account yet?")} <Link href="/signup">{t("注册企业或服务商", "Register an SME or a provider")}</Link>
      </p>
    </Page>
  );
}
