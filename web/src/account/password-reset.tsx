// A forgotten password (docs/accounts.md): ask for a one-time link by e-mail (/forgot-password),
// then choose a new password with it (/reset-password?token=…). The answer to a request is the
// same whether or not the address has an account; a reset signs out every session of the account.
import { useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { Link, useLocation } from "../shell/router";
import { throttledMessage } from "./throttled";
import { TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Page } from "../ui/page";
import { NEW_PASSWORD_LIMITS } from "./limits";

const TOKEN = /^[a-z2-7]{1,64}$/;

export function ForgotPasswordPage() {
  const { t } = useI18n();
  const form = useForm({
    initial: { email: "" },
    specs: { email: { required: true, maxLength: 254 } },
    submit: async (values) => {
      try {
        const answer = await send(api.api.auth["password-reset"].request.$post({ json: { email: values.email.trim() } }));
        form.reset();
        return answer.message;
      } catch (error) {
        throw error instanceof ApiError && error.status === 429 ? throttledMessage(error) : error;
      }
    },
  });
  return (
    <Page
      title={t("忘记密码", "Forgotten password")}
      lead={t("输入注册邮箱，我们会发送一个30分钟内有效的一次性重置链接。", "Enter the e-mail you registered with; we send a one-time reset link that works for 30 minutes.")}
    >
      <form class="card narrow" noValidate onSubmit={form.onSubmit} ref={form.ref}>
        <TextField form={form} name="email" type="email" autoComplete="username" label={t("邮箱", "Email")} spellcheck={false} />
        <FormStatus form={form} />
        <SubmitButton form={form} busyLabel={t("发送中…", "Sending…")}>
          {t("发送重置链接", "Send the reset link")}
        </SubmitButton>
      </form>
      <p class="aside">
        <Link href="/signin">{t("返回登录", "Back to sign-in")}</Link>
      </p>
    </Page>
  );
}

export function ResetPasswordPage() {
  const { t } = useI18n();
  const token = useLocation().query.get("token") ?? "";
  const [done, setDone] = useState(false);
  const form = useForm({
    initial: { new_password: "", password_again: "" },
    specs: {
      ...NEW_PASSWORD_LIMITS,
      password_again: {
        ...NEW_PASSWORD_LIMITS.password_again,
        check: (value, values) => (value === values.new_password ? null : ["两次输入的密码不一致", "The passwords do not match"]),
      },
    },
    submit: async (values) => {
      await send(api.api.auth["password-reset"].$post({ json: { token, new_password: values.new_password } }));
      setDone(true);
    },
  });
  const title = t("设置新密码", "Choose a new password");
  if (!TOKEN.test(token)) {
    return (
      <Page title={title}>
        <div role="alert" class="message error">
          <p>{t("重置链接不完整，请重新申请。", "This reset link is incomplete; ask for a new one.")}</p>
        </div>
        <p class="aside">
          <Link href="/forgot-password">{t("重新申请重置链接", "Ask for a new reset link")}</Link>
        </p>
      </Page>
    );
  }
  if (done) {
    return (
      <Page title={title}>
        <div role="status" class="message success">
          <p>{t("密码已更新，所有设备均已退出登录。请用新密码登录。", "Your password is set and every device is signed out. Sign in with the new password.")}</p>
        </div>
        <p class="aside">
          <Link href="/signin">{t("去登录", "Sign in")}</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title={title} lead={t("设置后，此账户在所有设备上的登录都会失效。", "Once set, every session of this account on every device ends.")}>
      <form class="card narrow" noValidate onSubmit={form.onSubmit} ref={form.ref}>
        <TextField form={form} name="new_password" type="password" autoComplete="new-password" label={t("新密码（至少10位）", "New password (at least 10 characters)")} />
        <TextField form={form} name="password_again" type="password" autoComplete="new-password" label={t("再次输入新密码", "New password again")} />
        <FormStatus form={form} />
        <SubmitButton form={form} busyLabel={t("保存中…", "Saving…")}>
          {t("设置新密码", "Set the new password")}
        </SubmitButton>
      </form>
      <p class="aside">
        <Link href="/forgot-password">{t("链接失效？重新申请", "Link expired? Ask for a new one")}</Link>
      </p>
    </Page>
  );
}
