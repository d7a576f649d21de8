// My organisation: its registered facts and its related-party declarations (关联方), which
// subsidy rules use to refuse deals between related parties.
import type { ComponentChildren } from "preact";
import { api, send } from "../shell/api";
import { may } from "../shell/access";
import { blankToUndefined, creditCodeCheck } from "../shell/checks";
import { useI18n } from "../shell/i18n";
import { CREDIT_STATUS, ORG_KIND, optionsOf, PROGRAMME_STATUS, PROVIDER_STATUS, RELATION, SIZE_CLASS } from "../shell/labels";
import { Link } from "../shell/router";
import { loadProgrammes } from "../programmes";
import { LIMITS } from "../shell/limits";
import { useMe, type Me } from "../shell/session";
import { CreditCodeField, SelectField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { Facts } from "../ui/facts";
import { RegionName } from "../ui/region-picker";
import { MembersCard } from "./members";
import { VerificationCard } from "./verification";
import { VettingsCard } from "./vettings";
import { EditDetailsCard } from "./edit-details";

type Organisation = Me["organisation"];
type Relation = keyof typeof RELATION;

export const loadOrganisation = (id: string) => send(api.api.organisations[":id"].$get({ param: { id } }));
export const loadRelatedParties = (id: string) => send(api.api.organisations[":id"]["related-parties"].$get({ param: { id } }));

export function OrganisationPage() {
  const { t } = useI18n();
  const me = useMe();
  const id = me.organisation.id;
  const organisation = useLoad(() => loadOrganisation(id), id);
  const declares = me.organisation.kind === "sme" || me.organisation.kind === "provider";
  return (
    <Page title={t("我的机构", "My organisation")}>
      <Loaded load={organisation}>
        {(org) => (
          <>
            <OrganisationFacts org={org} />
            {may(me, "PATCH /api/organisations/{id}") && <EditDetailsCard org={org} onSaved={organisation.reload} />}
          </>
        )}
      </Loaded>
      {me.organisation.kind === "agency" && <AgencyProfile />}
      {declares && <VerificationCard orgId={id} />}
      {may(me, "GET /api/provider-vettings") && <VettingsCard />}
      {may(me, "GET /api/organisations/{id}/users") && <MembersCard orgId={id} />}
      {declares && <RelatedParties orgId={id} />}
    </Page>
  );
}

function OrganisationFacts({ org }: { org: Organisation }) {
  const { t, say } = useI18n();
  const none = t("未填写", "Not given");
  const enterprise = org.kind === "sme" || org.kind === "provider";
  const rows: [string, ComponentChildren][] = [
    [t("机构名称", "Name"), org.name],
    [t("机构类型", "Type"), say(ORG_KIND[org.kind])],
    [t("统一社会信用代码", "Unified social credit code"), <code>{org.credit_code}</code>],
    [t("注册地区", "Registered region"), <RegionName code={org.region_code} />],
    // Size, founding date, legal representative and credit status are enterprise facts (start-up
    // tiers, size rules, blacklists); an agency's or the platform's stored values are placeholders
    // ("large, founded 2000-01-01"), so they are not shown for them: they get a profile instead.
    ...(enterprise
      ? ([
          [t("企业规模", "Size class"), say(SIZE_CLASS[org.size_class])],
          [t("成立日期", "Founding date"), org.founded_on],
        ] as [string, ComponentChildren][])
      : []),
    [t("注册地址", "Address"), org.address ?? none],
    ...(enterprise
      ? ([
          [t("法定代表人", "Legal representative"), org.legal_representative ?? none],
          [t("信用状态", "Credit status"), say(CREDIT_STATUS[org.credit_status])],
        ] as [string, ComponentChildren][])
      : []),
    [t("注册时间", "Registered"), <Instant at={org.created_at} />],
  ];
  if (org.provider_status) {
    const reason = org.provider_status_reason ? `（${org.provider_status_reason}）` : "";
    rows.splice(2, 0, [t("总体审核状态", "Overall approval"), `${say(PROVIDER_STATUS[org.provider_status])}${reason}`]);
  }
  return (
    <section class="card" aria-labelledby="org-facts">
      <h2 id="org-facts">{t("登记信息", "Registered facts")}</h2>
      <Facts rows={rows} />
    </section>
  );
}

/** What an agency is to the product: the programmes it runs, with their state, and where to manage them. */
function AgencyProfile() {
  const { t, say } = useI18n();
  const programmes = useLoad(() => loadProgrammes(), "agency-profile");
  return (
    <section class="card" aria-labelledby="agency-profile">
      <h2 id="agency-profile">{t("主管部门概况", "Agency profile")}</h2>
      <p class="hint">
        {t(
          "本机构是算力券项目的主管部门：制定项目规则、审核企业申请和服务商、发放与撤销券、审核兑付。",
          "This organisation is a programme agency: it sets programme rules, reviews enterprises' applications and providers, issues and revokes vouchers, and reviews claims.",
        )}
      </p>
      <Loaded load={programmes}>
        {({ items }) => (
          <DataTable
            caption={t("本机构的项目", "Programmes this agency runs")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("还没有项目。", "No programmes yet.")}
            columns={[
              { header: t("项目", "Programme"), cell: (row) => <Link href={`/agency/programmes?id=${row.id}`}>{row.name}</Link> },
              { header: t("状态", "Status"), cell: (row) => <span class={`badge ${row.status}`}>{say(PROGRAMME_STATUS[row.status])}</span> },
            ]}
          />
        )}
      </Loaded>
    </section>
  );
}

function RelatedParties({ orgId }: { orgId: string }) {
  const { t, say } = useI18n();
  const me = useMe();
  const parties = useLoad(() => loadRelatedParties(orgId), orgId);
  return (
    <section class="card" aria-labelledby="related-parties">
      <h2 id="related-parties">{t("关联方申报", "Related parties")}</h2>
      <p class="hint">
        {t(
          "请如实申报股东、法定代表人及关联企业。与关联方之间的交易不能使用算力券补贴。",
          "Declare shareholders, the legal representative and affiliates truthfully. Deals with related parties cannot be subsidised by vouchers.",
        )}
      </p>
      <Loaded load={parties}>
        {({ items }) => (
          <DataTable
            caption={t("已申报的关联方", "Declared related parties")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("尚未申报关联方。", "No related parties declared yet.")}
            columns={[
              { header: t("关系", "Relation"), cell: (row) => say(RELATION[row.relation]) },
              { header: t("名称", "Name"), cell: (row) => row.party_name },
              { header: t("统一社会信用代码", "Credit code"), cell: (row) => row.party_credit_code ?? "—" },
              { header: t("申报时间", "Declared"), cell: (row) => <Instant at={row.created_at} /> },
            ]}
          />
        )}
      </Loaded>
      {may(me, "POST /api/organisations/{id}/related-parties") && <DeclareForm orgId={orgId} onDeclared={parties.reload} />}
    </section>
  );
}

function DeclareForm({ orgId, onDeclared }: { orgId: string; onDeclared: () => void }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { relation: "", party_name: "", party_credit_code: "" },
    specs: {
      ...LIMITS.relatedParty,
      party_credit_code: { ...LIMITS.relatedParty.party_credit_code, check: creditCodeCheck },
    },
    submit: async (values) => {
      const declared = await send(
        api.api.organisations[":id"]["related-parties"].$post({
          param: { id: orgId },
          json: {
            relation: values.relation as Relation,
            party_name: values.party_name.trim(),
            party_credit_code: blankToUndefined(values.party_credit_code),
          },
        }),
      );
      form.reset();
      onDeclared();
      return [`已申报：${declared.party_name}`, `Declared: ${declared.party_name}`];
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref}>
      <h3>{t("申报关联方", "Declare a related party")}</h3>
      <SelectField form={form} name="relation" label={t("关系", "Relation")} placeholder={t("请选择", "Choose…")} options={optionsOf(RELATION)} />
      <TextField form={form} name="party_name" label={t("关联方名称或姓名", "Name of the party")} />
      <CreditCodeField
        form={form}
        name="party_credit_code"
        label={t("关联方统一社会信用代码", "The party's credit code")}
        hint={t("关联方为企业时填写", "When the party is a company")}
      />
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("申报", "Declare")}</SubmitButton>
    </form>
  );
}
