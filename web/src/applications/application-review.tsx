// One voucher application for agency staff: who applied, for what, the eligibility explanation
// stored when it was made, and (for reviewers and agency admins) approval, possibly for less
// than was asked, or rejection with a reason the enterprise will read.
import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { may } from "../shell/access";
import { blankToUndefined, yuanCheck } from "../shell/checks";
import { formatFen, parseYuan, yuanInput } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { APPLICATION_STATUS, CREDIT_STATUS, SIZE_CLASS } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { Link } from "../shell/router";
import { useMe } from "../shell/session";
import { Money } from "../ui/amounts";
import { TextArea, TextField } from "../ui/fields";
import { Facts } from "../ui/facts";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { Instant, Named, Ref } from "../ui/values";
import { RegionName } from "../ui/region-picker";
import { EligibilityList, type Application } from "./eligibility";
import { type Organisation, readOrganisation } from "../organisation";
import { loadProgramme } from "../programmes";

export const APPLICATIONS_PATH = "/agency/applications";

export function StatusText({ application }: { application: Application }): ComponentChildren {
  const { say } = useI18n();
  return (
    <span>
      <span class={`badge ${application.status}`}>{say(APPLICATION_STATUS[application.status])}</span>
      {application.status === "approved" && application.approved_fen !== null && (
        <span class="reason">
          <Money fen={application.approved_fen} />
        </span>
      )}
    </span>
  );
}

async function loadReview(viewerId: string, id: string) {
  const application = await send(api.api["voucher-applications"][":id"].$get({ param: { id } }));
  const [programme, enterprise] = await Promise.all([loadProgramme(application.programme_id), readOrganisation(viewerId, application.sme_org_id)]);
  return { application, programme, enterprise };
}
type Review = Awaited<ReturnType<typeof loadReview>>;

export function ApplicationReviewPage({ id }: { id: string }) {
  const { t } = useI18n();
  const me = useMe();
  const review = useLoad(() => loadReview(me.user.id, id), id);
  const name = review.state.status === "ready" ? (review.state.data.enterprise?.name ?? review.state.data.application.sme_org_id) : null;
  return (
    <Page title={name ? t(`${name} 的申请`, `Application from ${name}`) : t("申请", "Application")}>
      <p>
        <Link href={APPLICATIONS_PATH}>{t("← 待审核申请", "← Applications awaiting review")}</Link>
      </p>
      <Loaded load={review}>{(data) => <ReviewView review={data} reload={review.reload} />}</Loaded>
    </Page>
  );
}

function ReviewView({ review, reload }: { review: Review; reload: () => void }) {
  const { t, say } = useI18n();
  const me = useMe();
  const [outcome, setOutcome] = useState<Bilingual | null>(null);
  const { application } = review;
  const decides = application.status === "pending" && may(me, "POST /api/voucher-applications/{id}/approve");
  const decided = (message: Bilingual) => {
    setOutcome(message);
    reload();
  };
  return (
    <>
      <div role="status">{outcome && <p class="message success">{say(outcome)}</p>}</div>
      <section class="card" aria-labelledby="application-facts">
        <h2 id="application-facts">{t("申请内容", "The application")}</h2>
        <Facts rows={applicationRows(review, t)} />
      </section>
      {review.enterprise && (
        <section class="card" aria-labelledby="enterprise-facts">
          <h2 id="enterprise-facts">{t("申请企业", "The enterprise")}</h2>
          <EnterpriseFacts enterprise={review.enterprise} />
        </section>
      )}
      <section class="card">
        <EligibilityList eligibility={application.eligibility} id="eligibility" />
      </section>
      {application.status !== "pending" && <Decision application={application} />}
      {decides && <DecisionForms application={application} programmeName={review.programme.name} enterpriseName={review.enterprise?.name ?? null} onDecided={decided} />}
    </>
  );
}

type T = (zh: string, en: string) => string;

function applicationRows({ application, programme }: Review, t: T): [string, ComponentChildren][] {
  return [
    [t("项目", "Programme"), <Link href={`/agency/programmes?id=${programme.id}`}>{programme.name}</Link>],
    [t("申请金额", "Requested"), <Money fen={application.requested_fen} />],
    [t("用途", "Purpose"), application.purpose],
    [t("状态", "Status"), <StatusText application={application} />],
    [t("提交时间", "Submitted"), <Instant at={application.created_at} />],
    [t("依据规则", "Rules"), t(`第 ${application.programme_version} 版（现行第 ${programme.current_version} 版）`, `version ${application.programme_version} (in force: ${programme.current_version})`)],
  ];
}

function EnterpriseFacts({ enterprise }: { enterprise: Organisation }) {
  const { t, say } = useI18n();
  return (
    <Facts
      rows={[
        [t("名称", "Name"), enterprise.name],
        [t("统一社会信用代码", "Credit code"), <code>{enterprise.credit_code}</code>],
        [t("注册地区", "Registered region"), <RegionName code={enterprise.region_code} />],
        [t("企业规模", "Size class"), say(SIZE_CLASS[enterprise.size_class])],
        [t("成立日期", "Founded"), enterprise.founded_on],
        [t("信用状态", "Credit status"), say(CREDIT_STATUS[enterprise.credit_status])],
      ]}
    />
  );
}

