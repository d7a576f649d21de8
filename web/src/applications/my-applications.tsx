// 我的申请: this enterprise's voucher applications with status, the amount approved and the
// agency's reason; one application with its eligibility explanation.
import type { ComponentChildren } from "preact";
import { api, send } from "../shell/api";
import { useI18n } from "../shell/i18n";
import { APPLICATION_STATUS } from "../shell/labels";
import { Link, useLocation } from "../shell/router";
import { Money } from "../ui/amounts";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { EligibilityList, type Application } from "./eligibility";
import { loadProgrammeNames, type ProgrammeSummary } from "../programmes";
import { PROGRAMMES_PATH } from "./voucher-programmes";
import { Facts } from "../ui/facts";

export const APPLICATIONS_PATH = "/my-applications";

async function loadApplications() {
  const { items } = await send(api.api["voucher-applications"].$get({ query: { limit: "100" } }));
  return { items, programmes: await loadProgrammeNames(items.map((a) => a.programme_id)) };
}

async function loadApplication(id: string) {
  const application = await send(api.api["voucher-applications"][":id"].$get({ param: { id } }));
  return { application, programmes: await loadProgrammeNames([application.programme_id]) };
}

export function MyApplicationsPage() {
  const id = useLocation().query.get("id");
  return id ? <ApplicationDetail id={id} /> : <ApplicationList />;
}

function StatusBadge({ status }: { status: Application["status"] }) {
  const { say } = useI18n();
  return <span class={`badge ${status}`}>{say(APPLICATION_STATUS[status])}</span>;
}

const programmeName = (programmes: Map<string, ProgrammeSummary>, id: string) => programmes.get(id)?.name ?? id;

function ApplicationList() {
  const { t } = useI18n();
  const applications = useLoad(loadApplications, "all");
  return (
    <Page title={t("我的申请", "My applications")}>
      <p>
        <Link href={PROGRAMMES_PATH}>{t("申请新的券", "Apply for a voucher")}</Link>
      </p>
      <Loaded load={applications}>
        {({ items, programmes }) => (
          <DataTable
            caption={t("券申请（最新在前）", "Voucher applications, newest first")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("还没有提交过申请。", "No applications yet.")}
            columns={[
              { header: t("项目", "Programme"), cell: (row) => <Link href={`${APPLICATIONS_PATH}?id=${row.id}`}>{programmeName(programmes, row.programme_id)}</Link> },
              { header: t("状态", "Status"), cell: (row) => <StatusBadge status={row.status} /> },
              { header: t("申请金额", "Requested"), class: "num", cell: (row) => <Money fen={row.requested_fen} /> },
              { header: t("批准金额", "Approved"), class: "num", cell: (row) => (row.approved_fen === null ? "—" : <Money fen={row.approved_fen} />) },
              { header: t("审核意见", "Decision note"), cell: (row) => row.decision_reason ?? "—" },
              { header: t("提交时间", "Submitted"), cell: (row) => <Instant at={row.created_at} /> },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}

function ApplicationDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const loaded = useLoad(() => loadApplication(id), id);
  return (
    <Page title={t("申请详情", "Application")}>
      <p>
        <Link href={APPLICATIONS_PATH}>← {t("我的申请", "My applications")}</Link>
      </p>
      <Loaded load={loaded}>
        {({ application: a, programmes }) => {
          const rows: [string, ComponentChildren][] = [
            [t("项目", "Programme"), <Link href={`${PROGRAMMES_PATH}?id=${a.programme_id}`}>{programmeName(programmes, a.programme_id)}</Link>],
            [t("状态", "Status"), <StatusBadge status={a.status} />],
            [t("申请金额", "Requested"), <Money fen={a.requested_fen} />],
            [t("批准金额", "Approved"), a.approved_fen === null ? t("尚未批准", "Not approved") : <Money fen={a.approved_fen} />],
            [t("审核意见", "Decision note"), a.decision_reason ?? "—"],
            [t("审核时间", "Decided"), a.decided_at ? <Instant at={a.decided_at} /> : "—"],
            [t("用途说明", "Purpose"), a.purpose],
            [t("提交时间", "Submitted"), <Instant at={a.created_at} />],
          ];
          if (a.voucher_id) rows.splice(4, 0, [t("发放的券", "Voucher issued"), <Link href={`/my-vouchers?id=${a.voucher_id}`}>{t("查看券余额", "See its balance")}</Link>]);
          return (
            <>
              <section class="card" aria-labelledby="application">
                <h2 id="application">{t("申请信息", "The application")}</h2>
                <Facts rows={rows} />
              </section>
              <section class="card">
                <EligibilityList eligibility={a.eligibility} id="application-eligibility" />
              </section>
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
