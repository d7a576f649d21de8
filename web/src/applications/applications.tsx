// 申请审核 for agency staff: voucher applications to the agency's programmes, by status (and by
// programme from a programme's page). Reviewers and agency admins decide; finance and auditors
// read. ?id= opens one application with its eligibility explanation.
import { api, send } from "../shell/api";
import { may } from "../shell/access";
import { useI18n } from "../shell/i18n";
import { APPLICATION_STATUS, optionsOf } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { useMe } from "../shell/session";
import { Money } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { FilterPills } from "../ui/filter-pills";
import { APPLICATIONS_PATH, ApplicationReviewPage, StatusText } from "./application-review";
import type { Application } from "./eligibility";
import { useOrganisations } from "../organisation";
import { loadProgrammes } from "../programmes";

type Status = Application["status"];
const STATUSES = Object.keys(APPLICATION_STATUS) as Status[];

export function ApplicationsPage() {
  const { query } = useLocation();
  const id = query.get("id");
  if (id) return <ApplicationReviewPage id={id} />;
  const status = query.get("status") === "all" ? undefined : (STATUSES.find((s) => s === query.get("status")) ?? "pending");
  return <ApplicationList status={status} programmeId={query.get("programme")} />;
}

async function loadQueue(status: Status | undefined, programmeId: string | null) {
  const query = { ...(status ? { status } : {}), ...(programmeId ? { programme_id: programmeId } : {}), limit: "100" };
  const [applications, programmes] = await Promise.all([send(api.api["voucher-applications"].$get({ query })), loadProgrammes()]);
  return { applications: applications.items, programmes: new Map(programmes.items.map((p) => [p.id, p.name])) };
}

function ApplicationList({ status, programmeId }: { status: Status | undefined; programmeId: string | null }) {
  const { t, say } = useI18n();
  const me = useMe();
  const queue = useLoad(() => loadQueue(status, programmeId), `${status ?? "all"}:${programmeId ?? ""}`);
  const decides = may(me, "POST /api/voucher-applications/{id}/approve");
  const ids = queue.state.status === "ready" ? queue.state.data.applications.map((a) => a.sme_org_id) : [];
  const enterprises = useOrganisations(ids);
  return (
    <Page
      title={t("申请审核", "Voucher applications")}
      lead={decides ? undefined : t("你的角色可以查看申请，但不能审核。", "Your role can view applications but not decide on them.")}
    >
      <StatusFilter current={status ?? "all"} programmeId={programmeId} />
      <Loaded load={queue}>
        {({ applications, programmes }) => (
          <>
            {programmeId && (
              <p class="summary">
                {t("项目：", "Programme: ")}
                {programmes.get(programmeId) ?? programmeId} · <Link href={`${APPLICATIONS_PATH}?status=${status ?? "all"}`}>{t("查看全部项目", "All programmes")}</Link>
              </p>
            )}
            <DataTable
              caption={status ? say(APPLICATION_STATUS[status]) : t("全部申请", "All applications")}
              rows={applications}
              rowKey={(row) => row.id}
              empty={t("没有符合条件的申请。", "No applications with this status.")}
              columns={[
                { header: t("企业", "Enterprise"), cell: (row) => <strong>{enterprises.get(row.sme_org_id)?.name ?? row.sme_org_id}</strong> },
                { header: t("项目", "Programme"), cell: (row) => programmes.get(row.programme_id) ?? row.programme_id },
                { header: t("申请金额", "Requested"), cell: (row) => <Money fen={row.requested_fen} />, class: "num" },
                { header: t("提交时间", "Submitted"), cell: (row) => <Instant at={row.created_at} /> },
                { header: t("状态", "Status"), cell: (row) => <StatusText application={row} /> },
                {
                  header: t("操作", "Actions"),
                  class: "actions",
                  cell: (row) => (
                    <Link href={`${APPLICATIONS_PATH}?id=${row.id}`} class={row.status === "pending" && decides ? "button primary" : "button"}>
                      {row.status === "pending" && decides ? t("审核", "Review") : t("查看", "View")}
                      <span class="visually-hidden"> {enterprises.get(row.sme_org_id)?.name ?? row.sme_org_id}</span>
                    </Link>
                  ),
                },
              ]}
            />
          </>
        )}
      </Loaded>
    </Page>
  );
}

function StatusFilter({ current, programmeId }: { current: Status | "all"; programmeId: string | null }) {
  const programme = programmeId ? `&programme=${programmeId}` : "";
  return <FilterPills choices={optionsOf(APPLICATION_STATUS)} current={current} href={(value) => `${APPLICATIONS_PATH}?status=${value}${programme}`} />;
}
