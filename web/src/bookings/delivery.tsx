// After delivery, for the enterprise: the quote beside what was delivered (gross, subsidy,
// co-pay), the metered usage against the booked by day, and confirming the delivery or
// disputing it with a reason inside the confirmation window.
import type { InferResponseType } from "hono/client";
import { useI18n, type Bilingual } from "../shell/i18n";
import { api, send } from "../shell/api";
import { formatInstant } from "../shell/format";
import { Money } from "../ui/amounts";
import { TextArea } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { unitName } from "../offerings";
import { loadBookingUsage, UsageByDay } from "../usage";

type Booking = InferResponseType<(typeof api.api.bookings)[":id"]["$get"], 200>;

const CONFIRMATION: Record<NonNullable<Booking["confirmation_state"]>, Bilingual> = {
  pending: ["待确认", "Awaiting your confirmation"],
  confirmed: ["已确认", "Confirmed"],
  disputed: ["有争议，待主管部门处理", "Disputed; the agency will decide"],
};

/** Quoted and delivered money side by side. */
export function QuotedVsDelivered({ booking: b }: { booking: Booking }) {
  const { t } = useI18n();
  const rows: [string, number, number | null][] = [
    [t("总价", "Gross"), b.gross_fen, b.delivered_gross_fen],
    [t("券补贴", "Voucher subsidy"), b.subsidy_fen, b.delivered_subsidy_fen],
    [t("自付", "Co-pay"), b.copay_fen, b.delivered_copay_fen],
  ];
  return (
    <div class="table-wrap">
      <table class="data" aria-label={t("报价与交付对比", "Quoted and delivered")}>
        <caption>{t("报价与实际交付", "Quoted and delivered")}</caption>
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col" class="num">{t("报价", "Quoted")}</th>
            <th scope="col" class="num">{t("交付结算", "Delivered")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, quoted, delivered]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td class="num" data-label={t("报价", "Quoted")}>
                <Money fen={quoted} />
              </td>
              <td class="num" data-label={t("交付结算", "Delivered")}>
                {delivered === null ? "—" : <Money fen={delivered} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DeliverySection({ booking, onChanged }: { booking: Booking; onChanged: () => void }) {
  return ["in_use", "delivered", "settled"].includes(booking.status) ? <UsageAndDelivery booking={booking} onChanged={onChanged} /> : null;
}

function UsageAndDelivery({ booking: b, onChanged }: { booking: Booking; onChanged: () => void }) {
  const { t, say } = useI18n();
  const usage = useLoad(() => loadBookingUsage(b.id), `usage:${b.id}:${b.updated_at}`);
  return (
    <section class="card" aria-labelledby="booking-delivery">
      <h2 id="booking-delivery">{t("用量与交付", "Usage and delivery")}</h2>
      {b.delivered_at && <QuotedVsDelivered booking={b} />}
      <Loaded load={usage}>{(u) => <UsageByDay usage={u} unitName={say(unitName(b.quote.unit))} />}</Loaded>
      {b.confirmation_state && (
        <p>
          {t("交付确认：", "Delivery confirmation: ")}
          <strong>{say(CONFIRMATION[b.confirmation_state])}</strong>
          {b.confirmation_state === "pending" && b.confirm_delivery_by_at && t(`（${formatInstant(b.confirm_delivery_by_at)} 前未提出异议即视为确认）`, ` (silence confirms after ${formatInstant(b.confirm_delivery_by_at)})`)}
          {b.dispute_reason && <span class="reason">{t("异议：", "Dispute: ")}{b.dispute_reason}</span>}
          {b.dispute_resolution && <span class="reason">{b.dispute_resolution === "upheld" ? t("主管部门支持异议，已按更正用量重新结算", "The agency upheld it and settled again on the corrected usage") : t("主管部门驳回异议，按原交付确认", "The agency dismissed it; the delivery stands")}</span>}
        </p>
      )}
      {b.confirmation_state === "pending" && <ConfirmOrDispute booking={b} onChanged={onChanged} />}
    </section>
  );
}

function ConfirmOrDispute({ booking: b, onChanged }: { booking: Booking; onChanged: () => void }) {
  const { t } = useI18n();
  const confirm = useForm({
    initial: {},
    specs: {},
    submit: async () => {
      await send(api.api.bookings[":id"]["confirm-delivery"].$post({ param: { id: b.id }, json: {} }));
      onChanged();
    },
  });
  const dispute = useForm({
    initial: { reason: "" },
    specs: { reason: { required: true, maxLength: 500 } },
    submit: async (values) => {
      await send(api.api.bookings[":id"].dispute.$post({ param: { id: b.id }, json: { reason: values.reason.trim() } }));
      onChanged();
    },
  });
  return (
    <div class="delivery-moves">
      <form noValidate onSubmit={confirm.onSubmit} ref={confirm.ref} aria-label={t("确认交付", "Confirm the delivery")}>
        <FormStatus form={confirm} />
        <SubmitButton form={confirm}>{t("确认交付无误", "Confirm the delivery")}</SubmitButton>
      </form>
      <form class="form" noValidate onSubmit={dispute.onSubmit} ref={dispute.ref} aria-label={t("提出异议", "Dispute the delivery")}>
        <TextArea form={dispute} name="reason" label={t("异议原因", "Why you dispute it")} hint={t("主管部门将审核；处理前不能申领补贴", "The agency will review it; no claim until it decides")} />
        <FormStatus form={dispute} />
        <SubmitButton form={dispute}>{t("提出异议", "Dispute")}</SubmitButton>
      </form>
    </div>
  );
}
