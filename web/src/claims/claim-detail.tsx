// One claim: what is claimed and by whom, the evidence (attachments downloadable), each booking
// with its quote beside its delivery and the metered usage, the history of moves and the ledger
// trail. Then what the person looking may do, as the API's access table says: the claimant
// answers a return here; the agency's moves (review, approve, pay, reject, void, resolve an
// objection) are in claim-agency-forms.tsx. Read-only roles (the auditor) see everything and get
// no buttons.
import type { ComponentChildren } from "preact";
import type { InferResponseType } from "hono/client";
import { useState } from "preact/hooks";
import { may } from "../shell/access";
import { api, send } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { Link } from "../shell/router";
import { useMe } from "../shell/session";
import { Money, TimeRange } from "../ui/amounts";
import { Facts } from "../ui/facts";
import { TextArea } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { unitName } from "../offerings";
import { formatMilli, loadBookingUsage } from "../usage";
import { fileHref } from "./attachments";
import { ACCOUNT_KIND, CLAIM_STATUS, CLAIMS_PATH, HISTORY, LEDGER_CODE, MODE, type Claim } from "./claim-words";
import { AgencyActions, ResolveForm, type Done } from "./claim-agency-forms";

type Booking = InferResponseType<(typeof api.api.bookings)[":id"]["$get"], 200>;

async function loadClaim(id: string) {
  const claim = await send(api.api.claims[":id"].$get({ param: { id } }));
  const bookings = await Promise.all(
    claim.booking_ids.map(async (bookingId) => {
      const [booking, usage] = await Promise.all([send(api.api.bookings[":id"].$get({ param: { id: bookingId } })), loadBookingUsage(bookingId)]);
      return { booking, usage };
    }),
  );
  return { claim, bookings };
}

const DONE: Record<string, Bilingual> = {
  submitted: ["兑付申请已提交，等待主管部门初审。", "Claim submitted; it awaits the agency's review."],
};

export function ClaimDetailPage({ id, done }: { id: string; done: string | null }) {
  const { t, say } = useI18n();
  const loaded = useLoad(() => loadClaim(id), id);
  // What a move did, said here rather than in its form: the form goes once the claim has moved on.
  const [outcome, setOutcome] = useState<Message | null>(done && DONE[done] ? (DONE[done] as Bilingual) : null);
  const moved = (message: Message) => {
    setOutcome(message);
    loaded.reload();
  };
  return (
    <Page title={t("兑付申请详情", "Claim")}>
      <p>
        <Link href={CLAIMS_PATH}>← {t("兑付申请列表", "All claims")}</Link>
      </p>
      <div role="status" class="outcome">
        {outcome && <p class="message success">{say(outcome)}</p>}
      </div>
      <Loaded load={loaded}>{({ claim, bookings }) => <ClaimView claim={claim} bookings={bookings} onDone={moved} />}</Loaded>
    </Page>
  );
}

