// Maintenance windows (停机维护) of an offering: the upcoming ones, each changed or removed in
// place, a form to add one and a form for recurring maintenance (weekly on chosen days, until a
// date). A window over booked slots is refused with the bookings in the way, which the provider
// may cancel only by ticking the forced version; nothing is cancelled silently.
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { addDays, beijingDate, beijingLocal, fromBeijingLocal } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { LIMITS } from "../shell/limits";
import { SelectField, TextField } from "../ui/fields";
import { DangerSubmit, FormStatus, SubmitButton, useForm, type Form, type Message, type Values } from "../ui/form";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { bookingsInTheWay, collisionRefusal, forceFields, InTheWay, type BookingInTheWay } from "./bookings-in-the-way";
import type { Offering } from "./offering-words";

type Window = Offering["blackouts"][number];

const localCheck = (value: string): Message | null => (fromBeijingLocal(value) ? null : ["请选择日期和时间", "Choose a date and time"]);
const endsAfterStart = (value: string, values: Values): Message | null => {
  const starts = fromBeijingLocal(values.starts_at ?? "");
  const ends = fromBeijingLocal(value);
  if (!ends) return ["请选择日期和时间", "Choose a date and time"];
  return starts && Date.parse(ends) <= Date.parse(starts) ? ["结束时间须晚于开始时间", "The window must end after it starts"] : null;
};

