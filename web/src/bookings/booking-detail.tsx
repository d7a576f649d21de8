// One booking: where it is in its life (requested → confirmed → in use → delivered → settled,
// or cancelled / rejected / lapsed), what it costs and who pays what, the voucher behind the
// subsidy, the quote it was priced on, and cancellation within the offering's rule.
import type { InferResponseType } from "hono/client";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError, send } from "../shell/api";
import { formatFen, formatInstant } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { BOOKING_STATUS } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { Link } from "../shell/router";
import { Figures, TimeRange } from "../ui/amounts";
import { TextField } from "../ui/fields";
import { DangerSubmit, FormStatus, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";
import { Page } from "../ui/page";
import { DataText, Instant } from "../ui/values";
import { cancellationRule, CATALOGUE_PATH, loadOffering, type Offering } from "../offerings";
import { loadProgrammeNames, type ProgrammeSummary } from "../programmes";
import { BookingChanges, BookingHistory, CalendarLink } from "./booking-changes";
import { DeliverySection } from "./delivery";
import { QuoteTerms } from "./quote-terms";

export const BOOKINGS_PATH = "/my-bookings";

export type Booking = InferResponseType<(typeof api.api.bookings)[":id"]["$get"], 200>;

export function BookingStatusBadge({ status }: { status: Booking["status"] }) {
  const { say } = useI18n();
  return <span class={`badge ${status}`}>{say(BOOKING_STATUS[status])}</span>;
}

const loadBooking = (id: string) => send(api.api.bookings[":id"].$get({ param: { id } }));

async function loadBookingPage(id: string) {
  const booking = await loadBooking(id);
  const [offering, programmes] = await Promise.all([loadOffering(booking.offering_id), loadProgrammeNames(booking.programme_id ? [booking.programme_id] : [])]);
  return { booking, offering, programme: booking.programme_id ? programmes.get(booking.programme_id) : undefined };
}

export function BookingDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const loaded = useLoad(() => loadBookingPage(id), id);
  // Set when a change made on this page reloads it, so the reloaded view takes the keyboard.
  const changed = useRef(false);
  const onChanged = () => {
    changed.current = true;
    loaded.reload();
  };
  return (
    <Page title={t("预约详情", "Booking")}>
      <p>
        <Link href={BOOKINGS_PATH}>← {t("我的预约", "My bookings")}</Link>
      </p>
      <Loaded load={loaded}>{(data) => <BookingView {...data} onChanged={onChanged} changed={changed} />}</Loaded>
    </Page>
  );
}

const ENDED: readonly Booking["status"][] = ["cancelled", "rejected", "lapsed"];

/** Where the subsidy's money is, by the booking's status. */
const subsidyState = (status: Booking["status"]) => (status === "delivered" || status === "settled" ? "settled" : "held");
const SUBSIDY_STATE: Record<ReturnType<typeof subsidyState>, Bilingual> = {
  held: ["券补贴（冻结中，交付后结算）", "Voucher subsidy (held until delivery)"],
  settled: ["券补贴（已按交付结算）", "Voucher subsidy (settled on delivery)"],
};

