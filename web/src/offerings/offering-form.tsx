// Publishing an offering and changing it. The fields follow the category: compute has the
// accelerator, cards per node and the domestic flag; a dataset its licence, access mode and
// sensitivity. A change that cuts capacity below what is booked is refused with the bookings in
// the way; the provider may then force it, cancelling those bookings.
import { useState } from "preact/hooks";
import { api, send } from "../shell/api";
import { wholeNumberCheck, yuanCheck } from "../shell/checks";
import { useI18n, type Bilingual } from "../shell/i18n";
import { OFFERING_STATUS, optionsOf } from "../shell/labels";
import { navigate } from "../shell/router";
import { SelectField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type FieldSpec, type Values } from "../ui/form";
import { bookingsInTheWay, collisionRefusal, FORCE_SPECS, forceFields, InTheWay, type BookingInTheWay } from "./bookings-in-the-way";
import { BookingRuleFields, ResourceFields } from "./offering-fields";
import { hoursCheck, newOfferingBody, offeringChangeBody, offeringToValues, WEEKDAYS } from "./offering-values";
import { unitName, type Offering } from "./offering-words";

export const OFFERINGS_PATH = "/provider/offerings";
const MAX_UNIT_PRICE_FEN = 1_000_000_000;
const ACCELERATOR_MODEL = /^[A-Za-z0-9][A-Za-z0-9 .\-_]*$/;

function specsFor(values: Values): Record<string, FieldSpec> {
  const category = values.category;
  const weekly = values["weekly_hours.mode"] === "weekly";
  const specs: Record<string, FieldSpec> = {
    category: { required: true },
    name: { required: true, maxLength: 200 },
    description: { maxLength: 4000 },
    unit: category === "platform_service" ? { required: true, maxLength: 30, pattern: /^[\p{L}\p{N}_\- ]+$/u } : { required: true },
    unit_minutes: category === "platform_service" ? { required: true, check: wholeNumberCheck({ minimum: 60, maximum: 366 * 24 * 60 }) } : {},
    slot_minutes: category === "platform_service" ? { required: true } : {},
    unit_price_fen: { required: true, check: yuanCheck({ minimum: 0, maximum: MAX_UNIT_PRICE_FEN }) },
    capacity_units: { required: true, check: wholeNumberCheck({ minimum: 0, maximum: 100_000 }) },
    accelerator_model: category === "compute" ? { required: true, maxLength: 60, pattern: ACCELERATOR_MODEL, patternMessage: MODEL_PATTERN } : {},
    cards_per_node: category === "compute" ? { required: true, check: wholeNumberCheck({ minimum: 1, maximum: 64 }) } : {},
    domestic: {},
    licence_terms: category === "dataset" ? { required: true, maxLength: 4000 } : {},
    access_mode: category === "dataset" ? { required: true } : {},
    sensitivity_level: category === "dataset" ? { required: true } : {},
    min_duration_units: { required: true, check: wholeNumberCheck({ minimum: 1, maximum: 10_000 }) },
    max_duration_units: { check: wholeNumberCheck({ minimum: 1, maximum: 10_000 }) },
    lead_time_minutes: { required: true, check: wholeNumberCheck({ minimum: 0, maximum: 720 }) },
    cancellation_notice_minutes: { required: true, check: wholeNumberCheck({ minimum: 0, maximum: 720 }) },
    requires_confirmation: {},
    status: { required: true },
    "weekly_hours.mode": { required: true, check: (mode, all) => (mode === "weekly" && WEEKDAYS.every((d) => !all[`weekly_hours.${d}`]?.trim()) ? NO_HOURS : null) },
    ...FORCE_SPECS,
  };
  for (const day of WEEKDAYS) specs[`weekly_hours.${day}`] = weekly ? { check: hoursCheck } : {};
  return specs;
}

const MODEL_PATTERN: Bilingual = ["型号只含字母、数字、空格和 .-_，如 Ascend 910B", "Letters, digits, spaces and .-_ only, e.g. Ascend 910B"];
const NO_HOURS: Bilingual = ["请至少填写一天的开放时段", "Give the open hours of at least one day"];

