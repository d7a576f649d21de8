// The provider's moves on one booking: confirm, reject (with a reason), mark in use, deliver.
// Reject and deliver move voucher money, so each attempt carries one Idempotency-Key; delivery
// previews the subsidy the hold will settle for with the domain's own rule.
import type { InferResponseType } from "hono/client";
import { useMemo, useState } from "preact/hooks";
import { deliveredSubsidyFen } from "../../../src/domain/booking-lifecycle";
import { api, ApiError, send } from "../shell/api";
import { yuanCheck } from "../shell/checks";
import { formatFen, parseYuan, yuanInput } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { LIMITS } from "../shell/limits";
import { Money } from "../ui/amounts";
import { TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message } from "../ui/form";

export type DeskBooking = InferResponseType<typeof api.api.bookings.$get, 200>["items"][number];

type Moved = (message: Message) => void;

export function BookingMoves(props: { booking: DeskBooking; open: "reject" | "deliver" | null; onOpen: (form: "reject" | "deliver" | null) => void; onMoved: Moved }) {
  const { booking, open, onOpen, onMoved } = props;
  const { t, say } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const simple = async (move: "confirm" | "start") => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const param = { param: { id: booking.id }, json: {} };
      await send(move === "confirm" ? api.api.bookings[":id"].confirm.$post(param) : api.api.bookings[":id"].start.$post(param));
      onMoved(move === "confirm" ? [`已确认预约 ${booking.id}`, `Confirmed ${booking.id}`] : [`预约 ${booking.id} 已开始使用`, `${booking.id} is in use`]);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error.message);
    } finally {
      setBusy(false);
    }
  };
  const label = (words: Bilingual) => `${say(words)} ${booking.id}`;
  return (
    <div class="decision">
      {booking.status === "requested" && (
        <>
          <button type="button" class="primary" onClick={() => simple("confirm")} aria-disabled={busy ? "true" : undefined} aria-label={label(["确认", "Confirm"])}>
            {busy ? t("处理中…", "Working…") : t("确认", "Confirm")}
          </button>
          <button type="button" onClick={() => onOpen(open === "reject" ? null : "reject")} aria-expanded={open === "reject" ? "true" : "false"} aria-label={label(["拒绝", "Reject"])}>
            {t("拒绝", "Reject")}
          </button>
        </>
      )}
      {booking.status === "confirmed" && (
        <button type="button" class="primary" onClick={() => simple("start")} aria-disabled={busy ? "true" : undefined} aria-label={label(["开始使用", "Mark in use"])}>
          {busy ? t("处理中…", "Working…") : t("开始使用", "Mark in use")}
        </button>
      )}
      {booking.status === "in_use" && (
        <button type="button" class="primary" onClick={() => onOpen(open === "deliver" ? null : "deliver")} aria-expanded={open === "deliver" ? "true" : "false"} aria-label={label(["交付", "Deliver"])}>
          {t("交付", "Deliver")}
        </button>
      )}
      <div role="alert">{failure && <p class="message error">{say(failure)}</p>}</div>
    </div>
  );
}