function BookingView(props: { booking: Booking; offering: Offering; programme: ProgrammeSummary | undefined; onChanged: () => void; changed: { current: boolean } }) {
  const { booking: b, offering, programme, onChanged, changed } = props;
  const { t, say } = useI18n();
  // A change made here (a cancellation) removes the button that made it: the keyboard goes to the new status.
  const summary = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!changed.current) return;
    changed.current = false;
    summary.current?.focus();
  }, [b.status, b.updated_at]);
  return (
    <>
      <section class="card" aria-labelledby="booking-summary">
        <h2 id="booking-summary" tabIndex={-1} ref={summary}>
          <Link href={`${CATALOGUE_PATH}?id=${b.offering_id}`}>
            <DataText>{b.quote.offering_name}</DataText>
          </Link> <BookingStatusBadge status={b.status} />
        </h2>
        <p>
          <TimeRange from={b.starts_at} to={b.ends_at} />
          {t("（北京时间）", " (Beijing time)")}
        </p>
        <Timeline booking={b} />
        <CalendarLink booking={b} />
        {ENDED.includes(b.status) ? (
          <p class="message info">{t("预约已结束，不产生费用；原报价见下方。", "The booking ended and nothing is charged; its quote is below.")}</p>
        ) : (
          <Figures
            label={t("费用", "Cost")}
            rows={[
              { label: t("总价", "Total price"), fen: b.gross_fen },
              { label: say(SUBSIDY_STATE[subsidyState(b.status)]), fen: b.subsidy_fen, sign: "-" },
              { label: t("自付", "Your co-pay"), fen: b.copay_fen, total: true },
            ]}
          />
        )}
        {b.delivered_subsidy_fen !== null && <p>{t(`按实际交付结算补贴 ${formatFen(b.delivered_subsidy_fen)}，其余已退回券。`, `Subsidy settled on what was delivered: ${formatFen(b.delivered_subsidy_fen)}; the rest returned to the voucher.`)}</p>}
        {b.voucher_id ? (
          <p>
            {t("使用的券：", "Voucher: ")}
            <Link href={`/my-vouchers?id=${b.voucher_id}`}>{programme?.name ?? b.voucher_id}</Link>
            {t(`（规则第 ${b.programme_version} 版）`, ` (rules version ${b.programme_version})`)}
          </p>
        ) : (
          <p class="hint">{t("未使用券，全价支付。", "No voucher: full price.")}</p>
        )}
      </section>
      <DeliverySection booking={b} onChanged={onChanged} />
      <BookingChanges booking={b} onChanged={onChanged} />
      <BookingHistory booking={b} />
      <Cancellation booking={b} offering={offering} onCancelled={onChanged} />
      <section class="card" aria-labelledby="booking-quote">
        <h2 id="booking-quote">{t("下单时的报价", "The quote it was booked on")}</h2>
        <QuoteTerms quote={b.quote} unit_minutes={offering.unit_minutes} programme={programme} />
      </section>
    </>
  );
}

const FLOW: Booking["status"][] = ["requested", "confirmed", "in_use", "delivered", "settled"];
const STEP_NAME: Record<string, Bilingual> = {
  requested: ["已提交", "Requested"],
  confirmed: ["服务商确认", "Confirmed"],
  in_use: ["使用中", "In use"],
  delivered: ["已交付", "Delivered"],
  settled: ["已结算", "Settled"],
};

/** The steps so far; the API keeps the time of the first and of the latest change only. */
function Timeline({ booking: b }: { booking: Booking }) {
  const { t, say } = useI18n();
  const ended = ENDED.includes(b.status);
  const reached = ended ? 0 : FLOW.indexOf(b.status);
  // An ended booking shows where it began and how it ended, not the steps it will never take.
  const steps = ended ? FLOW.slice(0, 1) : FLOW;
  return (
    <ol class="timeline" aria-label={t("状态进度", "Progress")}>
      {steps.map((step, i) => {
        const done = i <= reached;
        const current = !ended && i === reached;
        return (
          <li key={step} class={`${done ? "done" : "todo"}${current ? " current" : ""}`} aria-current={current ? "step" : undefined}>
            <span class="step">{say(STEP_NAME[step] as Bilingual)}</span>
            {i === 0 && <Instant at={b.created_at} />}
            {current && i > 0 && <Instant at={b.updated_at} />}
            {current && step === "requested" && b.confirm_by_at && (
              <span class="note">{t(`服务商须在 ${formatInstant(b.confirm_by_at)} 前确认，否则自动失效并退回券`, `The provider must confirm by ${formatInstant(b.confirm_by_at)}, or it lapses and the voucher is released`)}</span>
            )}
          </li>
        );
      })}
      {ended && (
        <li class="done current ended" aria-current="step">
          <span class="step">{say(BOOKING_STATUS[b.status])}</span>
          <Instant at={b.updated_at} />
          {b.status_reason && <span class="note">{b.status_reason}</span>}
          {b.subsidy_fen > 0 && <span class="note">{t(`券冻结的 ${formatFen(b.subsidy_fen)} 已退回可用余额`, `The ${formatFen(b.subsidy_fen)} held on the voucher went back to its available balance`)}</span>}
        </li>
      )}
    </ol>
  );
}

