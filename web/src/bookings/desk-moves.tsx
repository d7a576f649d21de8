// The provider's moves on one booking: confirm, reject (with a reason), mark in use, deliver.
// Reject and deliver move voucher money, so each attempt carries one Idempotency-Key. Delivery
// settles on the metered usage: the form shows it and the settlement the domain's own rule gives.
// The Slurm account maps sacct jobs to the booking.
import type { InferResponseType } from "hono/client";
import { useMemo, useState } from "preact/hooks";
import { settleOnUsage } from "../../../src/domain/usage";
import { api, ApiError, send } from "../shell/api";
import { formatFen, formatInstant } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { LIMITS } from "../shell/limits";
import { Money } from "../ui/amounts";
import { TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Instant } from "../ui/values";
import { unitName } from "../offerings";
import { loadBookingUsage, UsageByDay, type BookingUsage } from "../usage";

export type DeskBooking = InferResponseType<typeof api.api.bookings.$get, 200>["items"][number];

type Moved = (message: Message) => void;

/** The booking as the desk's row shows it, for what a move says it did: "H800 八卡节点（启明智能科技，2026-12-05 09:00 开始）", not its id. */
export function deskBookingName(booking: DeskBooking): Bilingual {
  const starts = formatInstant(booking.starts_at);
  return [`${booking.quote.offering_name}（${booking.sme_name}，${starts} 开始）`, `${booking.quote.offering_name} (${booking.sme_name}, from ${starts})`];
}

/** `zh`/`en` around the booking's name: moved(booking, ["已确认预约：", ""], ["Confirmed ", ""]). */
const saying = (booking: DeskBooking, zh: [string, string], en: [string, string]): Message => {
  const [zhName, enName] = deskBookingName(booking);
  return [`${zh[0]}${zhName}${zh[1]}`, `${en[0]}${enName}${en[1]}`];
};
export type DeskForm = "reject" | "deliver" | "slurm";