export function Blackouts({ offering, onAdded }: { offering: Offering; onAdded: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<string | null>(null);
  const [done, setDone] = useState<Bilingual | null>(null);
  const { say } = useI18n();
  const changed = (message: Bilingual) => {
    setEditing(null);
    setDone(message);
    onAdded();
  };
  const open = offering.status !== "retired";
  const editingWindow = offering.blackouts.find((w) => w.id === editing);
  return (
    <section class="card" aria-labelledby="blackouts" id="maintenance">
      <h2 id="blackouts">{t("停机维护", "Maintenance windows")}</h2>
      <div role="status">{done && <p class="message success">{say(done)}</p>}</div>
      <DataTable
        caption={t("即将到来的维护时段", "Upcoming maintenance windows")}
        rows={offering.blackouts}
        rowKey={(row) => row.id}
        empty={t("没有安排维护。", "No maintenance scheduled.")}
        columns={[
          { header: t("开始", "From"), cell: (row) => <Instant at={row.starts_at} /> },
          { header: t("结束", "Until"), cell: (row) => <Instant at={row.ends_at} /> },
          { header: t("原因", "Reason"), cell: (row) => row.reason },
          {
            header: t("操作", "Actions"),
            cell: (row) =>
              open ? (
                <button type="button" onClick={() => setEditing(editing === row.id ? null : row.id)} aria-expanded={editing === row.id ? "true" : "false"} aria-controls="blackout-edit">
                  {editing === row.id ? t("收起", "Close") : t("修改或删除", "Change or remove")}
                </button>
              ) : (
                "—"
              ),
          },
        ]}
      />
      <div id="blackout-edit">
        {editingWindow && (
          <>
            <BlackoutForm key={editingWindow.id} offering={offering} window={editingWindow} onDone={changed} />
            <RemoveBlackout key={`remove-${editingWindow.id}`} offering={offering} window={editingWindow} onDone={changed} />
          </>
        )}
      </div>
      {open && !editingWindow && (
        <>
          <BlackoutForm offering={offering} window={null} onDone={changed} />
          <SeriesForm offering={offering} onDone={changed} />
        </>
      )}
    </section>
  );
}

/** Runs a change that may collide with bookings; keeps the bookings in the way for the form to show. */
function useCollision() {
  const [collision, setCollision] = useState<{ bookings: BookingInTheWay[]; started: boolean } | null>(null);
  const attempt = async <T,>(request: () => Promise<T>): Promise<T> => {
    try {
      const result = await request();
      setCollision(null);
      return result;
    } catch (error) {
      const bookings = bookingsInTheWay(error);
      setCollision(bookings && { bookings, started: (error as { code?: string }).code === "bookings_in_progress" });
      throw bookings ? collisionRefusal(error, bookings) : error;
    }
  };
  return { collision, attempt };
}

const cancelledWords = (n: number, done: Bilingual): Bilingual => (n ? [`${done[0]}，并取消了 ${n} 个预约`, `${done[1]}; ${n} ${n === 1 ? "booking was" : "bookings were"} cancelled`] : done);

function ForceOrSubmit({ form, collision, label }: { form: Form<Values>; collision: { bookings: BookingInTheWay[]; started: boolean } | null; label: string }) {
  const { t } = useI18n();
  return (
    <>
      <FormStatus form={form} />
      {collision && <InTheWay bookings={collision.bookings} form={form} started={collision.started} />}
      <SubmitButton form={form} danger={form.values.force === "true"}>
        {form.values.force === "true" ? t("强制执行并取消这些预约", "Force it and cancel them") : label}
      </SubmitButton>
    </>
  );
}

function BlackoutForm({ offering, window, onDone }: { offering: Offering; window: Window | null; onDone: (message: Bilingual) => void }) {
  const { t } = useI18n();
  const { collision, attempt } = useCollision();
  const form = useForm({
    initial: {
      starts_at: window ? beijingLocal(Date.parse(window.starts_at)) : "",
      ends_at: window ? beijingLocal(Date.parse(window.ends_at)) : "",
      reason: window?.reason ?? "",
      force: "",
      notice: "",
    },
    specs: { ...LIMITS.blackout, starts_at: { ...LIMITS.blackout.starts_at, check: localCheck }, ends_at: { ...LIMITS.blackout.ends_at, check: endsAfterStart } },
    submit: async (values) => {
      const json = {
        starts_at: fromBeijingLocal(values.starts_at) as string,
        ends_at: fromBeijingLocal(values.ends_at) as string,
        reason: values.reason.trim(),
        ...forceFields(values),
      };
      if (window) {
        // A window under way keeps its start: send the start only when it moved.
        const moved = Date.parse(json.starts_at) !== Date.parse(window.starts_at);
        const { starts_at, ...rest } = json;
        const changed = await attempt(() =>
          send(api.api.offerings[":id"].blackouts[":blackout_id"].$patch({ param: { id: offering.id, blackout_id: window.id }, json: moved ? json : rest })),
        );
        onDone(cancelledWords(changed.cancelled_bookings.length, ["维护时段已修改", "Maintenance window changed"]));
        return;
      }
      const added = await attempt(() => send(api.api.offerings[":id"].blackouts.$post({ param: { id: offering.id }, json })));
      form.reset();
      onDone(cancelledWords(added.cancelled_bookings.length, ["已安排维护，期间不接受预约", "Maintenance scheduled; nothing can be booked during it"]));
    },
  });
  const title = window ? t("修改维护时段", "Change the maintenance window") : t("安排维护", "Schedule maintenance");
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-labelledby={`${form.id}-title`}>
      <h3 id={`${form.id}-title`}>{title}</h3>
      <p class="hint">
        {t(
          offering.slot_minutes === 60 ? "时间为北京时间，按整点时段停用。" : "时间为北京时间，按整天停用。",
          offering.slot_minutes === 60 ? "Beijing time; whole hourly slots are closed." : "Beijing time; whole days are closed.",
        )}
      </p>
      <div class="field-row">
        <TextField form={form} name="starts_at" label={t("开始时间", "Starts")} type="datetime-local" />
        <TextField form={form} name="ends_at" label={t("结束时间", "Ends")} type="datetime-local" />
      </div>
      <TextField form={form} name="reason" label={t("原因", "Reason")} placeholder={t("如 机房年度检修", "e.g. annual data-centre maintenance")} />
      <ForceOrSubmit form={form} collision={collision} label={window ? t("保存修改", "Save the change") : t("安排维护", "Schedule maintenance")} />
    </form>
  );
}