function Cancellation({ booking: b, offering, onCancelled }: { booking: Booking; offering: Offering; onCancelled: () => void }) {
  const { t, say } = useI18n();
  const cancel = useMemo(() => attempts(`cancel-${b.id}`), [b.id]);
  const [now] = useState(Date.now);
  const until_ms = Date.parse(b.starts_at) - offering.cancellation_notice_minutes * 60_000;
  const [ruleZh, ruleEn] = cancellationRule(offering.cancellation_notice_minutes);
  const deadline = formatInstant(until_ms);
  const rule: Bilingual = [`${ruleZh}；本预约的取消期限是 ${deadline}（北京时间）`, `${ruleEn}; this booking's deadline is ${deadline} (Beijing time)`];
  const form = useForm({
    initial: { reason: "" },
    specs: LIMITS.bookingCancellation,
    confirmFirst: true,
    submit: async (values) => {
      const body = values.reason.trim() ? { reason: values.reason.trim() } : {};
      try {
        // The route's typed input drops its optional header (see bookings.routes.ts `move`): sent as a header option.
        await sendOnce(cancel, body, (key) => send(api.api.bookings[":id"].cancel.$post({ param: { id: b.id }, json: body }, { headers: { "Idempotency-Key": key } })));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.code === "cancellation_too_late") throw new ApiError(error.status, error.code, `不能取消：${rule[0]}。 / Cannot cancel: ${rule[1]}.`);
        throw error;
      }
      onCancelled();
    },
  });
  if (b.status !== "requested" && b.status !== "confirmed") return null;
  return (
    <section class="card" aria-labelledby="cancel">
      <h2 id="cancel">{t("取消预约", "Cancel")}</h2>
      <p>{say(rule)}</p>
      {until_ms <= now ? (
        <p class="message info">{t("已过取消期限，不能取消。如有问题请联系服务商。", "The deadline has passed, so it can no longer be cancelled. Contact the provider if something is wrong.")}</p>
      ) : (
        <form class="form" noValidate onSubmit={form.onSubmit} ref={form.ref}>
          <TextField form={form} name="reason" label={t("取消原因", "Reason")} />
          <FormStatus form={form} />
          <DangerSubmit
            form={form}
            busyLabel={t("取消中…", "Cancelling…")}
            confirmLabel={t("确认取消预约", "Yes, cancel the booking")}
            consequences={<CancellationConsequences booking={b} />}
          >
            {t("取消预约…", "Cancel the booking…")}
          </DangerSubmit>
        </form>
      )}
    </section>
  );
}

/** What cancelling does, said before it is done. */
function CancellationConsequences({ booking: b }: { booking: Booking }) {
  const { t } = useI18n();
  return (
    <ul>
      <li>{t("预约将被取消，时段释放给其他企业，服务商会收到通知。", "The booking is cancelled, its slots go back to others, and the provider is told.")}</li>
      {b.subsidy_fen > 0 && (
        <li>{t(`券冻结的补贴 ${formatFen(b.subsidy_fen)} 作废，退回券的可用余额。`, `The ${formatFen(b.subsidy_fen)} subsidy held on the voucher is voided and goes back to its available balance.`)}</li>
      )}
      <li>
        {t(
          `不产生费用：自付部分 ${formatFen(b.copay_fen)} 不会收取（平台不预收自付款；如已另行付给服务商，请向服务商申请退款）。`,
          `Nothing is charged: the ${formatFen(b.copay_fen)} co-pay is not collected (the platform takes no co-pay in advance; if you paid the provider separately, ask them for a refund).`,
        )}
      </li>
      <li>{t("取消后不能恢复，如需使用请重新预约。", "It cannot be restored; book again if you still need it.")}</li>
    </ul>
  );
}
