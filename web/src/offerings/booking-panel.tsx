// Booking an offering: quantity, start and duration, a voucher or none → a live quote showing
// every term → book. The form's state, its quote and the booking itself are booking-form.ts's.
import { useEffect, useRef } from "preact/hooks";
import { ApiError } from "../shell/api";
import { formatFen, formatInstant } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { Link } from "../shell/router";
import { SelectField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton } from "../ui/form";
import { Loading, type Load } from "../ui/load";
import { BOOKINGS_PATH, QuoteTerms, refusalMessage } from "../bookings";
import type { Booking, BookingForm, QuoteData } from "./booking-form";
import { bookingTerms, durationName, quantityLabel, type Offering } from "./offering-words";
import type { ProgrammeSummary } from "../programmes";
import type { VoucherChoice } from "../vouchers";

const HOURS = Array.from({ length: 24 }, (_, h) => [String(h), [`${String(h).padStart(2, "0")}:00`, `${String(h).padStart(2, "0")}:00`]] as const);

export function BookingPanel(props: { offering: Offering; form: BookingForm; vouchers: readonly VoucherChoice[] }) {
  const { offering, form, vouchers } = props;
  const { t, say } = useI18n();
  const [durZh, durEn] = durationName(offering.unit_minutes);
  const voucherOptions = [["", ["不使用券（全价）", "No voucher (full price)"]] as const, ...vouchers.map((v) => [v.id, v.label] as const)];
  return (
    <form class="form booking" noValidate onSubmit={form.onSubmit} ref={form.ref}>
      <div class="field-row">
        <TextField form={form} name="quantity" label={say(quantityLabel(offering.unit))} hint={t(`最多 ${offering.capacity_units}`, `At most ${offering.capacity_units}`)} inputMode="numeric" autoComplete="off" />
        <TextField
          form={form}
          name="duration"
          label={t(`时长（${durZh}）`, `Duration (${durEn})`)}
          hint={t(`${offering.min_duration_units}–${offering.max_duration_units}`, `${offering.min_duration_units} to ${offering.max_duration_units}`)}
          inputMode="numeric"
          autoComplete="off"
        />
      </div>
      <div class="field-row">
        <TextField form={form} name="start_date" type="date" label={t("开始日期（北京时间）", "Start date (Beijing time)")} />
        {offering.slot_minutes === 60 && <SelectField form={form} name="start_hour" label={t("开始时间", "Start time")} options={HOURS} />}
      </div>
      <SelectField form={form} name="voucher_id" label={t("使用券", "Pay with a voucher")} options={voucherOptions} />
      <QuotePanel offering={offering} form={form} vouchers={vouchers} />
      <FormStatus form={form} />
      {form.booked && form.booked.request === JSON.stringify(form.quote.request) ? (
        <BookedNote booking={form.booked.booking} />
      ) : (
        <div class="booking-bar">
          <QuoteSummary form={form} />
          <SubmitButton form={form} busyLabel={t("预约中…", "Booking…")}>
            {t("确认预约", "Confirm booking")}
          </SubmitButton>
        </div>
      )}
      <p class="hint">{say(bookingTerms(offering))}</p>
    </form>
  );
}

function QuotePanel({ offering, form, vouchers }: { offering: Offering; form: BookingForm; vouchers: readonly VoucherChoice[] }) {
  const { t } = useI18n();
  const { request, load, fresh } = form.quote;
  const programme = vouchers.find((v) => v.id === form.values.voucher_id)?.programme;
  return (
    <section class="quote-panel" aria-labelledby="quote">
      <h3 id="quote">{t("报价", "Quote")}</h3>
      {!request ? (
        <p class="hint">{t("填好数量、开始时间和时长后显示报价。", "Fill in quantity, start and duration to see the price.")}</p>
      ) : (
        <div class={fresh ? undefined : "stale"} aria-busy={fresh ? undefined : "true"}>
          {!fresh && <p class="loading">{t("报价更新中…", "Updating the quote…")}</p>}
          <QuoteResult load={load} offering={offering} programme={programme} />
        </div>
      )}
    </section>
  );
}

/**
 * The price in one line beside the book button (on a phone a bar kept at the bottom of the
 * screen), and the one live region of the quote: a change is announced as this short summary,
 * not by re-reading the whole quote panel.
 */
