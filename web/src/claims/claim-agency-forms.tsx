// The agency's moves on one claim, as the API's access table lets the person looking make them:
// the reviewer approves or returns (初审), finance approves (复核), pays after the notice (a second,
// explicit yes), rejects; the admin voids; deciders resolve objections. Each says what it did
// through `onDone`, since the form goes once the claim has moved on (claim-detail.tsx shows it).
import { useMemo } from "preact/hooks";
import { may } from "../shell/access";
import { api, send } from "../shell/api";
import { formatFen } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { useMe } from "../shell/session";
import { RadioGroup, TextArea, TextField } from "../ui/fields";
import { DangerSubmit, FormStatus, SubmitButton, useForm, type Message } from "../ui/form";
import type { Claim } from "./claim-words";

/** Says what a move did, on the claim page. */
export type Done = (message: Message) => void;

export function AgencyActions({ claim: c, unpaid, onDone }: { claim: Claim; unpaid: boolean; onDone: Done }) {
  const { t } = useI18n();
  const me = useMe();
  const canReview = c.status === "submitted" && may(me, "POST /api/claims/{id}/review");
  const canApprove = c.status === "reviewed" && may(me, "POST /api/claims/{id}/approve");
  const canPay = c.status === "on_notice" && may(me, "POST /api/claims/{id}/pay");
  const canReject = unpaid && may(me, "POST /api/claims/{id}/reject");
  const canVoid = (unpaid || (c.status === "paid" && !c.voided_at)) && may(me, "POST /api/claims/{id}/void");
  if (!canReview && !canApprove && !canPay && !canReject && !canVoid) {
    return me.user.role === "auditor" ? <p class="hint">{t("你的角色只能查看，不能办理。", "Your role can read this claim but not act on it.")}</p> : null;
  }
  return (
    <section class="card" aria-labelledby="claim-actions">
      <h2 id="claim-actions">{t("办理", "Act on this claim")}</h2>
      {canReview && <ReviewForm claim={c} onDone={onDone} />}
      {canApprove && <ApproveForm claim={c} onDone={onDone} />}
      {canPay && <PayForm claim={c} onDone={onDone} />}
      {canReject && <ReasonForm claim={c} kind="reject" onDone={onDone} />}
      {canVoid && <ReasonForm claim={c} kind="void" onDone={onDone} />}
    </section>
  );
}

const REVIEW: readonly (readonly [string, Bilingual, Bilingual])[] = [
  ["approve", ["初审通过", "Approve"], ["转财务复核", "On to finance"]],
  ["return", ["退回补充", "Return"], ["申请方答复后可重新提交", "The claimant answers and resubmits"]],
];

function ReviewForm({ claim, onDone }: { claim: Claim; onDone: Done }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { decision: "approve", reason: "" },
    specs: (values) => ({ decision: { required: true }, reason: { required: values.decision === "return", maxLength: 1000 } }),
    submit: async (values) => {
      const json = values.decision === "return" ? { decision: "return" as const, reason: values.reason.trim() } : { decision: "approve" as const };
      await send(api.api.claims[":id"].review.$post({ param: { id: claim.id }, json }));
      onDone((values.decision === "return" ? ["已退回申请方。", "Returned to the claimant."] : ["初审通过，已转财务复核。", "Approved; on to finance."]) as Message);
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("初审", "First review")}>
      <h3>{t("初审", "First review")}</h3>
      <RadioGroup form={form} name="decision" label={t("决定", "Decision")} options={REVIEW} />
      {form.values.decision === "return" && <TextArea form={form} name="reason" label={t("退回理由", "Reasons for returning")} />}
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("提交初审意见", "Record the review")}</SubmitButton>
    </form>
  );
}

function ApproveForm({ claim, onDone }: { claim: Claim; onDone: Done }) {
  const { t } = useI18n();
  const me = useMe();
  const form = useForm({
    initial: {},
    specs: {},
    submit: async () => {
      await send(api.api.claims[":id"].approve.$post({ param: { id: claim.id }, json: {} }));
      onDone(["复核通过，已进入公示。", "Approved; the claim is on public notice."] as Message);
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("财务复核", "Finance approval")}>
      <h3>{t("财务复核", "Finance approval")}</h3>
      {claim.reviewer_user_id === me.user.id && (
        <p class="message warning">{t("你已完成此申请的初审：复核须由另一位同事完成，系统会拒绝同一人办理两步。", "You did the first review of this claim: another colleague must approve it; the system refuses one person doing both steps.")}</p>
      )}
      <p class="hint">{t(`通过后进入公示（初审：${claim.reviewer_name ?? "—"}）。`, `Approving puts the claim on public notice (first review by ${claim.reviewer_name ?? "—"}).`)}</p>
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("复核通过并公示", "Approve and publish")}</SubmitButton>
    </form>
  );
}