function RemoveBlackout({ offering, window, onDone }: { offering: Offering; window: Window; onDone: (message: Bilingual) => void }) {
  const { t } = useI18n();
  const begun = Date.parse(window.starts_at) < Date.now();
  const form = useForm({
    initial: {},
    specs: {},
    confirmFirst: true,
    submit: async () => {
      const result = await send(api.api.offerings[":id"].blackouts[":blackout_id"].$delete({ param: { id: offering.id, blackout_id: window.id } }));
      onDone(result.removed ? ["维护时段已删除，这些时段可以预约了", "Maintenance window removed; those slots can be booked again"] : ["维护已提前结束", "Maintenance ended now"]);
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-labelledby={`${form.id}-title`}>
      <h3 id={`${form.id}-title`}>{begun ? t("提前结束维护", "End the maintenance now") : t("删除维护时段", "Remove the maintenance window")}</h3>
      <FormStatus form={form} />
      <DangerSubmit
        form={form}
        confirmLabel={begun ? t("确认现在结束", "Yes, end it now") : t("确认删除", "Yes, remove it")}
        consequences={
          <p>
            {t(
              "删除后这些时段重新开放预约（仍被其他维护时段覆盖的除外）。",
              "Its slots open for booking again (unless another maintenance window still covers them).",
            )}
          </p>
        }
      >
        {begun ? t("现在结束维护", "End it now") : t("删除此维护时段", "Remove this window")}
      </DangerSubmit>
    </form>
  );
}

const WEEKDAY_CHOICES: [string, Bilingual][] = [
  ["1", ["周一", "Mon"]], ["2", ["周二", "Tue"]], ["3", ["周三", "Wed"]], ["4", ["周四", "Thu"]], ["5", ["周五", "Fri"]], ["6", ["周六", "Sat"]], ["7", ["周日", "Sun"]],
];
const HOURS = Array.from({ length: 25 }, (_, h) => [String(h), [`${String(h).padStart(2, "0")}:00`, `${String(h).padStart(2, "0")}:00`]] as const);

function SeriesForm({ offering, onDone }: { offering: Offering; onDone: (message: Bilingual) => void }) {
  const { t, say } = useI18n();
  const { collision, attempt } = useCollision();
  const today = beijingDate(Date.now());
  const form = useForm({
    initial: { weekdays: "", start_hour: "2", end_hour: "4", from_date: today, until_date: addDays(today, 27), reason: "", force: "", notice: "" },
    specs: {
      ...LIMITS.blackoutSeries,
      weekdays: { required: true, check: (v) => (v ? null : ["请至少选一天", "Choose at least one day"]) },
      end_hour: { required: true, check: (v, values) => (Number(v) > Number(values.start_hour) ? null : ["结束时刻须晚于开始时刻", "The window must end after it starts"]) },
      until_date: { required: true, check: (v, values) => (v >= (values.from_date ?? "") ? null : ["截止日期不能早于开始日期", "The last day cannot come before the first"]) },
    },
    submit: async (values) => {
      const json = {
        weekdays: values.weekdays.split(",").filter(Boolean).map(Number),
        start_hour: Number(values.start_hour),
        end_hour: Number(values.end_hour),
        from_date: values.from_date,
        until_date: values.until_date,
        reason: values.reason.trim(),
        ...forceFields(values),
      };
      const added = await attempt(() => send(api.api.offerings[":id"]["blackout-series"].$post({ param: { id: offering.id }, json })));
      form.reset();
      const n = added.blackouts.length;
      onDone(cancelledWords(added.cancelled_bookings.length, [`已安排 ${n} 个维护时段`, `${n} maintenance ${n === 1 ? "window" : "windows"} scheduled`]));
    },
  });
  const chosen = new Set(form.values.weekdays.split(",").filter(Boolean));
  const toggle = (day: string) => {
    const next = new Set(chosen);
    if (next.has(day)) next.delete(day);
    else next.add(day);
    form.set("weekdays", [...next].sort().join(","));
  };
  const weekdayError = form.errors.weekdays;
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-labelledby={`${form.id}-title`}>
      <h3 id={`${form.id}-title`}>{t("定期维护", "Recurring maintenance")}</h3>
      <p class="hint">
        {t("每周在选定的日子、同一时段停用，直到截止日期；每次最多生成 20 个时段，之后可逐个修改或删除。", "The same hours on the chosen weekdays every week until the last day; at most 20 windows at once, each changed or removed on its own later.")}
      </p>
      <fieldset class="choices inline" aria-describedby={weekdayError ? `${form.id}-weekdays-error` : undefined}>
        <legend>{t("每周的哪几天", "Which weekdays")}</legend>
        {WEEKDAY_CHOICES.map(([day, words]) => (
          <label key={day}>
            <input type="checkbox" name="weekdays" checked={chosen.has(day)} onChange={() => toggle(day)} aria-invalid={weekdayError ? "true" : undefined} />
            {say(words)}
          </label>
        ))}
        {weekdayError && <p id={`${form.id}-weekdays-error`} class="field-error">{say(weekdayError)}</p>}
      </fieldset>
      <div class="field-row">
        <SelectField form={form} name="start_hour" label={t("开始时刻", "From")} options={HOURS.slice(0, 24)} />
        <SelectField form={form} name="end_hour" label={t("结束时刻", "Until")} options={HOURS.slice(1)} />
      </div>
      <div class="field-row">
        <TextField form={form} name="from_date" label={t("开始日期", "First day")} type="date" />
        <TextField form={form} name="until_date" label={t("截止日期", "Last day")} type="date" />
      </div>
      <TextField form={form} name="reason" label={t("原因", "Reason")} placeholder={t("如 每周例行维护", "e.g. weekly routine maintenance")} />
      <ForceOrSubmit form={form} collision={collision} label={t("安排定期维护", "Schedule recurring maintenance")} />
    </form>
  );
}
