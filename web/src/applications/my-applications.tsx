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
import { may } from "../shell/access";
import { LIMITS } from "../shell/limits";
import { useMe } from "../shell/session";
import type { Bilingual } from "../shell/i18n";
import { TextArea } from "../ui/fields";
import { DangerSubmit, FormStatus, useForm } from "../ui/form";

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
  const me = useMe();
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
            a.status === "withdrawn" ? [t("撤回原因", "Reason for withdrawing"), a.decision_reason ?? "—"] : [t("审核意见", "Decision note"), a.decision_reason ?? "—"],
            [a.status === "withdrawn" ? t("撤回时间", "Withdrawn") : t("审核时间", "Decided"), a.decided_at ? <Instant at={a.decided_at} /> : "—"],
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
              {a.status === "pending" && may(me, "POST /api/voucher-applications/{id}/withdraw") && (
                <WithdrawForm id={a.id} programme={programmeName(programmes, a.programme_id)} onWithdrawn={loaded.reload} />
              )}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}

const WITHDRAWN: Bilingual = ["申请已撤回", "The application is withdrawn"];

/** Withdrawing a pending application: asked twice, saying what it means, with an optional reason. */
function WithdrawForm({ id, programme, onWithdrawn }: { id: string; programme: string; onWithdrawn: () => void }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { reason: "" },
    specs: LIMITS.applicationWithdrawal,
    confirmFirst: true,
    submit: async (values) => {
      const reason = values.reason.trim();
      await send(api.api["voucher-applications"][":id"].withdraw.$post({ param: { id }, json: reason ? { reason } : {} }));
      onWithdrawn();
      return WITHDRAWN;
    },
  });
  return (
    <section class="card" aria-labelledby="withdraw">
      <h2 id="withdraw">{t("撤回申请", "Withdraw the application")}</h2>
      <p class="hint">{t("审核人作出决定之前，可以撤回此申请。", "Until a reviewer decides, you may withdraw this application.")}</p>
      <form noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("撤回申请", "Withdraw the application")}>
        <TextArea form={form} name="reason" label={t("撤回原因（可选）", "Reason (optional)")} hint={t("主管部门会看到此原因", "The agency will read this reason")} />
        <FormStatus form={form} />
        <DangerSubmit
          form={form}
          busyLabel={t("撤回中…", "Withdrawing…")}
          confirmLabel={t("确认撤回申请", "Yes, withdraw the application")}
          consequences={
            <ul>
              <li>{t(`对「${programme}」的此申请不再审核，也不会发券；撤回后不能恢复。`, `This application to "${programme}" will not be reviewed and no voucher will be issued from it; a withdrawal cannot be undone.`)}</li>
              <li>{t("之后可以重新提交申请，资格将按当时的情况重新核对。", "You may apply again later; eligibility is then checked afresh.")}</li>
            </ul>
          }
        >
          {t("撤回申请…", "Withdraw application…")}
        </DangerSubmit>
      </form>
    </section>
  );
}
