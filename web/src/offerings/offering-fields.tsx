// The offering form's groups of fields: the resource (its category, unit and the category's own
// fields) and how it can be booked (durations, notice, confirmation, weekly opening hours).
import { useEffect } from "preact/hooks";
import { STANDARD_UNITS } from "../../../src/domain/offering-units";
import { useI18n, type Bilingual } from "../shell/i18n";
import { OFFERING_CATEGORY, OFFERING_UNIT, optionsOf } from "../shell/labels";
import { CheckboxField, RadioGroup, SelectField, TextArea, TextField } from "../ui/fields";
import type { Form, Values } from "../ui/form";
import { UNITS_BY_CATEGORY, unitMinutesOf, WEEKDAYS, type Category } from "./offering-values";
import { durationName, minutesWords, type Offering } from "./offering-words";

const ACCESS_MODES: [string, Bilingual, Bilingual][] = [
  ["sandbox", ["沙箱内使用（可用不可见）", "Sandbox only (usable but not visible)"], ["在隐私计算沙箱内训练，原始数据不出域。", "Used inside a privacy-computing sandbox; raw data never leaves."]],
  ["download", ["下载", "Download"], ["企业可以下载数据集。", "The enterprise may download the dataset."]],
];

const SENSITIVITY: [string, Bilingual][] = [
  ["public", ["公开", "Public"]],
  ["internal", ["内部", "Internal"]],
  ["sensitive", ["敏感", "Sensitive"]],
];

const SLOTS: [string, Bilingual, Bilingual][] = [
  ["60", ["按小时", "Hourly"], ["整点开始，按小时计占用。", "Starts on the hour; capacity counted per hour."]],
  ["1440", ["按天", "Daily"], ["北京时间0点开始，按天计占用。", "Starts at midnight Beijing time; capacity counted per day."]],
];

const WEEKDAY_NAMES: Record<(typeof WEEKDAYS)[number], Bilingual> = {
  "1": ["周一", "Monday"],
  "2": ["周二", "Tuesday"],
  "3": ["周三", "Wednesday"],
  "4": ["周四", "Thursday"],
  "5": ["周五", "Friday"],
  "6": ["周六", "Saturday"],
  "7": ["周日", "Sunday"],
};

