// Account security for everyone signed in: change the password with the current one. The API
// throttles attempts like sign-in and signs out every other session; this one stays.
import { api, ApiError, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { useMe } from "../shell/session";
import { TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Page } from "../ui/page";
import { NEW_PASSWORD_LIMITS } from "./limits";
import { throttledMessage } from "./throttled";

export function AccountPage() {
  const { t } = useI18n();
  const me = useMe();
  const form = useForm({
    initial: { current_password: "", new_password: "", password_again: "" },
    specs: {
      current_password: { required: true, maxLength: 200 },
      ...NEW_PASSWORD_LIMITS,
      password_again: {
        ...NEW_PASSWORD_LIMITS.password_again,
        check: (value, values) => (value === values.new_password ? null : ["两次输入的密码不一致", "The passwords do not match"]),
      },
    },
    submit: async (values) => {
      try {
        await send(api.api.auth.password.$post({ json: { current_password: values.current_password, new_password: values.new_password } }));
      } catch (error) {
        throw error instanceof ApiError && error.status === 429 ? throttledMessage(error) : error;
      }
      form.reset();
      return ["密码已修改，其他设备上的登录已退出。", "Password changed; your other devices are signed out."];
    },
  });
  return (
    <Page title={t("账户安全", "Account security")} lead={`${me.user.display_name} · ${me.user.email}`}>
      <form class="card narrow" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-labelledby="change-password">
        <h2 id="change-password">{t("修改密码", "Change your password")}</h2>
        <p class="hint">{t("修改后，你在其他设备上的登录会全部退出，本次登录保持有效。", "Once changed, your sessions on other devices end; this one stays.")}</p>
        <TextField form={form} name="current_password" type="password" autoComplete="current-password" label={t("当前密码", "Current password")} />
        <TextField form={form} name="new_password" type="password" autoComplete="new-password" label={t("新密码（至少10位）", "New password (at least 10 characters)")} />
        <TextField form={form} name="password_again" type="password" autoComplete="new-password" label={t("再次输入新密码", "New password again")} />
        <FormStatus form={form} />
        <SubmitButton form={form} busyLabel={t("保存中…", "Saving…")}>
          {t("修改密码", "Change password")}
        </SubmitButton>
      </form>
    </Page>
  );
}