function Decision({ application }: { application: Application }) {
  const { t } = useI18n();
  const withdrawn = application.status === "withdrawn";
  const rows: [string, ComponentChildren][] = [
    ...(application.approved_fen !== null ? [[t("批准金额", "Approved"), <Money fen={application.approved_fen} />] as [string, ComponentChildren]] : []),
    ...(application.decision_reason ? [[application.status === "rejected" ? t("驳回原因", "Reason") : withdrawn ? t("撤回原因", "Reason for withdrawing") : t("备注", "Note"), application.decision_reason] as [string, ComponentChildren]] : []),
    [withdrawn ? t("撤回人（企业）", "Withdrawn by (the enterprise)") : t("审核人", "Decided by"), application.decided_by ? <Named name={application.decided_by_name} id={application.decided_by} /> : "—"],
    [withdrawn ? t("撤回时间", "Withdrawn") : t("审核时间", "Decided"), application.decided_at ? <Instant at={application.decided_at} /> : "—"],
    ...(application.voucher_id
      ? [[t("已发放的券", "Voucher issued"), <><Link href={`/agency/vouchers?id=${application.voucher_id}`}>{t("查看券", "See the voucher")}</Link> <Ref id={application.voucher_id} /></>] as [string, ComponentChildren]]
      : []),
  ];
  return (
    <section class="card" aria-labelledby="decision">
      <h2 id="decision">{t("审核结果", "Decision")}</h2>
      <Facts rows={rows} />
    </section>
  );
}

type Decided = (message: Bilingual) => void;

/** Who and what a decision is about, by name, for what it says it did. */
interface DecisionNames {
  programmeName: string;
  enterpriseName: string | null;
}

function DecisionForms({ application, programmeName, enterpriseName, onDecided }: { application: Application; onDecided: Decided } & DecisionNames) {
  const { t } = useI18n();
  const [rejecting, setRejecting] = useState(false);
  return (
    <section class="card" aria-labelledby="decide">
      <h2 id="decide">{t("审核", "Decide")}</h2>
      <ApproveForm application={application} programmeName={programmeName} enterpriseName={enterpriseName} onDecided={onDecided} />
      {rejecting ? (
        <RejectForm application={application} onCancel={() => setRejecting(false)} onDecided={onDecided} />
      ) : (
        <p class="subform">
          <button type="button" onClick={() => setRejecting(true)}>
            {t("驳回申请…", "Reject…")}
          </button>
        </p>
      )}
    </section>
  );
}

function ApproveForm({ application, programmeName, enterpriseName, onDecided }: { application: Application; onDecided: Decided } & DecisionNames) {
  const { t } = useI18n();
  const approvals = useMemo(() => attempts("approve"), [application.id]);
  const requested = application.requested_fen;
  const form = useForm({
    initial: { approved_fen: yuanInput(requested), note: "" },
    // The API takes no amount as "all of it"; the form asks for one, at most what was requested.
    specs: { approved_fen: { required: true, check: yuanCheck({ ...LIMITS.applicationApproval.approved_fen, maximum: requested }) }, note: LIMITS.applicationApproval.note },
    submit: async (values) => {
      const parsed = parseYuan(values.approved_fen);
      if (!parsed.ok) throw new Error("unchecked amount");
      const json = { approved_fen: parsed.fen, note: blankToUndefined(values.note) };
      // No answer: the approval may have happened, so a retry must carry the same key.
      const approved = await sendOnce(approvals, { application: application.id, ...json }, (key) =>
        send(api.api["voucher-applications"][":id"].approve.$post({ param: { id: application.id }, json, header: { "idempotency-key": key } })),
      );
      const amount = formatFen(approved.voucher.face_value_fen);
      // Named as people know it (programme, enterprise); the voucher's id stays in 审核结果 below as a reference.
      const to = enterpriseName ?? application.sme_org_id;
      onDecided([`已批准 ${amount}：已向 ${to} 发放${programmeName}`, `Approved ${amount}: ${programmeName} issued to ${to}`]);
    },
  });
  return (
    <form noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("批准申请", "Approve")}>
      <div class="field-row">
        <TextField
          form={form}
          name="approved_fen"
          label={t("批准金额（元）", "Amount to approve (CNY)")}
          inputMode="decimal"
          hint={t(`可小于申请金额 ${formatFen(requested)}，不能超过`, `May be less than the ${formatFen(requested)} requested, never more`)}
        />
        <TextField form={form} name="note" label={t("备注", "Note")} />
      </div>
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("批准并发放券", "Approve and issue the voucher")}</SubmitButton>
    </form>
  );
}

function RejectForm({ application, onCancel, onDecided }: { application: Application; onCancel: () => void; onDecided: Decided }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { reason: "" },
    specs: LIMITS.applicationRejection,
    submit: async (values) => {
      await send(api.api["voucher-applications"][":id"].reject.$post({ param: { id: application.id }, json: { reason: values.reason.trim() } }));
      onDecided(["已驳回申请，企业会看到驳回原因", "Rejected; the enterprise will read the reason"]);
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("驳回申请", "Reject")}>
      <TextArea form={form} name="reason" label={t("驳回原因", "Reason for rejecting")} hint={t("企业会看到此原因", "The enterprise will read this reason")} />
      <FormStatus form={form} />
      <div class="buttons">
        <SubmitButton form={form}>{t("确认驳回", "Confirm rejection")}</SubmitButton>
        <button type="button" onClick={onCancel}>
          {t("取消", "Cancel")}
        </button>
      </div>
    </form>
  );
}
