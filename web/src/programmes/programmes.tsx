// 券项目管理 for agency staff: the agency's programmes with their budgets and pools. Agency admins
// create and edit them; everyone at the agency reads. One address: the list, ?id= a programme,
// ?id=…&edit its edit form, ?new the create form.
import { api, send } from "../shell/api";
import { may } from "../shell/access";
import { formatRatio } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { optionsOf, PROGRAMME_KIND, PROGRAMME_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { Money } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { NotFoundPage } from "../ui/not-found";
import { FilterPills } from "../ui/filter-pills";
import { ProgrammeDetailPage, loadProgramme } from "./programme-detail";
import { ProgrammeForm, type ProgrammeDetail } from "./programme-form";

type Status = ProgrammeDetail["status"];
const STATUSES = Object.keys(PROGRAMME_STATUS) as Status[];

export const loadProgrammes = (status?: Status) => send(api.api.programmes.$get({ query: { ...(status ? { status } : {}), limit: "100" } }));

export function ProgrammesPage() {
  const { query } = useLocation();
  const me = useMe();
  const id = query.get("id");
  if (query.has("new")) return may(me, "POST /api/programmes") ? <NewProgrammePage /> : <NotFoundPage forbidden />;
  if (id && query.has("edit")) return may(me, "PATCH /api/programmes/{id}") ? <EditProgrammePage id={id} /> : <NotFoundPage forbidden />;
  if (id) return <ProgrammeDetailPage id={id} />;
  return <ProgrammeListPage status={STATUSES.find((s) => s === query.get("status"))} />;
}

function ProgrammeListPage({ status }: { status: Status | undefined }) {
  const { t, say } = useI18n();
  const me = useMe();
  const programmes = useLoad(() => loadProgrammes(status), status ?? "all");
  const creates = may(me, "POST /api/programmes");
  return (
    <Page
      title={t("券项目管理", "Programmes")}
      lead={creates ? undefined : t("你的角色可以查看项目，但不能创建或修改。", "Your role can view programmes but not create or change them.")}
    >
      {creates && (
        <p>
          <Link href="/agency/programmes?new" class="button primary">
            {t("新建项目", "New programme")}
          </Link>
        </p>
      )}
      <StatusFilter current={status ?? "all"} />
      <Loaded load={programmes}>
        {({ items }) => (
          <DataTable
            caption={status ? say(PROGRAMME_STATUS[status]) : t("全部项目", "All programmes")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("没有符合条件的项目。", "No programmes with this status.")}
            columns={[
              { header: t("项目", "Programme"), cell: (row) => <Link href={`/agency/programmes?id=${row.id}`}>{row.name}</Link> },
              { header: t("券种", "Kind"), cell: (row) => say(PROGRAMME_KIND[row.kind]), class: "nowrap" },
              { header: t("状态", "Status"), cell: (row) => <span class={`badge ${row.status}`}>{say(PROGRAMME_STATUS[row.status])}</span> },
              { header: t("补贴比例", "Ratio"), cell: (row) => formatRatio(row.rules.subsidy_ratio_bp), class: "num" },
              { header: t("预算", "Budget"), cell: (row) => <Money fen={row.pool.budget_fen} />, class: "num" },
              { header: t("已发放", "Issued"), cell: (row) => <Money fen={row.pool.issued_fen} />, class: "num" },
              { header: t("可发放", "Available"), cell: (row) => <Money fen={row.pool.available_fen} />, class: "num" },
              {
                header: t("申请期", "Window"),
                cell: (row) => (
                  <span class="nowrap">
                    {row.rules.application_opens_on}
                    <br />
                    {t("至 ", "to ")}
                    {row.rules.application_closes_on}
                  </span>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

function StatusFilter({ current }: { current: Status | "all" }) {
  return <FilterPills choices={optionsOf(PROGRAMME_STATUS)} current={current} href={(value) => (value === "all" ? "/agency/programmes" : `/agency/programmes?status=${value}`)} />;
}

function NewProgrammePage() {
  const { t } = useI18n();
  return (
    <Page
      title={t("新建项目", "New programme")}
      lead={t("项目创建后为草稿，预算即划入资金池；开放申请后企业才能看到并申请。", "A new programme is a draft whose pool is funded at once; enterprises see it and apply once you open it.")}
    >
      <ProgrammeForm programme={null} />
    </Page>
  );
}

function EditProgrammePage({ id }: { id: string }) {
  const { t } = useI18n();
  const programme = useLoad(() => loadProgramme(id), id);
  return (
    <Page title={t("修改项目规则", "Edit programme rules")}>
      <Loaded load={programme}>{(data) => <ProgrammeForm programme={data} />}</Loaded>
    </Page>
  );
}