export function BookingMoves(props: { booking: DeskBooking; open: DeskForm | null; onOpen: (form: DeskForm | null) => void; onMoved: Moved }) {
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
      onMoved(move === "confirm" ? saying(booking, ["已确认预约：", ""], ["Confirmed ", ""]) : saying(booking, ["已开始使用：", ""], ["In use: ", ""]));
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
      {booking.status === "confirmed" &&
        (booking.may_start_now ? (
          <button type="button" class="primary" onClick={() => simple("start")} aria-disabled={busy ? "true" : undefined} aria-label={label(["开始使用", "Mark in use"])}>
            {busy ? t("处理中…", "Working…") : t("开始使用", "Mark in use")}
          </button>
        ) : (
          <span class="reason">
            {t("开始时间到后可标记使用中：", "Can be marked in use from ")}
            <Instant at={booking.starts_at} />
          </span>
        ))}
      {booking.status === "in_use" && (
        <button type="button" class="primary" onClick={() => onOpen(open === "deliver" ? null : "deliver")} aria-expanded={open === "deliver" ? "true" : "false"} aria-label={label(["交付", "Deliver"])}>
          {t("交付", "Deliver")}
        </button>
      )}
      {(booking.status === "confirmed" || booking.status === "in_use") && (
        <button type="button" onClick={() => onOpen(open === "slurm" ? null : "slurm")} aria-expanded={open === "slurm" ? "true" : "false"} aria-label={label(["Slurm 账户", "Slurm account"])}>
          {booking.slurm_account ? `Slurm: ${booking.slurm_account}` : t("设置 Slurm 账户", "Set Slurm account")}
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
      onMoved(saying(booking, ["已拒绝预约：", "；容量和补贴冻结已释放"], ["Rejected ", "; its capacity and voucher hold are released"]));
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
  const usage = useLoad(() => loadBookingUsage(booking.id), `usage:${booking.id}`);
  return (
    <section class="subform" aria-label={t(`交付预约 ${booking.id}`, `Deliver ${booking.id}`)}>
      <Loaded load={usage}>{(metered) => <DeliverOnUsage booking={booking} usage={metered} onCancel={onCancel} onMoved={onMoved} />}</Loaded>
    </section>
  );
}

/** Shows what the server will settle (the domain's own rule on the metered usage) and delivers it. */
function DeliverOnUsage({ booking, usage, onCancel, onMoved }: { booking: DeskBooking; usage: BookingUsage; onCancel: () => void; onMoved: Moved }) {
  const { t, say } = useI18n();
  const tries = useMemo(() => attempts("deliver"), [booking.id]);
  const settlement = settleOnUsage({
    unit_price_fen: booking.quote.unit_price_fen,
    metered_milli: usage.metered_milli,
    ratio_bp: booking.quote.subsidy?.ratio_bp ?? 0,
    held_fen: booking.hold_transfer_id ? booking.subsidy_fen : 0,
  });
  const form = useForm({
    initial: {},
    specs: {},
    submit: async () => {
      // The previewed gross goes along as a cross-check: if usage changed since, the server refuses.
      const json = { delivered_gross_fen: settlement.gross_fen };
      const after = await sendOnce(tries, { booking: booking.id, ...json }, (key) =>
        send(api.api.bookings[":id"].deliver.$post({ param: { id: booking.id }, json }, { headers: { "idempotency-key": key } })),
      );
      const settled = formatFen(after.delivered_subsidy_fen ?? 0);
      onMoved(saying(booking, ["已交付：", `；补贴结算 ${settled}`], ["Delivered ", `; subsidy settled: ${settled}`]));
    },
  });
  const unit = say(unitName(booking.quote.unit));
  return (
    <form noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t(`确认交付 ${booking.id}`, `Confirm delivery of ${booking.id}`)}>
      <UsageByDay usage={usage} unitName={unit} />
      {usage.metered_milli === 0 && <p class="message info">{t("尚无计量用量：交付将按零结算，冻结的补贴全部退回券。请先在“用量上报”上报用量。", "No metered usage yet: delivering settles at zero and releases the whole hold. Report usage first on Usage reporting.")}</p>}
      <p class="hint settlement" aria-live="polite">
        {t("按计量用量结算：总价 ", "Settled on metered usage: gross ")}
        <Money fen={settlement.gross_fen} />
        {t("，补贴 ", "; subsidy ")}
        <Money fen={settlement.subsidy_fen} />
        {t("，退回券内 ", "; back to the voucher: ")}
        <Money fen={booking.subsidy_fen - settlement.subsidy_fen} />
        {t("，企业应付 ", "; the enterprise pays: ")}
        <Money fen={settlement.copay_fen} />
      </p>
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

const SLURM_ACCOUNT = /^[A-Za-z0-9._-]{1,64}$/;

/** The Slurm account whose sacct jobs are this booking's usage; blank clears it. */
export function SlurmAccountForm({ booking, onCancel, onMoved }: { booking: DeskBooking; onCancel: () => void; onMoved: Moved }) {
  const { t } = useI18n();
  const form = useForm({
    initial: { slurm_account: booking.slurm_account ?? "" },
    specs: { slurm_account: { maxLength: 64, pattern: SLURM_ACCOUNT, patternMessage: ["1–64 个字母、数字或 . _ -", "1–64 letters, digits, . _ -"] } },
    submit: async (values) => {
      const slurm_account = values.slurm_account.trim() || null;
      await send(api.api.bookings[":id"]["slurm-account"].$post({ param: { id: booking.id }, json: { slurm_account } }));
      onMoved(
        slurm_account
          ? saying(booking, ["", ` 的 Slurm 账户为 ${slurm_account}`], ["", ` now takes the jobs of Slurm account ${slurm_account}`])
          : saying(booking, ["已清除 Slurm 账户：", ""], ["Cleared the Slurm account of ", ""]),
      );
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-label={t(`Slurm 账户 ${booking.id}`, `Slurm account ${booking.id}`)}>
      <TextField form={form} name="slurm_account" label={t("Slurm 账户", "Slurm account")} hint={t("导入 sacct 文件时，此账户在预约时段内开始的作业计入本预约；留空则清除", "Jobs of this account starting within the booking count as its usage in sacct imports; leave blank to clear")} />
      <FormStatus form={form} />
      <div class="buttons">
        <SubmitButton form={form}>{t("保存", "Save")}</SubmitButton>
        <button type="button" onClick={onCancel}>
          {t("取消", "Cancel")}
        </button>
      </div>
    </form>
  );
}
