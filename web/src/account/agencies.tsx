// The installation admin's page (docs/accounts.md): the funding agencies, creating one with an
// invitation for its first admin (the one-time link is shown here, since no mail is sent), and
// the people of an agency, each disabled (after a confirmation) or enabled again.
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { creditCodeCheck } from "../shell/checks";
import { useI18n } from "../shell/i18n";
import { REGION_CODE } from "../../../src/domain/region";
import { CreditCodeField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { RegionName, RegionPicker } from "../ui/region-picker";
import { InvitationLink, type ShownInvitation } from "../ui/invitation-link";
import { PeopleTable } from "../ui/people-table";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";

const PAGE_SIZE = 100;

/** The API's limits (src/routes/account NewAgencyBody). */
const AGENCY_LIMITS = {
  name: { required: true, maxLength: 200 },
  credit_code: { required: true, maxLength: 18, check: creditCodeCheck },
  region_code: { required: true, maxLength: 6, pattern: REGION_CODE },
  admin_email: { required: true, maxLength: 254 },
};

export function AgenciesPage() {
  const { t } = useI18n();
  const [revision, setRevision] = useState(0);
  const [open, setOpen] = useState<{ id: string; name: string } | null>(null);
  const agencies = useLoad(() => send(api.api.installation.agencies.$get({ query: { limit: String(PAGE_SIZE), offset: "0" } })), String(revision));
  return (
    <Page title={t("主管部门与用户", "Agencies and people")} lead={t("平台管理员在此创建主管部门、管理其人员。", "The installation admin creates funding agencies and manages their people here.")}>
      <section class="card" aria-labelledby="agencies">
        <h2 id="agencies">{t("主管部门", "Funding agencies")}</h2>
        <Loaded load={agencies}>
          {({ items, total }) => (
            <DataTable
              caption={t(`全部主管部门（共 ${total} 个）`, `All funding agencies (${total})`)}
              rows={items}
              rowKey={(row) => row.id}
              empty={t("还没有主管部门。", "No agencies yet.")}
              columns={[
                { header: t("名称", "Name"), cell: (row) => <strong>{row.name}</strong> },
                { header: t("统一社会信用代码", "Credit code"), cell: (row) => <code>{row.credit_code}</code> },
                { header: t("行政区划", "Region"), cell: (row) => <RegionName code={row.region_code} /> },
                { header: t("人员", "People"), cell: (row) => t(`${row.users} 人（管理员 ${row.enabled_admins}）`, `${row.users} (admins: ${row.enabled_admins})`) },
                { header: t("待接受邀请", "Open invitations"), cell: (row) => row.pending_invitations },
                { header: t("创建时间", "Created"), cell: (row) => <Instant at={row.created_at} /> },
                {
                  header: t("操作", "Actions"),
                  class: "actions",
                  cell: (row) => (
                    <button type="button" onClick={() => setOpen({ id: row.id, name: row.name })} aria-label={`${t("管理人员", "Manage people")} ${row.name}`}>
                      {t("管理人员", "Manage people")}
                    </button>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
        <NewAgencyForm onCreated={() => setRevision((n) => n + 1)} />
      </section>
      {open && <PeopleCard key={open.id} orgId={open.id} orgName={open.name} />}
    </Page>
  );
}

function NewAgencyForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [link, setLink] = useState<ShownInvitation | null>(null);
  const form = useForm({
    initial: { name: "", credit_code: "", region_code: "", admin_email: "" },
    specs: AGENCY_LIMITS,
    submit: async (values) => {
      const created = await send(
        api.api.installation.agencies.$post({
          json: { name: values.name.trim(), credit_code: values.credit_code.trim(), region_code: values.region_code.trim(), admin_email: values.admin_email.trim() },
        }),
      );
      setLink({ email: created.invitation.email, url: new URL(created.accept_path, location.origin).toString(), expires_at: created.invitation.expires_at });
      form.reset();
      onCreated();
      return [`已创建：${created.organisation.name}`, `Created: ${created.organisation.name}`];
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref}>
      <h3>{t("创建主管部门", "Create a funding agency")}</h3>
      <TextField form={form} name="name" label={t("部门名称", "Agency name")} />
      <CreditCodeField form={form} name="credit_code" label={t("统一社会信用代码", "Unified social credit code")} />
      <RegionPicker
        form={form}
        name="region_code"
        level="any"
        label={t("管辖地区", "Region governed")}
        hint={t("选到省、市或区县均可：只选省即管辖全省，选到市即管辖全市。", "A province, a city or a district: a province alone governs the whole province, a city the whole city.")}
      />
      <TextField form={form} name="admin_email" type="email" spellcheck={false} label={t("首位管理员邮箱", "First admin's email")} hint={t("该管理员通过一次性邀请链接设置姓名和密码", "The admin chooses a name and password through a one-time invitation link")} />
      <FormStatus form={form} />
      {link && <InvitationLink link={link} />}
      <SubmitButton form={form}>{t("创建并邀请管理员", "Create and invite the admin")}</SubmitButton>
    </form>
  );
}

function PeopleCard({ orgId, orgName }: { orgId: string; orgName: string }) {
  const { t } = useI18n();
  const people = useLoad(() => send(api.api.installation.organisations[":id"].users.$get({ param: { id: orgId }, query: { limit: String(PAGE_SIZE), offset: "0" } })), orgId);
  return (
    <section class="card" aria-labelledby="agency-people">
      <h2 id="agency-people">{t(`${orgName} 的人员`, `People of ${orgName}`)}</h2>
      <PeopleTable
        people={people}
        caption={(total) => t(`人员（共 ${total} 人）`, `People (${total})`)}
        empty={t("还没有人员：首位管理员尚未接受邀请。", "No people yet: the first admin has not accepted the invitation.")}
        canEnable
        disableWarning={(name) => t(`停用后，${name} 将立即退出登录且不能再登录，直到重新启用。确定吗？`, `${name} will be signed out at once and cannot sign in until enabled again. Are you sure?`)}
        send={(action, userId) => send(api.api.installation.users[":id"][action].$post({ param: { id: userId } }))}
      />
    </section>
  );
}
