// The organisation's people, for its admins: who they are, inviting someone by e-mail with a
// role (the one-time link is shown here, since no mail is sent), and disabling someone.
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { USER_ROLE } from "../shell/labels";
import { useMe, type Me } from "../shell/session";
import { SelectField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { useLoad } from "../ui/load";
import { InvitationLink, type ShownInvitation } from "../ui/invitation-link";
import { PeopleTable } from "../ui/people-table";

type Role = Me["user"]["role"];
const PAGE_SIZE = 50;

/** Roles each kind of organisation may give (docs/security.md). */
const ROLES_BY_KIND: Record<Me["organisation"]["kind"], readonly Role[]> = {
  agency: ["admin", "reviewer", "finance", "auditor"],
  sme: ["admin", "member"],
  provider: ["admin", "member"],
  platform: ["admin"],
};

/** The API's limits on an invitation (src/routes/members). */
const INVITATION_LIMITS = { email: { required: true, maxLength: 254 }, role: { required: true } };

export function MembersCard({ orgId }: { orgId: string }) {
  const { t } = useI18n();
  const me = useMe();
  const [offset, setOffset] = useState(0);
  const members = useLoad(
    () => send(api.api.organisations[":id"].users.$get({ param: { id: orgId }, query: { limit: String(PAGE_SIZE), offset: String(offset) } })),
    `${orgId}:${offset}`,
  );
  return (
    <section class="card" aria-labelledby="members">
      <h2 id="members">{t("成员", "People")}</h2>
      <PeopleTable
        people={members}
        caption={(total) => t(`本机构成员（共 ${total} 人）`, `People in your organisation (${total})`)}
        empty={t("没有成员。", "No people.")}
        joined
        disableWarning={(name) => t(`停用后，${name} 将立即退出登录且不能再登录。确定吗？`, `${name} will be signed out at once and can no longer sign in. Are you sure?`)}
        send={(_action, userId) => send(api.api.organisations[":id"].users[":user_id"].disable.$post({ param: { id: orgId, user_id: userId } }))}
        footer={(total) =>
          total > PAGE_SIZE && (
            <nav class="pager" aria-label={t("翻页", "Pages")}>
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                {t("上一页", "Previous")}
              </button>
              <span>
                {offset + 1}–{Math.min(offset + PAGE_SIZE, total)} / {total}
              </span>
              <button type="button" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                {t("下一页", "Next")}
              </button>
            </nav>
          )
        }
      />
      <InviteForm orgId={orgId} roles={ROLES_BY_KIND[me.organisation.kind]} />
    </section>
  );
}

function InviteForm({ orgId, roles }: { orgId: string; roles: readonly Role[] }) {
  const { t } = useI18n();
  const [link, setLink] = useState<ShownInvitation | null>(null);
  const form = useForm({
    initial: { email: "", role: roles.length === 1 ? roles[0]! : "" },
    specs: INVITATION_LIMITS,
    submit: async (values) => {
      const invited = await send(
        api.api.organisations[":id"].invitations.$post({ param: { id: orgId }, json: { email: values.email.trim(), role: values.role as Role } }),
      );
      setLink({ email: invited.invitation.email, url: new URL(invited.accept_path, location.origin).toString(), expires_at: invited.invitation.expires_at });
      form.reset();
      return [`已邀请：${invited.invitation.email}`, `Invited: ${invited.invitation.email}`];
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref}>
      <h3>{t("邀请成员", "Invite someone")}</h3>
      <TextField form={form} name="email" type="email" label={t("邮箱", "Email")} spellcheck={false} />
      <SelectField form={form} name="role" label={t("角色", "Role")} placeholder={t("请选择", "Choose…")} options={roles.map((role) => [role, USER_ROLE[role]] as const)} />
      <FormStatus form={form} />
      {link && <InvitationLink link={link} />}
      <SubmitButton form={form}>{t("邀请", "Invite")}</SubmitButton>
    </form>
  );
}
