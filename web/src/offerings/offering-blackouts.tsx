// Maintenance windows (停机维护) of an offering: the upcoming ones, and a form to add one. A window
// over booked slots is refused with the bookings in the way, which the provider may cancel.
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { fromBeijingLocal } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { LIMITS } from "../shell/limits";
import { TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Message, type Values } from "../ui/form";
import { DataTable } from "../ui/table";
import { Instant } from "../ui/values";
import { bookingsInTheWay, collisionRefusal, forceFields, InTheWay, type BookingInTheWay } from "./bookings-in-the-way";
import type { Offering } from "./offering-words";

const localCheck = (value: string): Message | null => (fromBeijingLocal(value) ? null : ["请选择日期和时间", "Choose a date and time"]);
const endsAfterStart = (value: string, values: Values): Message | null => {
  const starts = fromBeijingLocal(values.starts_at ?? "");
  const ends = fromBeijingLocal(value);
  if (!ends) return ["请选择日期和时间", "Choose a date and time"];
  return starts && Date.parse(ends) <= Date.parse(starts) ? ["结束时间须晚于开始时间", "The window must end after it starts"] : null;
};

export function Blackouts({ offering, onAdded }: { offering: Offering; onAdded: () => void }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="blackouts">
      <h2 id="blackouts">{t("停机维护", "Maintenance windows")}</h2>
      <DataTable
        caption={t("即将到来的维护时段", "Upcoming maintenance windows")}
        rows={offering.blackouts}
        rowKey={(row) => row.id}
        empty={t("没有安排维护。", "No maintenance scheduled.")}
        columns={[
          { header: t("开始", "From"), cell: (row) => <Instant at={row.starts_at} /> },
          { header: t("结束", "Until"), cell: (row) => <Instant at={row.ends_at} /> },
          { header: t("原因", "Reason"), cell: (row) => row.reason },
        ]}
      />
      {offering.status !== "retired" && <BlackoutForm offering={offering} onAdded={onAdded} />}
    </section>
  );
}

function BlackoutForm({ offering, onAdded }: { offering: Offering; onAdded: () => void }) {
  const { t } = useI18n();
  const [collision, setCollision] = useState<{ bookings: BookingInTheWay[]; started: boolean } | null>(null);
  const form = useForm({
    initial: { starts_at: "", ends_at: "", reason: "", force: "", notice: "" },
    specs: { ...LIMITS.blackout, starts_at: { ...LIMITS.blackout.starts_at, check: localCheck }, ends_at: { ...LIMITS.blackout.ends_at, check: endsAfterStart } },
    submit: async (values) => {
      const json = {
        starts_at: fromBeijingLocal(values.starts_at) as string,
        ends_at: fromBeijingLocal(values.ends_at) as string,
        reason: values.reason.trim(),
        ...forceFields(values),
      };
      let added;
      try {
        added = await send(api.api.offerings[":id"].blackouts.$post({ param: { id: offering.id }, json }));
      } catch (error) {
        const bookings = bookingsInTheWay(error);
        setCollision(bookings && { bookings, started: (error as { code?: string }).code === "bookings_in_progress" });
        throw bookings ? collisionRefusal(error, bookings) : error;
      }
      setCollision(null);
      form.reset();
      onAdded();
      const cancelled = added.cancelled_bookings.length;
      const message: Bilingual = cancelled
        ? [`已安排维护，并取消了 ${cancelled} 个预约`, `Maintenance scheduled; ${cancelled} bookings were cancelled`]
        : ["已安排维护，期间不接受预约", "Maintenance scheduled; nothing can be booked during it"];
      return message;
    },
  });
  return (
    <form class="subform" noValidate onSubmit={form.onSubmit} ref={form.ref} aria-labelledby={`${form.id}-title`}>
      <h3 id={`${form.id}-title`}>{t("安排维护", "Schedule maintenance")}</h3>
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
      <FormStatus form={form} />
      {collision && <InTheWay bookings={collision.bookings} form={form} started={collision.started} />}
      <SubmitButton form={form} danger={form.values.force === "true"}>{form.values.force === "true" ? t("强制安排并取消这些预约", "Force it and cancel them") : t("安排维护", "Schedule maintenance")}</SubmitButton>
    </form>
  );
}