/** The pricing unit: one of the category's standard units, or a platform service's own. */
export function UnitFields({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  const category = form.values.category as Category;
  const standard = category === "platform_service" ? null : UNITS_BY_CATEGORY[category];
  // A new category brings its own units: keep the unit one the category has.
  useEffect(() => {
    if (standard && !standard.includes(form.values.unit as never)) form.set("unit", standard[0] as string);
    if (!standard && form.values.unit && form.values.unit in OFFERING_UNIT) form.set("unit", "");
  }, [category]);
  if (standard) {
    return <SelectField form={form} name="unit" label={t("计价单位", "Pricing unit")} options={standard.map((unit) => [unit, OFFERING_UNIT[unit]] as const)} />;
  }
  return (
    <>
      <div class="field-row">
        <TextField form={form} name="unit" label={t("计价单位名称", "Unit name")} hint={t("如 人次、次", "e.g. visit, run")} />
        <TextField form={form} name="unit_minutes" label={t("每个计价单位的时长（分钟）", "Minutes per unit")} inputMode="numeric" hint={t("至少60分钟，且为时段长度的整数倍", "At least 60, a whole number of slots")} />
      </div>
      <RadioGroup form={form} name="slot_minutes" label={t("预约粒度", "Slot granularity")} options={SLOTS} />
    </>
  );
}

export function CategoryFields({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  if (form.values.category === "compute") {
    return (
      <>
        <div class="field-row">
          <TextField form={form} name="accelerator_model" label={t("加速卡型号", "Accelerator model")} hint={t("如 Ascend 910B、H800", "e.g. Ascend 910B, H800")} spellcheck={false} />
          <TextField form={form} name="cards_per_node" label={t("每节点卡数", "Cards per node")} inputMode="numeric" />
        </div>
        <CheckboxField form={form} name="domestic" label={t("国产加速卡（部分项目按更高比例补贴）", "Domestic accelerators (some programmes subsidise them at a higher ratio)")} />
      </>
    );
  }
  if (form.values.category === "dataset") {
    return (
      <>
        <TextArea form={form} name="licence_terms" label={t("许可条款", "Licence terms")} rows={3} hint={t("用途限制、禁止事项等", "Permitted use, what is forbidden")} />
        <RadioGroup form={form} name="access_mode" label={t("使用方式", "Access mode")} options={ACCESS_MODES} />
        <SelectField form={form} name="sensitivity_level" label={t("敏感级别", "Sensitivity")} options={SENSITIVITY} />
      </>
    );
  }
  return null;
}

export function WeeklyHoursFields({ form }: { form: Form<Values> }) {
  const { t, say } = useI18n();
  return (
    <>
      <RadioGroup
        form={form}
        name="weekly_hours.mode"
        label={t("开放时间（北京时间）", "Opening hours (Beijing time)")}
        options={[
          ["always", ["全天候", "Around the clock"]],
          ["weekly", ["按星期设置", "By weekday"], ["每天填写整点时段，如 9-18；多段用逗号分隔；留空为当天不开放。", "Whole hours per day, e.g. 9-18; several separated by commas; blank for closed."]],
        ]}
      />
      {form.values["weekly_hours.mode"] === "weekly" && (
        <div class="field-row weekdays">
          {WEEKDAYS.map((day) => (
            <TextField key={day} form={form} name={`weekly_hours.${day}`} label={say(WEEKDAY_NAMES[day])} placeholder="9-18" />
          ))}
        </div>
      )}
    </>
  );
}

/** What the resource is: its category and unit (fixed once published), name and own fields. */
export function ResourceFields({ form, offering }: { form: Form<Values>; offering: Offering | null }) {
  const { t, say } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t("资源", "Resource")}</legend>
      {offering ? (
        <p>
          {say(OFFERING_CATEGORY[offering.category])} · {t("计价单位：", "Unit: ")}
          {say(OFFERING_UNIT[offering.unit as keyof typeof OFFERING_UNIT] ?? [offering.unit, offering.unit])}
        </p>
      ) : (
        <RadioGroup form={form} name="category" label={t("类别", "Category")} options={optionsOf(OFFERING_CATEGORY)} />
      )}
      <TextField form={form} name="name" label={t("名称", "Name")} />
      <TextArea form={form} name="description" label={t("介绍", "Description")} rows={3} />
      {!offering && <UnitFields form={form} />}
      <CategoryFields form={form} />
    </fieldset>
  );
}

/** How it can be booked: slot and unit, durations, notice periods, confirmation, opening hours. */
export function BookingRuleFields({ form }: { form: Form<Values> }) {
  const { t, say } = useI18n();
  const unitMinutes = unitMinutesOf(form.values);
  const duration = say(durationName(unitMinutes));
  return (
    <fieldset class="group">
      <legend>{t("预约规则", "Booking rules")}</legend>
      <p class="hint">{slotWords(form.values, unitMinutes, t)}</p>
      <div class="field-row">
        <TextField form={form} name="min_duration_units" label={t(`最短预约（${duration}）`, `Shortest booking (${duration})`)} inputMode="numeric" />
        <TextField form={form} name="max_duration_units" label={t(`最长预约（${duration}）`, `Longest booking (${duration})`)} inputMode="numeric" hint={t("留空为一年内任意长度", "Blank: anything up to a year")} />
        <TextField form={form} name="lead_time_minutes" label={t("至少提前预约（小时）", "Book at least (hours ahead)")} inputMode="numeric" />
        <TextField form={form} name="cancellation_notice_minutes" label={t("取消须提前（小时）", "Cancel at least (hours ahead)")} inputMode="numeric" />
      </div>
      <CheckboxField form={form} name="requires_confirmation" label={t("预约须经本机构确认（24小时内未确认自动失效）", "Bookings need our confirmation (they lapse if not confirmed within 24 hours)")} />
      <WeeklyHoursFields form={form} />
    </fieldset>
  );
}

function slotWords(values: Values, unitMinutes: number, t: (zh: string, en: string) => string): string {
  const slot = values.category === "platform_service" ? Number(values.slot_minutes) : (STANDARD_UNITS[values.unit as keyof typeof STANDARD_UNITS]?.slot_minutes ?? 60);
  const [unitZh, unitEn] = minutesWords(unitMinutes);
  const unit = t(unitZh, unitEn);
  return slot === 60
    ? t(`按整点预约，每个计价单位为${unit}。`, `Booked by the hour, on the hour; one unit is ${unit}.`)
    : t(`按天预约（北京时间0点起），每个计价单位为${unit}。`, `Booked by the day from midnight Beijing time; one unit is ${unit}.`);
}
