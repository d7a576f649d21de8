// The programme form's groups of rule fields, each a fieldset named for the question it answers.
import { yearEndInWindow } from "../../../src/domain/validity";
import { useI18n } from "../shell/i18n";
import { optionsOf, SIZE_CLASS } from "../shell/labels";
import { CheckboxGroup } from "../ui/choices";
import { CheckboxField, RadioGroup, TextField } from "../ui/fields";
import type { Form, Values } from "../ui/form";
import { RegionPrefixesPicker } from "../ui/region-picker";
import { CATEGORY_OPTIONS, SETTLEMENT_OPTIONS, VALIDITY_OPTIONS } from "./programme-terms";
import { TierFields } from "./programme-tiers";

/** Which enterprises and resources: categories, regions (by prefix, or cross-region), sizes. */
export function ScopeFields({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t("适用范围", "Who and what")}</legend>
      <CheckboxGroup form={form} name="rules.eligible_categories" label={t("可补贴的资源类别", "Eligible resource categories")} options={CATEGORY_OPTIONS} />
      <CheckboxField form={form} name="rules.cross_region" label={t("跨区域通用（不限企业和服务商所在地区）", "Cross-region (enterprises and providers from any region)")} />
      {form.values["rules.cross_region"] !== "true" && (
        <RegionPrefixesPicker
          form={form}
          name="rules.eligible_region_prefixes"
          label={t("适用地区", "Eligible regions")}
          hint={t("选择省，可再选市、区县，然后添加；只选省即整个省适用，只选到市即整个市适用。可添加多个。", "Choose a province, optionally a city and a district, then add it: a province alone covers the whole province, a city the whole city. Add as many as apply.")}
        />
      )}
      <CheckboxGroup form={form} name="rules.eligible_size_classes" label={t("可申请的企业规模", "Eligible enterprise sizes")} options={optionsOf(SIZE_CLASS)} />
    </fieldset>
  );
}

/** The ratio, its tier overrides, full coverage and the caps, all inclusive. */
export function SubsidyFields({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t("补贴比例与上限", "Subsidy and caps")}</legend>
      <div class="field-row">
        <TextField form={form} name="rules.subsidy_ratio_bp" label={t("补贴比例（%）", "Subsidy ratio (%)")} inputMode="decimal" hint={t("如 20 表示合同金额的20%", "e.g. 20 for 20% of the contract")} />
        <TextField form={form} name="rules.full_coverage_threshold_fen" label={t("全额补贴门槛（元）", "Full-coverage threshold (CNY)")} inputMode="decimal" hint={t("合同金额在此以下（含）全额补贴；留空为无", "Contracts at or below this are covered in full; blank for none")} />
      </div>
      <TierFields form={form} />
      <div class="field-row">
        <TextField form={form} name="rules.per_booking_cap_fen" label={t("单笔补贴上限（元）", "Cap per booking (CNY)")} inputMode="decimal" hint={t("留空为不设单笔上限", "Blank for no per-booking cap")} />
        <TextField form={form} name="rules.annual_issuance_quota_fen" label={t("企业年度申领额度（元）", "Annual issuance quota per enterprise (CNY)")} inputMode="decimal" hint={t("当年获发券面额合计，按自然年（北京时间）；留空为不限", "Face value issued per calendar year, Beijing time; blank for none")} />
        <TextField form={form} name="rules.annual_subsidy_cap_fen" label={t("企业年度补贴上限（元）", "Annual subsidy cap per enterprise (CNY)")} inputMode="decimal" hint={t("当年使用的补贴合计，按自然年（北京时间）；留空为不限", "Subsidy used per calendar year, Beijing time; blank for none")} />
        <TextField form={form} name="rules.max_voucher_fen" label={t("单次申领上限（元）", "Most per application (CNY)")} inputMode="decimal" hint={t("一次申请可申领的最高券面额", "The largest voucher one application may ask for")} />
      </div>
    </fieldset>
  );
}

/** How long a voucher lasts, and how the subsidy is paid. */
export function ValidityFields({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t("有效期与结算", "Validity and settlement")}</legend>
      <RadioGroup form={form} name="rules.validity.kind" label={t("券的有效期", "Voucher validity")} options={VALIDITY_OPTIONS} />
      {form.values["rules.validity.kind"] === "days_from_issue" && (
        <TextField form={form} name="rules.validity.days" label={t("有效天数（发放当日算第1天）", "Days valid (the day of issue is day 1)")} inputMode="numeric" />
      )}
      {form.values["rules.validity.kind"] === "fixed_end" && <TextField form={form} name="rules.validity.end_on" label={t("有效期截止日", "Valid through")} type="date" />}
      <RadioGroup form={form} name="rules.settlement_mode" label={t("结算方式", "Settlement")} options={SETTLEMENT_OPTIONS} />
    </fieldset>
  );
}

/** When enterprises may apply, the notice before payout, and related parties. */
export function ApplicationFields({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t("申请与公示", "Applications and notice")}</legend>
      <div class="field-row">
        <TextField form={form} name="rules.application_opens_on" label={t("申请开始日期", "Applications open on")} type="date" />
        <TextField form={form} name="rules.application_closes_on" label={t("申请截止日期（含）", "Applications close on (inclusive)")} type="date" />
        <TextField form={form} name="rules.notice_days" label={t("兑付前公示天数", "Notice days before payout")} inputMode="numeric" />
      </div>
      <YearEndWarning form={form} />
      <CheckboxField form={form} name="rules.exclude_related_parties" label={t("企业与服务商为关联方时不予补贴", "No subsidy when enterprise and provider are related parties")} />
    </fieldset>
  );
}

/**
 * "Valid through 31 December of the year of issue" over a window that crosses a year end: vouchers
 * issued in its last days of that year are valid only days. A warning, never a refusal
 * (src/domain/validity.ts yearEndInWindow); it follows the fields as they are typed.
 */
function YearEndWarning({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  const values = form.values;
  const yearEnd = yearEndInWindow(
    { kind: values["rules.validity.kind"] as "end_of_issue_year" },
    values["rules.application_opens_on"] ?? "",
    values["rules.application_closes_on"] ?? "",
  );
  return (
    <div aria-live="polite">
      {yearEnd && (
        <p class="message warning" id="year-end-warning">
          {t(
            `申请期跨过 ${yearEnd}，而券的有效期为"发放当年12月31日前"：在 ${yearEnd} 前几天获发的券只能用几天，当天发放的只能用一天。可考虑改为自发放之日起若干天有效，或把申请期限定在一年之内。`,
            `The application window runs past ${yearEnd} and vouchers are valid through 31 December of the year of issue: one issued in the days before ${yearEnd} is usable only those days, one issued that day for a single day. Consider a number of days from issue, or a window within one year.`,
          )}
        </p>
      )}
    </div>
  );
}