export function RejectForm({ booking, onCancel, onMoved }: { booking: DeskBooking; onCancel: () => void; onMoved: Moved }) {
  const { t } = useI18n();
  const tries = useMemo(() => attempts("reject"), [booking.id]);
  const form = useForm({
    initial: { reason: "" },
    specs: LIMITS.bookingRejection,
    submit: async (values) => {
      const json = { reason: values.reason.trim() };
      await sendOnce(tries, { booking: booking.id, ...json }, (key) => send(api.api.bookings[":id"].reject.$post({ param: { id: booking.id }, json }, { headers: { "idempotency-key": key } })));
      onMoved([`已拒绝预约 ${booking.id}，容量和补贴冻结已释放`, `Rejected ${booking.id}; its capacity and voucher hold are released`]);
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t(`拒绝预约 ${booking.id}`, `Reject ${booking.id}`)}>
      <TextArea form={form} name="reason" label={t("拒绝原因", "Reason for rejecting")} hint={t("企业会看到此原因", "The enterprise will read this reason")} />
      <p class="message warning">
        {booking.subsidy_fen > 0
          ? t(
              `拒绝后预约结束，不能撤回：时段释放，企业券上冻结的 ${formatFen(booking.subsidy_fen)} 作废并退回其可用余额，企业会看到拒绝原因，不产生费用。`,
              `Rejecting ends the booking and cannot be undone: its slots are released, the ${formatFen(booking.subsidy_fen)} held on the enterprise's voucher is voided and returns to its balance, the enterprise reads the reason, and nothing is charged.`,
            )
          : t("拒绝后预约结束，不能撤回：时段释放，企业会看到拒绝原因，不产生费用。", "Rejecting ends the booking and cannot be undone: its slots are released, the enterprise reads the reason, and nothing is charged.")}
      </p>
      <FormStatus form={form} />
      <div class="buttons">
        <SubmitButton form={form} danger>
          {t("确认拒绝", "Confirm rejection")}
        </SubmitButton>
        <button type="button" onClick={onCancel}>
          {t("取消", "Cancel")}
        </button>
      </div>
    </form>
  );
}

export function DeliverForm({ booking, onCancel, onMoved }: { booking: DeskBooking; onCancel: () => void; onMoved: Moved }) {
  const { t } = useI18n();
  const tries = useMemo(() => attempts("deliver"), [booking.id]);
  const form = useForm({
    initial: { delivered_gross_fen: yuanInput(booking.gross_fen) },
    specs: { delivered_gross_fen: { required: true, check: yuanCheck({ ...LIMITS.bookingDelivery.delivered_gross_fen, maximum: booking.gross_fen }) } },
    submit: async (values) => {
      const parsed = parseYuan(values.delivered_gross_fen);
      if (!parsed.ok) throw new Error("unchecked amount");
      const json = { delivered_gross_fen: parsed.fen };
      const after = await sendOnce(tries, { booking: booking.id, ...json }, (key) =>
        send(api.api.bookings[":id"].deliver.$post({ param: { id: booking.id }, json }, { headers: { "idempotency-key": key } })),
      );
      const settled = formatFen(after.delivered_subsidy_fen ?? 0);
      onMoved([`预约 ${booking.id} 已交付，补贴结算 ${settled}`, `${booking.id} delivered; subsidy settled: ${settled}`]);
    },
  });
  const parsed = parseYuan(form.values.delivered_gross_fen);
  const delivered = parsed.ok && parsed.fen <= booking.gross_fen ? parsed.fen : null;
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t(`交付预约 ${booking.id}`, `Deliver ${booking.id}`)}>
      <TextField
        form={form}
        name="delivered_gross_fen"
        label={t("实际交付金额（元，按预约单价）", "Delivered amount (CNY, at the booked price)")}
        inputMode="decimal"
        hint={t(`预约总价 ${formatFen(booking.gross_fen)}；少交付时填实际金额`, `Booked for ${formatFen(booking.gross_fen)}; enter less if less was delivered`)}
      />
      {delivered !== null && <SettlementPreview booking={booking} deliveredFen={delivered} />}
      <FormStatus form={form} />
      <div class="buttons">
        <SubmitButton form={form}>{t("确认交付", "Confirm delivery")}</SubmitButton>
        <button type="button" onClick={onCancel}>
          {t("取消", "Cancel")}
        </button>
      </div>
    </form>
  );
}

function SettlementPreview({ booking, deliveredFen }: { booking: DeskBooking; deliveredFen: number }) {
  const { t } = useI18n();
  const ratio_bp = booking.quote.subsidy?.ratio_bp ?? 0;
  const subsidy = booking.hold_transfer_id ? deliveredSubsidyFen(deliveredFen, ratio_bp, booking.subsidy_fen) : 0;
  return (
    <p class="hint settlement" aria-live="polite">
      {t("将结算补贴 ", "Subsidy to settle: ")}
      <Money fen={subsidy} />
      {t("，退回券内 ", "; back to the voucher: ")}
      <Money fen={booking.subsidy_fen - subsidy} />
      {t("，企业应付 ", "; the enterprise pays: ")}
      <Money fen={deliveredFen - subsidy} />
    </p>
  );
}