function PayForm({ claim, onDone }: { claim: Claim; onDone: Done }) {
  const { t } = useI18n();
  const tries = useMemo(() => attempts(`pay-${claim.id}`), [claim.id]);
  const form = useForm({
    initial: { payment_reference: "" },
    specs: { payment_reference: { required: true, maxLength: 128 } },
    confirmFirst: true,
    submit: async (values) => {
      const json = { payment_reference: values.payment_reference.trim() };
      await sendOnce(tries, { claim: claim.id, ...json }, (key) => send(api.api.claims[":id"].pay.$post({ param: { id: claim.id }, json }, { headers: { "idempotency-key": key } })));
      onDone([`已支付 ${formatFen(claim.amount_fen)}。`, `Paid ${formatFen(claim.amount_fen)}.`] as Message);
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("支付", "Pay")}>
      <h3>{t("支付", "Pay")}</h3>
      <p class="hint">
        {t(`公示期至 ${claim.notice_ends_on ?? "—"}，结束后且无未处理异议方可支付。`, `The notice runs until ${claim.notice_ends_on ?? "—"}; pay after it ends, with no open objection.`)}
        {claim.open_objections > 0 && t(` 目前有 ${claim.open_objections} 条未处理异议。`, ` ${claim.open_objections} objections are open now.`)}
      </p>
      <TextField form={form} name="payment_reference" label={t("付款流水号", "Payment reference")} />
      <FormStatus form={form} />
      <DangerSubmit
        form={form}
        busyLabel={t("支付中…", "Paying…")}
        confirmLabel={t(`确认支付 ${formatFen(claim.amount_fen)}`, `Yes, pay ${formatFen(claim.amount_fen)}`)}
        consequences={
          <p>
            {t(`将向 ${claim.claimant_name} 支付 ${formatFen(claim.amount_fen)}，预约转为已结清。支付只能进行一次。`, `${formatFen(claim.amount_fen)} is paid to ${claim.claimant_name} and the bookings are settled. A claim is paid once.`)}
          </p>
        }
      >
        {t("支付…", "Pay…")}
      </DangerSubmit>
    </form>
  );
}

function ReasonForm({ claim, kind, onDone }: { claim: Claim; kind: "reject" | "void"; onDone: Done }) {
  const { t } = useI18n();
  const tries = useMemo(() => attempts(`${kind}-${claim.id}`), [claim.id, kind]);
  const paid = claim.status === "paid";
  const form = useForm({
    initial: { reason: "" },
    specs: { reason: { required: true, maxLength: 1000 } },
    confirmFirst: true,
    submit: async (values) => {
      const json = { reason: values.reason.trim() };
      const move = kind === "reject" ? api.api.claims[":id"].reject : api.api.claims[":id"].void;
      await sendOnce(tries, { claim: claim.id, kind, ...json }, (key) => send(move.$post({ param: { id: claim.id }, json }, { headers: { "idempotency-key": key } })));
      onDone((kind === "reject" ? ["已驳回，补贴已退回。", "Rejected; the subsidy went back."] : ["已作废。", "Voided."]) as Message);
    },
  });
  const title = kind === "reject" ? t("驳回", "Reject") : t("违规作废", "Void for fraud");
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={title}>
      <h3>{title}</h3>
      <TextArea form={form} name="reason" label={kind === "reject" ? t("驳回理由", "Reason for rejecting") : t("作废理由", "Reason for voiding")} hint={t("申请方会看到此理由", "The claimant reads this reason")} />
      <FormStatus form={form} />
      <DangerSubmit
        form={form}
        busyLabel={t("处理中…", "Working…")}
        confirmLabel={kind === "reject" ? t("确认驳回", "Yes, reject") : t("确认作废", "Yes, void")}
        consequences={
          <p>
            {paid
              ? t("此兑付已支付：作废会记录理由并标记，已付款项不会在系统中退回，须另行追缴。", "This claim is paid: voiding records the reason and flags it; the money paid is not moved back here and must be recovered outside.")
              : t(`${formatFen(claim.amount_fen)} 补贴将退回企业的券（券已失效则退回项目资金池），这些预约不能再申请兑付。`, `${formatFen(claim.amount_fen)} of subsidy goes back to the enterprise's voucher (or the pool if it ended), and these bookings cannot be claimed again.`)}
          </p>
        }
      >
        {kind === "reject" ? t("驳回…", "Reject…") : t("作废…", "Void…")}
      </DangerSubmit>
    </form>
  );
}

export function ResolveForm({ claimId, objectionId, name, onDone }: { claimId: string; objectionId: string; name: string; onDone: Done }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { note: "" },
    specs: { note: { required: true, maxLength: 1000 } },
    submit: async (values) => {
      await send(api.api.claims[":id"].objections[":objection_id"].resolve.$post({ param: { id: claimId, objection_id: objectionId }, json: { note: values.note.trim() } }));
      onDone(["异议已处理。", "Objection resolved."] as Message);
    },
  });
  return (
    <form noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t(`处理 ${name} 的异议`, `Resolve ${name}'s objection`)}>
      <TextArea form={form} name="note" label={t("处理意见", "Resolution note")} />
      <FormStatus form={form} />
      <SubmitButton form={form}>{t("处理异议", "Resolve")}</SubmitButton>
    </form>
  );
}