function QuoteSummary({ form }: { form: BookingForm }) {
  const { t } = useI18n();
  const shown = form.quote.current(form.quote.request);
  const text = !form.quote.request
    ? t("填好后显示报价", "Fill in the form for a price")
    : shown === null
      ? t("报价更新中…", "Updating the quote…")
      : shown instanceof ApiError
        ? t("此时段不能预约，见上方说明", "This cannot be booked: see above")
        : t(`总价 ${formatFen(shown.gross_fen)}，自付 ${formatFen(shown.copay_fen)}`, `Total ${formatFen(shown.gross_fen)}, your co-pay ${formatFen(shown.copay_fen)}`);
  return (
    <p class="quote-summary" role="status">
      {text}
    </p>
  );
}

/** The quote, or why there is none in words a person can act on (the refusal a booking would get). */
function QuoteResult({ load, offering, programme }: { load: Load<QuoteData | null>; offering: Offering; programme: ProgrammeSummary | undefined }) {
  const { t, say } = useI18n();
  const { state } = load;
  if (state.status === "loading") return <Loading />;
  if (state.status === "failed") {
    return (
      <div role="alert" class="message error">
        <p>{say(refusalMessage(state.error))}</p>
        {state.error.status === 0 && (
          <button type="button" onClick={load.reload}>
            {t("重新报价", "Quote again")}
          </button>
        )}
      </div>
    );
  }
  const quote = state.data;
  if (!quote) return null;
  return (
    <>
      <Capacity quote={quote} />
      <QuoteTerms quote={quote} unit_minutes={offering.unit_minutes} programme={programme} />
      <CancelBy startsAt={quote.starts_at} notice={offering.cancellation_notice_minutes} />
    </>
  );
}

function Capacity({ quote }: { quote: QuoteData }) {
  const { t } = useI18n();
  const c = quote.capacity;
  if (c.available) return <p class="message success">{t("所选时段有足够的空闲数量。", "The chosen range has enough free units.")}</p>;
  const when = c.slot_start_at ? formatInstant(c.slot_start_at) : "";
  return (
    <p class="message error">
      {c.problem === "blacked_out"
        ? t(`${when} 起的时段处于维护停用期，请换一个时间。`, `The slot at ${when} is closed for maintenance: choose another time.`)
        : t(`${when} 起的时段只剩 ${c.free_units ?? 0} 个空闲，请减少数量或换一个时间。`, `Only ${c.free_units ?? 0} free in the slot at ${when}: book fewer or choose another time.`)}
    </p>
  );
}

function CancelBy({ startsAt, notice }: { startsAt: string; notice: number }) {
  const { t } = useI18n();
  const until = Date.parse(startsAt) - notice * 60_000;
  if (until <= Date.now()) {
    return <p class="message info">{t("注意：已在取消期限内，预约后不能取消。", "Note: this is within the cancellation notice, so it cannot be cancelled once booked.")}</p>;
  }
  return <p class="hint">{t(`可在 ${formatInstant(until)} 前取消（北京时间）。`, `Can be cancelled until ${formatInstant(until)} (Beijing time).`)}</p>;
}

function BookedNote({ booking }: { booking: Booking }) {
  const { t } = useI18n();
  // The book button it replaces had the keyboard: give it to the outcome.
  const note = useRef<HTMLDivElement>(null);
  useEffect(() => note.current?.focus(), []);
  return (
    <div class="message success booked" role="status" tabIndex={-1} ref={note}>
      <p>
        <strong>{booking.status === "requested" ? t("已提交预约，等待服务商确认。", "Booking requested: the provider will confirm it.") : t("预约成功，已确认。", "Booked and confirmed.")}</strong>
      </p>
      <p>
        {t(`自付 ${formatFen(booking.copay_fen)}；券冻结 ${formatFen(booking.subsidy_fen)}。`, `Your co-pay ${formatFen(booking.copay_fen)}; ${formatFen(booking.subsidy_fen)} held on the voucher.`)}
      </p>
      <p>
        <Link href={`${BOOKINGS_PATH}?id=${booking.id}`}>{t("查看预约", "View the booking")}</Link>
        {booking.voucher_id && (
          <>
            {" · "}
            <Link href={`/my-vouchers?id=${booking.voucher_id}`}>{t("查看券余额", "View the voucher")}</Link>
          </>
        )}
      </p>
    </div>
  );
}
