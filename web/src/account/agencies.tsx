// The installation admin's page (docs/accounts.md): the funding agencies, creating one with an
// invitation for its first admin (the one-time link is shown here, since no mail is sent), editing
// one (the create form's fields, filled in, and its contact details), and the people of an agency,
// each disabled (after a confirmation) or enabled again.
import type { InferResponseType } from "hono/client";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { creditCodeCheck } from "../shell/checks";
import { useI18n } from "../shell/i18n";
import { LIMITS } from "../shell/limits";
import { CreditCodeField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Form, type Values } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { RegionField, REGION_PATTERN_MESSAGE } from "../ui/region-field";
import { RegionName } from "../ui/region-picker";
import { InvitationLink, type ShownInvitation } from "../ui/invitation-link";
import { PeopleTable } from "../ui/people-table";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";

const PAGE_SIZE = 100;

type Agency = InferResponseType<typeof api.api.installation.agencies.$get, 200>["items"][number];

/** The API's limits (src/routes/account NewAgencyBody), with the browser's own checks. */
const AGENCY_SPECS = {
  ...LIMITS.agency,
  credit_code: { ...LIMITS.agency.credit_code, check: creditCodeCheck },
  region_code: { ...LIMITS.agency.region_code, patternMessage: REGION_PATTERN_MESSAGE },
};

/** Editing (AgencyChangeBody): the API takes each field alone, the form keeps name, code and region filled in. */
const CHANGE_SPECS = {
  ...LIMITS.agencyChange,
  name: { ...LIMITS.agencyChange.name, required: true },
  credit_code: { ...LIMITS.agencyChange.credit_code, required: true, check: creditCodeCheck },
  region_code: { ...LIMITS.agencyChange.region_code, required: true, patternMessage: REGION_PATTERN_MESSAGE },
};

/** The fields an agency is created with, shared by the create and edit forms. */
function AgencyFields<V extends Values & { name: string; credit_code: string; region_code: string }>({ form }: { form: Form<V> }) {
  const { t } = useI18n();
  return (
    <>
      <TextField form={form} name="name" label={t("部门名称", "Agency name")} />
      <CreditCodeField form={form} name="credit_code" label={t("统一社会信用代码", "Unified social credit code")} />
      <RegionField form={form} name="region_code" meaning="governed" creditCode="credit_code" />
    </>
  );
}

export function AgenciesPage() {
  const { t } = useI18n();
  const [revision, setRevision] = useState(0);
  const [open, setOpen] = useState<{ id: string; name: string } | null>(null);
  const [editing, setEditing] = useState<Agency | null>(null);
  const agencies = useLoad(() => send(api.api.installation.agencies.$get({ query: { limit: String(PAGE_SIZE), offset: "0" } })), String(revision));
  return (
    <Page title={t("主管部门与用户", "Agencies and people")} lead={t("平台管理员在此创建和修改主管部门、管理其人员。", "The installation admin creates and edits funding agencies and manages their people here.")}>
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
                    <>
                      <button type="button" onClick={() => setEditing(row)} aria-label={`${t("修改", "Edit")} ${row.name}`}>
                        {t("修改", "Edit")}
                      </button>{" "}
                      <button type="button" onClick={() => setOpen({ id: row.id, name: row.name })} aria-label={`${t("管理人员", "Manage people")} ${row.name}`}>
                        {t("管理人员", "Manage people")}
                      </button>
                    </>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
        <NewAgencyForm onCreated={() => setRevision((n) => n + 1)} />
      </section>
      {editing && <EditAgencyCard key={editing.id} agency={editing} onSaved={() => setRevision((n) => n + 1)} onClose={() => setEditing(null)} />}
      {open && <PeopleCard key={open.id} orgId={open.id} orgName={open.name} />}
    </Page>
  );
}

function NewAgencyForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [link, setLink] = useState<ShownInvitation | null>(null);
  const form = useForm({
    initial: { name: "", credit_code: "", region_code: "", admin_email: "" },
    specs: AGENCY_SPECS,
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
      <AgencyFields form={form} />
      <TextField form={form} name="admin_email" type="email" spellcheck={false} label={t("首位管理员邮箱", "First admin's email")} hint={t("该管理员通过一次性邀请链接设置姓名和密码", "The admin chooses a name and password through a one-time invitation link")} />
      <FormStatus form={form} />
      {link && <InvitationLink link={link} />}
      <SubmitButton form={form}>{t("创建并邀请管理员", "Create and invite the admin")}</SubmitButton>
    </form>
  );
}

/** The agency's editable facts as the edit form holds them (no address or phone: an empty field). */
const editable = (a: Pick<Agency, "name" | "credit_code" | "region_code" | "address" | "contact_phone">) => ({
  name: a.name,
  credit_code: a.credit_code,
  region_code: a.region_code,
  address: a.address ?? "",
  contact_phone: a.contact_phone ?? "",
});

/**
 * One agency's details in the create form's fields, filled in, and its contact details. Only the
 * fields changed are sent, so a change its own admin made meanwhile to another field stays; a
 * change to the same facts since this page loaded is refused by the API (changed_meanwhile).
 */
function EditAgencyCard({ agency, onSaved, onClose }: { agency: Agency; onSaved: () => void; onClose: () => void }) {
  const { t } = useI18n();
  const loaded = editable(agency);
  // What the server holds as far as this card knows: the values loaded, then those last saved.
  const saved = useRef(loaded);
  const heading = useRef<HTMLHeadingElement>(null);
  // The card opens below the list: the keyboard and the screen go to it.
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: "start" });
  }, []);
  const form = useForm({
    initial: loaded,
    specs: CHANGE_SPECS,
    submit: async (values) => {
      const trimmed = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value.trim()])) as typeof loaded;
      const changed = (Object.keys(trimmed) as (keyof typeof loaded)[]).filter((key) => trimmed[key] !== saved.current[key]);
      if (changed.length === 0) return ["没有修改。", "Nothing changed."];
      const json: { name?: string; credit_code?: string; region_code?: string; address?: string | null; contact_phone?: string | null } = {};
      for (const key of changed) {
        if (key === "address" || key === "contact_phone") json[key] = trimmed[key] === "" ? null : trimmed[key];
        else json[key] = trimmed[key];
      }
      const updated = await send(api.api.installation.agencies[":id"].$patch({ param: { id: agency.id }, json }));
      saved.current = editable(updated);
      onSaved();
      return [`已保存：${updated.name}`, `Saved: ${updated.name}`];
    },
  });
  return (
    <section class="card" aria-labelledby="edit-agency">
      <h2 id="edit-agency" tabIndex={-1} ref={heading}>
        {t(`修改主管部门：${saved.current.name}`, `Edit the agency: ${saved.current.name}`)}
      </h2>
      <form noValidate onSubmit={form.onSubmit} ref={form.ref} aria-labelledby="edit-agency">
        <AgencyFields form={form} />
        <TextField form={form} name="address" label={t("地址", "Address")} autoComplete="street-address" />
        <TextField form={form} name="contact_phone" autoComplete="tel" label={t("联系电话", "Contact telephone")} />
        <FormStatus form={form} />
        <div class="buttons">
          <SubmitButton form={form}>{t("保存修改", "Save changes")}</SubmitButton>
          <button type="button" onClick={onClose}>
            {t("关闭", "Close")}
          </button>
        </div>
      </form>
    </section>
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
