// Changing a booking from its page: extend it (while it has not ended) or reschedule it (before
// its start, until the offering's cancellation notice). Each asks the API for a quote first and
// shows what changes — the new range, total, voucher subsidy and co-pay — and only the explicit
// confirmation sends the change, with the co-pay the person saw as the most it may cost.
// Also the booking's status history (both parties see it) and its calendar file.
import type { InferResponseType } from "hono/client";
import { useMemo, useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { beijingLocal, formatFen, formatInstant, fromBeijingLocal } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { Figures, TimeRange } from "../ui/amounts";
import { TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm } from "../ui/form";
import { Loaded, useLoad } from "../ui/load";

type Booking = InferResponseType<(typeof api.api.bookings)[":id"]["$get"], 200>;
type ChangeQuote = InferResponseType<(typeof api.api.bookings)[":id"]["change-quote"]["$get"], 200>;
type Kind = ChangeQuote["kind"];

const rangeCheck = (value: string): Bilingual | null => (fromBeijingLocal(value) ? null : ["请填写日期和时间", "Give a date and a time"]);

/** The SME's change section: extension and reschedule, each quote → confirm. */
export function BookingChanges({ booking: b, onChanged }: { booking: Booking; onChanged: () => void }) {
  const { t } = useI18n();
  const [now] = useState(Date.now);
  const canExtend = (["requested", "confirmed", "in_use"] as const).includes(b.status as never) && Date.parse(b.ends_at) > now;
  const canReschedule = (b.status === "requested" || b.status === "confirmed") && Date.parse(b.starts_at) > now;
  if (!canExtend && !canReschedule) return null;
  return (
    <section class="card" aria-labelledby="booking-change">
      <h2 id="booking-change">{t("延长或改期", "Extend or reschedule")}</h2>
      <p class="hint">
        {t(
          "先查看新报价（按项目现行规则重新计算，并占用或释放券的冻结金额），确认后才会更改；容量不足、券余额或有效期不够时不会更改。",
          "See the new quote first (priced under the programme's current rules, growing or shrinking the voucher hold); nothing changes until you confirm, and nothing changes if capacity, the voucher's balance or its validity does not allow it.",
        )}
      </p>
      {canExtend && <ChangeForm kind="extend" booking={b} onChanged={onChanged} />}
      {canReschedule && <ChangeForm kind="reschedule" booking={b} onChanged={onChanged} />}
    </section>
  );
}

const WORDS: Record<Kind, { title: Bilingual; quote: Bilingual; confirm: Bilingual; busy: Bilingual; done: Bilingual }> = {
  extend: {
    title: ["延长预约", "Extend"],
    quote: ["查看延长报价", "Quote the extension"],
    confirm: ["确认延长", "Confirm the extension"],
    busy: ["延长中…", "Extending…"],
    done: ["预约已延长", "The booking was extended"],
  },
  reschedule: {
    title: ["改期", "Reschedule"],
    quote: ["查看改期报价", "Quote the new time"],
    confirm: ["确认改期", "Confirm the new time"],
    busy: ["改期中…", "Rescheduling…"],
    done: ["预约已改期", "The booking was rescheduled"],
  },
};

function ChangeForm({ kind, booking: b, onChanged }: { kind: Kind; booking: Booking; onChanged: () => void }) {
  const { t, say } = useI18n();
  const words = WORDS[kind];
  const tries = useMemo(() => attempts(`${kind}-${b.id}`), [b.id, kind]);
  const [quote, setQuote] = useState<ChangeQuote | null>(null);
  const lengthMs = Date.parse(b.ends_at) - Date.parse(b.starts_at);
  const initialStart = Date.parse(b.starts_at) + (kind === "reschedule" ? 24 * 3_600_000 : 0);
  const ask = useForm({
    initial: { starts_at: beijingLocal(initialStart), ends_at: beijingLocal(kind === "extend" ? Date.parse(b.ends_at) + 3_600_000 : initialStart + lengthMs) },
    // datetime-local values ("2026-03-03T10:00"), sent as Beijing instants.
    specs: kind === "extend" ? { starts_at: {}, ends_at: { required: true, maxLength: 16, check: rangeCheck } } : { starts_at: { required: true, maxLength: 16, check: rangeCheck }, ends_at: { required: true, maxLength: 16, check: rangeCheck } },
    submit: async (values) => {
      setQuote(null);
      const query = {
        kind,
        ends_at: fromBeijingLocal(values.ends_at) as string,
        ...(kind === "reschedule" ? { starts_at: fromBeijingLocal(values.starts_at) as string } : {}),
      };
      // A refusal (too late, the voucher ends first, a range the offering cannot take) reads as the API words it.
      setQuote(await send(api.api.bookings[":id"]["change-quote"].$get({ param: { id: b.id }, query })));
    },
  });
  const confirm = useForm({
    initial: {},
    specs: {},
    submit: async () => {
      if (!quote) return;
      const body = { ends_at: quote.quote.ends_at, max_copay_fen: quote.quote.copay_fen, ...(kind === "reschedule" ? { starts_at: quote.quote.starts_at } : {}) };
      // Refused (the last units just went, the voucher's balance changed): nothing changed, and the API says why.
      await sendOnce(tries, body, (key) =>
        kind === "extend"
          ? send(api.api.bookings[":id"].extend.$post({ param: { id: b.id }, json: body }, { headers: { "Idempotency-Key": key } }))
          : send(api.api.bookings[":id"].reschedule.$post({ param: { id: b.id }, json: body as typeof body & { starts_at: string } }, { headers: { "Idempotency-Key": key } })),
      );
      setQuote(null);
      onChanged();
      return words.done;
    },
  });
  const full = quote && !quote.quote.capacity.available;
  return (
    <div class="change">
      <h3>{say(words.title)}</h3>
      <form class="form" noValidate onSubmit={ask.onSubmit} ref={ask.ref} aria-label={say(words.title)}>
        <div class="field-row">
          {kind === "reschedule" && <TextField form={ask} name="starts_at" type="datetime-local" label={t("新的开始（北京时间）", "New start (Beijing time)")} />}
          <TextField form={ask} name="ends_at" type="datetime-local" label={t("新的结束（北京时间）", "New end (Beijing time)")} />
        </div>
        <FormStatus form={ask} />
        <SubmitButton form={ask} busyLabel={t("报价中…", "Quoting…")}>
          {say(words.quote)}
        </SubmitButton>
      </form>
      {quote && (
        <div class="quote" role="region" aria-label={t("新报价", "The new quote")}>
          <p>
            <TimeRange from={quote.quote.starts_at} to={quote.quote.ends_at} />
            {t("（北京时间）", " (Beijing time)")}
          </p>
          <Figures
            label={t("更改后的费用", "Cost after the change")}
            rows={[
              { label: t("总价", "Total price"), fen: quote.quote.gross_fen },
              { label: t("券补贴（冻结）", "Voucher subsidy (held)"), fen: quote.quote.subsidy_fen, sign: "-" },
              { label: t("自付", "Your co-pay"), fen: quote.quote.copay_fen, total: true },
            ]}
          />
          <p>
            {t(
              `与现在相比：自付 ${signed(quote.copay_change_fen)}，券冻结 ${signed(quote.subsidy_change_fen)}。`,
              `Compared with now: co-pay ${signed(quote.copay_change_fen)}, voucher hold ${signed(quote.subsidy_change_fen)}.`,
            )}
          </p>
          {full ? (
            <p class="message error" role="alert">
              {say(capacityWords(quote))}
            </p>
          ) : (
            <form class="form" noValidate onSubmit={confirm.onSubmit} ref={confirm.ref} aria-label={say(words.confirm)}>
              <FormStatus form={confirm} />
              <SubmitButton form={confirm} busyLabel={say(words.busy)}>
                {say(words.confirm)}
              </SubmitButton>
            </form>
          )}
        </div>
      )}
      {!quote && confirm.success && (
        <p class="message success" role="status">
          {say(confirm.success)}
        </p>
      )}
    </div>
  );
}

const signed = (fen: number) => (fen > 0 ? `+${formatFen(fen)}` : fen < 0 ? `−${formatFen(-fen)}` : formatFen(0));

function capacityWords(q: ChangeQuote): Bilingual {
  const c = q.quote.capacity;
  const when = c.slot_start_at ? formatInstant(c.slot_start_at) : "";
  return c.problem === "blacked_out"
    ? [`${when} 起的时段处于维护停用期，不能更改到此时间。`, `The slot from ${when} is blacked out; the booking cannot move there.`]
    : [`${when} 起的时段只剩 ${c.free_units ?? 0} 个单位，容量不足，不能更改。`, `Only ${c.free_units ?? 0} units are free from ${when}; there is not enough capacity.`];
}

type History = InferResponseType<(typeof api.api.bookings)[":id"]["history"]["$get"], 200>["items"];

const ACTIONS: Record<string, Bilingual> = {
  "booking.requested": ["提交预约（待服务商确认）", "Requested (awaiting the provider)"],
  "booking.confirmed": ["预约已确认", "Confirmed"],
  "booking.in_use": ["开始使用", "In use"],
  "booking.delivered": ["已交付", "Delivered"],
  "booking.cancelled": ["已取消", "Cancelled"],
  "booking.cancelled_by_provider": ["服务商取消（容量、维护、开放时间调整或下架）", "Cancelled by the provider (capacity, maintenance, opening hours or retirement)"],
  "booking.rejected": ["服务商拒绝", "Rejected"],
  "booking.lapsed": ["未确认而失效", "Lapsed"],
  "booking.extended": ["延长", "Extended"],
  "booking.rescheduled": ["改期", "Rescheduled"],
  "booking.slurm_account_set": ["设置 Slurm 账户", "Slurm account set"],
  "booking.delivery_confirmed": ["企业确认交付", "Delivery confirmed by the enterprise"],
  "booking.delivery_disputed": ["企业对交付提出异议", "Delivery disputed by the enterprise"],
  "booking.dispute_dismissed": ["异议被驳回", "Dispute dismissed"],
  "booking.dispute_upheld": ["异议成立", "Dispute upheld"],
};

/** The booking's history, oldest first; loaded again when the booking changes. */
export function BookingHistory({ booking: b }: { booking: Pick<Booking, "id" | "updated_at"> }) {
  const { t, say } = useI18n();
  const history = useLoad(() => send(api.api.bookings[":id"].history.$get({ param: { id: b.id } })), `${b.id}:${b.updated_at}`);
  return (
    <section class="card" aria-labelledby="booking-history">
      <h2 id="booking-history">{t("状态记录", "Status history")}</h2>
      <Loaded load={history}>
        {({ items }) => (
          <ol class="history">
            {items.map((e: History[number], i: number) => (
              <li key={i}>
                <span class="when">{formatInstant(e.at)}</span> {say(ACTIONS[e.action] ?? [e.action, e.action])}
                {e.actor_org_name && <span class="note"> · {e.actor_org_name}</span>}
                {e.change && (
                  <span class="note">
                    {" "}
                    · {formatInstant(e.change.from.starts_at)} – {formatInstant(e.change.from.ends_at)} → {formatInstant(e.change.to.starts_at)} – {formatInstant(e.change.to.ends_at)}
                    {t(`，总价 ${formatFen(e.change.gross_fen)}，自付 ${formatFen(e.change.copay_fen)}`, `, total ${formatFen(e.change.gross_fen)}, co-pay ${formatFen(e.change.copay_fen)}`)}
                  </span>
                )}
                {e.reason && <span class="note"> · {e.reason}</span>}
              </li>
            ))}
          </ol>
        )}
      </Loaded>
    </section>
  );
}

/**
 * Whether the booking is or will be taking place: requested (tentative), confirmed or in use, and
 * not yet over. Only such a booking is worth putting in a calendar; a cancelled, refused or lapsed
 * one, or one already over, is not. (Its file still exists: for a dead booking the API serves the
 * same event as STATUS:CANCELLED, so a calendar that imported it before updates it.)
 */
export function offersCalendar(b: Pick<Booking, "status" | "ends_at">, now: number): boolean {
  return (["requested", "confirmed", "in_use"] as const).includes(b.status as never) && Date.parse(b.ends_at) > now;
}

/** A link that downloads the booking as an .ics file for a calendar; nothing for a booking that will not take place. */
export function CalendarLink({ booking: b }: { booking: Booking }) {
  const { t } = useI18n();
  const [now] = useState(Date.now);
  if (!offersCalendar(b, now)) return null;
  return (
    <p>
      <a href={`/api/bookings/${b.id}/calendar.ics`} download={`${b.id}.ics`}>
        {t("加入日历（.ics）", "Add to calendar (.ics)")}
      </a>
    </p>
  );
}