function ClaimView({ claim: c, bookings, onDone }: { claim: Claim; bookings: Awaited<ReturnType<typeof loadClaim>>["bookings"]; onDone: Done }) {
  const { t, say } = useI18n();
  const me = useMe();
  const agency = me.organisation.kind === "agency";
  const look = c.status === "paid" ? "approved" : c.status === "rejected" ? "rejected" : c.status === "on_notice" ? "open" : "pending";
  const unpaid = ["submitted", "returned", "reviewed", "on_notice"].includes(c.status);
  return (
    <>
      <section class="card" aria-labelledby="claim-summary">
        <h2 id="claim-summary">
          {c.programme_name} <span class={`badge ${look}`}>{say(CLAIM_STATUS[c.status])}</span>
          {c.voided_at && <span class="badge rejected">{t("已作废", "Voided")}</span>}
        </h2>
        <Facts
          rows={[
            [t("结算模式", "Settlement mode"), say(MODE[c.settlement_mode])],
            [t("申请方", "Claimant"), c.claimant_name],
            [t("企业", "Enterprise"), c.sme_name],
            [t("服务商", "Provider"), c.provider_name],
            [t("申请兑付补贴", "Subsidy claimed"), <strong><Money fen={c.amount_fen} /></strong>],
            [t("交付总价", "Delivered gross"), <Money fen={c.gross_fen} />],
            [t("合同编号", "Contract number"), c.contract_no],
            [t("发票号码", "Invoice number"), c.invoice_no],
            [t("发票金额", "Invoice amount"), <Money fen={c.invoice_amount_fen} />],
            [t("初审", "First review"), c.reviewer_name ?? "—"],
            [t("财务复核", "Finance approval"), c.finance_name ?? "—"],
            [t("公示期", "Public notice"), c.notice_starts_on ? `${c.notice_starts_on} – ${c.notice_ends_on}` : "—"],
            ...(c.paid_at ? ([[t("支付", "Paid"), <><Instant at={c.paid_at} />{t(`，付款流水号 ${c.payment_reference}`, `, payment reference ${c.payment_reference}`)}</>]] as [string, ComponentChildren][]) : []),
          ]}
        />
        {c.status === "returned" && c.return_reason && (
          <p class="message warning">
            <strong>{t("退回理由：", "Returned because: ")}</strong>
            {c.return_reason}
          </p>
        )}
        {c.claimant_answer && (
          <p class="message info">
            <strong>{t("申请方答复：", "The claimant's answer: ")}</strong>
            {c.claimant_answer}
          </p>
        )}
        {c.reject_reason && (
          <p class="message error">
            <strong>{t("驳回理由：", "Rejected because: ")}</strong>
            {c.reject_reason}
          </p>
        )}
        {c.void_reason && (
          <p class="message error">
            <strong>{t("作废理由：", "Voided because: ")}</strong>
            {c.void_reason}
          </p>
        )}
      </section>

      {c.status === "returned" && may(me, "POST /api/claims/{id}/resubmit") && <ResubmitForm claim={c} onDone={onDone} />}
      {agency && <AgencyActions claim={c} unpaid={unpaid} onDone={onDone} />}

      <section class="card" aria-labelledby="claim-evidence">
        <h2 id="claim-evidence">{t("证明材料", "Evidence")}</h2>
        <h3>{t("交付证明", "Delivery certificate")}</h3>
        <p class="prewrap">{c.delivery_certificate}</p>
        <h3>{t("附件", "Attachments")}</h3>
        {(c.attachments ?? []).length === 0 ? (
          <p class="empty">{t("没有附件。", "No attachments.")}</p>
        ) : (
          <ul class="files">
            {(c.attachments ?? []).map((a) => (
              <li key={a.id}>
                <a href={fileHref(a.id)} download={a.original_name}>
                  {a.original_name}
                </a>{" "}
                <span class="hint">
                  {a.content_type.replace("application/", "").replace("image/", "").toUpperCase()} · {Math.max(1, Math.round(a.size_bytes / 1024))} KB
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="claim-bookings">
        <h2 id="claim-bookings">{t("预约与用量", "Bookings and usage")}</h2>
        <DataTable
          caption={t("报价与交付对比、计量用量", "Quoted against delivered, and metered usage")}
          rows={bookings}
          rowKey={(b) => b.booking.id}
          empty={t("没有预约。", "No bookings.")}
          columns={[
            { header: t("资源", "Offering"), cell: ({ booking }) => booking.quote.offering_name },
            { header: t("服务期（北京时间）", "Period (Beijing)"), cell: ({ booking }) => <TimeRange from={booking.starts_at} to={booking.ends_at} /> },
            { header: t("计量 / 预约用量", "Metered / booked"), class: "num", cell: ({ booking, usage }) => `${formatMilli(usage.metered_milli)} / ${formatMilli(usage.booked_milli)} ${say(unitName(booking.quote.unit))}` },
            { header: t("报价总价", "Quoted gross"), class: "num", cell: ({ booking }) => <Money fen={booking.gross_fen} /> },
            { header: t("交付总价", "Delivered gross"), class: "num", cell: ({ booking }) => <Money fen={booking.delivered_gross_fen ?? 0} /> },
            { header: t("报价补贴", "Quoted subsidy"), class: "num", cell: ({ booking }) => <Money fen={booking.subsidy_fen} /> },
            { header: t("交付补贴", "Delivered subsidy"), class: "num", cell: ({ booking }) => <Money fen={booking.delivered_subsidy_fen ?? 0} /> },
            { header: t("状态", "Status"), cell: ({ booking }) => <BookingState booking={booking} /> },
          ]}
        />
      </section>

      {agency && c.objections.length > 0 && <Objections claim={c} onDone={onDone} />}

      <section class="card" aria-labelledby="claim-history">
        <h2 id="claim-history">{t("办理记录", "History")}</h2>
        <ol class="history">
          {(c.history ?? []).map((h, i) => (
            <li key={i}>
              <Instant at={h.at} /> · <strong>{HISTORY[h.action] ? say(HISTORY[h.action] as Bilingual) : h.action}</strong>
              {h.actor_name ? ` · ${h.actor_name}` : ` · ${t("公众", "A member of the public")}`}
              {h.note && <div class="reason">{h.note}</div>}
            </li>
          ))}
        </ol>
      </section>

      <section class="card" aria-labelledby="claim-ledger">
        <h2 id="claim-ledger">{t("账务记录", "Ledger trail")}</h2>
        <DataTable
          caption={t("预约补贴与兑付的账务流水", "Ledger transfers of the bookings' subsidy and the payment")}
          rows={c.ledger ?? []}
          rowKey={(row) => row.id}
          empty={t("没有账务记录。", "No transfers.")}
          columns={[
            { header: t("时间", "When"), cell: (row) => <Instant at={row.created_at} /> },
            { header: t("事项", "What"), cell: (row) => (LEDGER_CODE[row.code] ? say(LEDGER_CODE[row.code] as Bilingual) : row.code) },
            { header: t("从", "From"), cell: (row) => (ACCOUNT_KIND[row.from_kind] ? say(ACCOUNT_KIND[row.from_kind] as Bilingual) : row.from_kind) },
            { header: t("到", "To"), cell: (row) => (ACCOUNT_KIND[row.to_kind] ? say(ACCOUNT_KIND[row.to_kind] as Bilingual) : row.to_kind) },
            { header: t("金额", "Amount"), class: "num", cell: (row) => <Money fen={row.amount_fen} /> },
          ]}
        />
      </section>
    </>
  );
}

function BookingState({ booking }: { booking: Booking }) {
  const { t } = useI18n();
  if (booking.status === "settled") return <span class="badge approved">{t("已结清", "Settled")}</span>;
  if (booking.confirmation_state === "disputed") return <span class="badge rejected">{t("有争议", "Disputed")}</span>;
  return <span class="badge open">{booking.confirmation_state === "confirmed" ? t("已交付并确认", "Delivered, confirmed") : t("已交付", "Delivered")}</span>;
}

function ResubmitForm({ claim, onDone }: { claim: Claim; onDone: Done }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { answer: "" },
    specs: { answer: { required: true, maxLength: 1000 } },
    submit: async (values) => {
      await send(api.api.claims[":id"].resubmit.$post({ param: { id: claim.id }, json: { answer: values.answer.trim() } }));
      onDone(["已重新提交，等待初审。", "Resubmitted; it awaits review again."] as Message);
    },
  });
  return (
    <section class="card" aria-labelledby="claim-answer">
      <h2 id="claim-answer">{t("答复退回并重新提交", "Answer the return and resubmit")}</h2>
      <form noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t("答复退回", "Answer the return")}>
        <TextArea form={form} name="answer" label={t("答复（补充了什么）", "Answer (what you added or changed)")} />
        <FormStatus form={form} />
        <SubmitButton form={form}>{t("重新提交", "Resubmit")}</SubmitButton>
      </form>
    </section>
  );
}

function Objections({ claim, onDone }: { claim: Claim; onDone: Done }) {
  const { t } = useI18n();
  const me = useMe();
  const decides = may(me, "POST /api/claims/{id}/objections/{objection_id}/resolve");
  return (
    <section class="card" aria-labelledby="claim-objections">
      <h2 id="claim-objections">{t("公示异议", "Objections")}</h2>
      {claim.open_objections > 0 && <p class="message warning">{t(`有 ${claim.open_objections} 条异议未处理：处理完毕前不能支付。`, `${claim.open_objections} objections are open: the claim cannot be paid until they are resolved.`)}</p>}
      <ul class="plain">
        {claim.objections.map((o) => (
          <li key={o.id} class="subform">
            <p>
              <strong>{o.name}</strong>（{o.contact}）· <Instant at={o.created_at} /> · {o.status === "open" ? t("待处理", "Open") : t("已处理", "Resolved")}
            </p>
            <p class="prewrap">{o.reason}</p>
            {o.resolution_note && (
              <p class="message info">
                {t("处理意见：", "Resolution: ")}
                {o.resolution_note}
              </p>
            )}
            {o.status === "open" && decides && <ResolveForm claimId={claim.id} objectionId={o.id} name={o.name} onDone={onDone} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
