// Joining an organisation from an invitation link (/accept-invitation?token=…): the invited
// person chooses a display name and password, and is signed in as a member with the invited role.
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { Link, navigate, useLocation } from "../shell/router";
import { useSession } from "../shell/session";
import { TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Page } from "../ui/page";

/** The API's limits (src/routes/members AcceptInvitationBody). */
const ACCEPT_LIMITS = {
  display_name: { required: true, maxLength: 100 },
  password: { required: true, minLength: 10, maxLength: 200 },
  password_again: { required: true, maxLength: 200 },
};
const TOKEN = /^[a-z2-7]{1,64}$/;

export function AcceptInvitationPage() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const token = useLocation().query.get("token") ?? "";
  const form = useForm({
    initial: { display_name: "", password: "", password_again: "" },
    specs: {
      ...ACCEPT_LIMITS,
      password_again: {
        ...ACCEPT_LIMITS.password_again,
        check: (value, values) => (value === values.password ? null : ["两次输入的密码不一致", "The passwords do not match"]),
      },
    },
    submit: async (values) => {
      signedIn(
        await send(api.api.auth["accept-invitation"].$post({ json: { token, display_name: values.display_name.trim(), password: values.password } })),
      );
      navigate("/", { replace: true });
    },
  });
  if (!TOKEN.test(token)) {
    return (
      <Page title={t("接受邀请", "Accept an invitation")}>
        <div role="alert" class="message error">
          <p>{t("邀请链接不完整，请向邀请你的管理员重新获取。", "This invitation link is incomplete; ask the admin who invited you for it again.")}</p>
        </div>
        <p class="aside">
          <Link href="/signin">{t("去登录", "Sign in instead")}</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title={t("接受邀请", "Accept an invitation")} lead={t("设置你的姓名和密码后即可加入机构并登录。", "Choose your name and a password to join the organisation and sign in.")}>
      <form class="card narrow" noValidate onSubmit={form.onSubmit} ref={form.ref}>
        <TextField form={form} name="display_name" autoComplete="name" label={t("姓名", "Your name")} />
        <TextField form={form} name="password" type="password" autoComplete="new-password" label={t("密码（至少10位）", "Password (at least 10 characters)")} />
        <TextField form={form} name="password_again" type="password" autoComplete="new-password" label={t("再次输入密码", "Password again")} />
        <FormStatus form={form} />
        <SubmitButton form={form} busyLabel={t("加入中…", "Joining…")}>
          {t("加入并登录", "Join and sign in")}
        </SubmitButton>
      </form>
    </Page>
  );
}