/** Which statuses the form offers: a draft may stay a draft or be published; nothing goes back to draft. */
function statusOptions(offering: Offering | null, canPublish: boolean) {
  const all = optionsOf(OFFERING_STATUS);
  if (!offering) return canPublish ? all.filter(([s]) => s !== "retired") : all.filter(([s]) => s === "draft");
  if (offering.status === "draft") return all.filter(([s]) => s === "draft" || (canPublish && s === "active"));
  return all.filter(([s]) => s !== "draft");
}

export function OfferingForm({ offering, onSaved, canPublish = true }: { offering: Offering | null; onSaved?: (message: Bilingual) => void; canPublish?: boolean }) {
  const { t, say } = useI18n();
  const [collision, setCollision] = useState<{ bookings: BookingInTheWay[]; started: boolean } | null>(null);
  const form = useForm<Values>({
    initial: { ...offeringToValues(offering), ...(offering || canPublish ? {} : { status: "draft" }), force: "", notice: "" },
    specs: specsFor,
    submit: async (values) => {
      try {
        if (!offering) {
          const created = await send(api.api.offerings.$post({ json: newOfferingBody(values) }));
          navigate(`${OFFERINGS_PATH}?id=${created.id}&${created.status === "draft" ? "drafted" : "published"}`);
          return;
        }
        const change = offeringChangeBody(offering, values);
        if (!Object.keys(change).length) return NOTHING_CHANGED;
        const changed = await send(api.api.offerings[":id"].$patch({ param: { id: offering.id }, json: { ...change, ...forceFields(values) } }));
        setCollision(null);
        const cancelled = changed.cancelled_bookings.length;
        onSaved?.(cancelled ? [`已保存，并取消了 ${cancelled} 个预约`, `Saved; ${cancelled} bookings were cancelled`] : ["已保存修改", "Changes saved"]);
      } catch (error) {
        const bookings = bookingsInTheWay(error);
        setCollision(bookings && { bookings, started: (error as { code?: string }).code === "bookings_in_progress" });
        throw bookings ? collisionRefusal(error, bookings) : error;
      }
    },
  });
  const unit = say(offering ? unitName(offering.unit) : form.values.category === "platform_service" ? [form.values.unit || "计价单位", form.values.unit || "unit"] : unitName(form.values.unit ?? ""));
  return (
    <form class="card offering-form" noValidate onSubmit={form.onSubmit} ref={form.ref}>
      <ResourceFields form={form} offering={offering} />
      <fieldset class="group">
        <legend>{t("价格与容量", "Price and capacity")}</legend>
        <div class="field-row">
          <TextField form={form} name="unit_price_fen" label={t(`单价（元/${unit}）`, `Price (CNY per ${unit})`)} inputMode="decimal" />
          <TextField form={form} name="capacity_units" label={t("同时可用数量（容量）", "Units usable at once (capacity)")} inputMode="numeric" hint={t("卡、节点、席位或会话数", "Cards, nodes, seats or sessions")} />
        </div>
      </fieldset>
      <BookingRuleFields form={form} />
      <SelectField form={form} name="status" label={t("状态", "Status")} options={statusOptions(offering, canPublish)} hint={t("草稿不公开、不可预约，审核通过后可发布", "A draft is not public and cannot be booked; publish it once approved")} />
      {form.values.status === "retired" && offering?.status !== "retired" && (
        <p class="message warning">{t("下架后不能再修改或恢复，已有预约不受影响。", "A retired offering can no longer change or come back; existing bookings stay.")}</p>
      )}
      <FormStatus form={form} />
      {collision && <InTheWay bookings={collision.bookings} form={form} started={collision.started} />}
      <div class="buttons">
        <SubmitButton form={form} danger={form.values.force === "true"}>{offering ? (form.values.force === "true" ? t("强制保存并取消这些预约", "Force the change and cancel them") : t("保存修改", "Save changes")) : form.values.status === "draft" ? t("保存草稿", "Save the draft") : t("发布资源", "Publish")}</SubmitButton>
        {!offering && (
          <button type="button" onClick={() => navigate(OFFERINGS_PATH)}>
            {t("取消", "Cancel")}
          </button>
        )}
      </div>
    </form>
  );
}

const NOTHING_CHANGED: Bilingual = ["没有修改任何内容", "Nothing was changed"];
