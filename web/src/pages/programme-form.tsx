// Creating a programme (a draft whose pool is funded at once) and editing one: the full rules.
// An edit that changes the rules publishes them as the next version; what was priced on an
// earlier version keeps it, and the form says so before anyone saves.
import type { InferResponseType } from "hono/client";
import { api, send } from "../api";
import { yuanCheck } from "../checks";
import { parseYuan } from "../format";
import { attempts } from "../idempotency";
import { useI18n, type Bilingual } from "../i18n";
import { optionsOf, PROGRAMME_KIND, SIZE_CLASS } from "../labels";
import { navigate } from "../router";
import { CheckboxField, RadioGroup, SelectField, TextField } from "../ui/fields";
import { CheckboxGroup } from "../ui/choices";
import { FormStatus, SubmitButton, useForm, type FieldSpec, type Values } from "../ui/form";
import { TierFields } from "./programme-tiers";
import { closesAfterOpens, percentCheck, prefixesCheck, rulesToValues, tierSpecs, valuesToRules, wholeBetween } from "./programme-values";
import { CATEGORY_OPTIONS, SETTLEMENT_OPTIONS, VALIDITY_OPTIONS } from "./programme-terms";

export type ProgrammeDetail = InferResponseType<(typeof api.api.programmes)[":id"]["$get"], 200>;

const MAX_FEN = 1e13;
const amount = (minimum: number) => ({ check: yuanCheck({ minimum, maximum: MAX_FEN }) });

function specsFor(values: Values, creating: boolean): Record<string, FieldSpec> {
  const validity = values["rules.validity.kind"];
  return {
    name: { required: true, maxLength: 200 },
    kind: { required: true },
    ...(creating ? { budget_fen: { required: true, ...amount(1) } } : {}),
    "rules.eligible_categories": { required: true },
    "rules.cross_region": {},
    "rules.eligible_region_prefixes": { required: values["rules.cross_region"] !== "true", check: prefixesCheck },
    "rules.eligible_size_classes": { required: true },
    "rules.subsidy_ratio_bp": { required: true, check: percentCheck },
    "rules.per_booking_cap_fen": amount(0),
    "rules.annual_cap_fen": { required: true, ...amount(0) },
    "rules.full_coverage_threshold_fen": amount(0),
    "rules.max_voucher_fen": { required: true, ...amount(1) },
    "rules.validity.kind": { required: true },
    "rules.validity.days": validity === "days_from_issue" ? { required: true, check: wholeBetween(1, 3660) } : {},
    "rules.validity.end_on": validity === "fixed_end" ? { required: true } : {},
    "rules.settlement_mode": { required: true },
    "rules.application_opens_on": { required: true },
    "rules.application_closes_on": { required: true, check: closesAfterOpens },
    "rules.notice_days": { required: true, check: wholeBetween(0, 60) },
    "rules.exclude_related_parties": {},
    "tiers.count": {},
    ...tierSpecs(values),
  };
}

const createAttempts = attempts("programme");

export function ProgrammeForm({ programme }: { programme: ProgrammeDetail | null }) {
  const { t } = useI18n();
  const creating = programme === null;
  const initial: Values = {
    name: programme?.name ?? "",
    kind: programme?.kind ?? "compute",
    ...(creating ? { budget_fen: "" } : {}),
    ...rulesToValues(programme?.rules ?? null),
  };
  const form = useForm<Values>({
    initial,
    // Which checks apply follows the choices made (validity kind, cross-region, tiers).
    specs: (values) => specsFor(values, creating),
    submit: async (values) => {
      const rules = valuesToRules(values);
      const name = values.name?.trim() ?? "";
      if (!programme) {
        const json = { name, kind: values.kind as ProgrammeDetail["kind"], budget_fen: fenOf(values.budget_fen), rules };
        const key = createAttempts.keyFor(json);
        const created = await send(api.api.programmes.$post({ json, header: { "idempotency-key": key } })).finally(createAttempts.answered);
        navigate(`/agency/programmes?id=${created.id}`);
        return;
      }
      const rulesChanged = JSON.stringify(rules) !== JSON.stringify(programme.rules);
      const json = { ...(name !== programme.name ? { name } : {}), ...(rulesChanged ? { rules } : {}) };
      if (!json.name && !json.rules) return NOTHING_CHANGED;
      await send(api.api.programmes[":id"].$patch({ param: { id: programme.id }, json }));
      navigate(`/agency/programmes?id=${programme.id}&saved=${rulesChanged ? "version" : "name"}`);
    },
  });
  const nextVersion = (programme?.current_version ?? 0) + 1;
  return (
    <form class="card programme-form" noValidate onSubmit={form.onSubmit} ref={form.ref}>
      {programme && (
        <p class="message info" id="new-version-notice">
          {t(
            `修改规则后保存，将生成第 ${nextVersion} 版规则，自保存时起生效；已发放的券和已按旧版本定价的预约保持原规则。只改名称不会生成新版本。`,
            `Saving changed rules publishes them as version ${nextVersion}, in force from then on; vouchers already issued and bookings priced on an earlier version keep theirs. Renaming alone makes no new version.`,
          )}
        </p>
      )}
      <fieldset class="group">
        <legend>{t("基本信息", "Programme")}</legend>
        <TextField form={form} name="name" label={t("项目名称", "Name")} />
        <SelectField form={form} name="kind" label={t("券种", "Kind")} options={optionsOf(PROGRAMME_KIND)} />
        {creating && (
          <TextField
            form={form}
            name="budget_fen"
            label={t("预算（元）", "Budget (CNY)")}
            inputMode="decimal"
            hint={t("从本机构预算划入项目资金池；以后可追加。", "Moved from your agency's budget into the programme's pool; you can add more later.")}
          />
        )}
      </fieldset>
      <fieldset class="group">
        <legend>{t("适用范围", "Who and what")}</legend>
        <CheckboxGroup form={form} name="rules.eligible_categories" label={t("可补贴的资源类别", "Eligible resource categories")} options={CATEGORY_OPTIONS} />
        <CheckboxField form={form} name="rules.cross_region" label={t("跨区域通用（不限企业和服务商所在地区）", "Cross-region (enterprises and providers from any region)")} />
        {form.values["rules.cross_region"] !== "true" && (
          <TextField
            form={form}
            name="rules.eligible_region_prefixes"
            label={t("适用地区（行政区划代码前缀）", "Eligible regions (region-code prefixes)")}
            hint={t("如 11 表示北京市，3301 表示杭州市；多个用逗号分隔", "e.g. 11 for Beijing, 3301 for Hangzhou; separate several with commas")}
            inputMode="numeric"
          />
        )}
        <CheckboxGroup form={form} name="rules.eligible_size_classes" label={t("可申请的企业规模", "Eligible enterprise sizes")} options={optionsOf(SIZE_CLASS)} />
      </fieldset>
      <fieldset class="group">
        <legend>{t("补贴比例与上限", "Subsidy and caps")}</legend>
        <div class="field-row">
          <TextField form={form} name="rules.subsidy_ratio_bp" label={t("补贴比例（%）", "Subsidy ratio (%)")} inputMode="decimal" hint={t("如 20 表示合同金额的20%", "e.g. 20 for 20% of the contract")} />
          <TextField form={form} name="rules.full_coverage_threshold_fen" label={t("全额补贴门槛（元）", "Full-coverage threshold (CNY)")} inputMode="decimal" hint={t("合同金额在此以下（含）全额补贴；留空为无", "Contracts at or below this are covered in full; blank for none")} />
        </div>
        <TierFields form={form} />
        <div class="field-row">
          <TextField form={form} name="rules.per_booking_cap_fen" label={t("单笔补贴上限（元）", "Cap per booking (CNY)")} inputMode="decimal" hint={t("留空为不设单笔上限", "Blank for no per-booking cap")} />
          <TextField form={form} name="rules.annual_cap_fen" label={t("企业年度补贴上限（元）", "Annual cap per enterprise (CNY)")} inputMode="decimal" hint={t("按自然年（北京时间）累计", "Per calendar year, Beijing time")} />
          <TextField form={form} name="rules.max_voucher_fen" label={t("单次申领上限（元）", "Most per application (CNY)")} inputMode="decimal" hint={t("一次申请可申领的最高券面额", "The largest voucher one application may ask for")} />
        </div>
      </fieldset>
      <fieldset class="group">
        <legend>{t("有效期与结算", "Validity and settlement")}</legend>
        <RadioGroup form={form} name="rules.validity.kind" label={t("券的有效期", "Voucher validity")} options={VALIDITY_OPTIONS} />
        {form.values["rules.validity.kind"] === "days_from_issue" && (
          <TextField form={form} name="rules.validity.days" label={t("有效天数（发放当日算第1天）", "Days valid (the day of issue is day 1)")} inputMode="numeric" />
        )}
        {form.values["rules.validity.kind"] === "fixed_end" && <TextField form={form} name="rules.validity.end_on" label={t("有效期截止日", "Valid through")} type="date" />}
        <RadioGroup form={form} name="rules.settlement_mode" label={t("结算方式", "Settlement")} options={SETTLEMENT_OPTIONS} />
      </fieldset>
      <fieldset class="group">
        <legend>{t("申请与公示", "Applications and notice")}</legend>
        <div class="field-row">
          <TextField form={form} name="rules.application_opens_on" label={t("申请开始日期", "Applications open on")} type="date" />
          <TextField form={form} name="rules.application_closes_on" label={t("申请截止日期（含）", "Applications close on (inclusive)")} type="date" />
          <TextField form={form} name="rules.notice_days" label={t("兑付前公示天数", "Notice days before payout")} inputMode="numeric" />
        </div>
        <CheckboxField form={form} name="rules.exclude_related_parties" label={t("企业与服务商为关联方时不予补贴", "No subsidy when enterprise and provider are related parties")} />
      </fieldset>
      <FormStatus form={form} />
      <div class="buttons">
        <SubmitButton form={form}>{creating ? t("创建项目（草稿）", "Create programme (draft)") : t("保存修改", "Save changes")}</SubmitButton>
        <button type="button" onClick={() => navigate(programme ? `/agency/programmes?id=${programme.id}` : "/agency/programmes")}>
          {t("取消", "Cancel")}
        </button>
      </div>
    </form>
  );
}

const NOTHING_CHANGED: Bilingual = ["没有修改任何内容", "Nothing was changed"];

function fenOf(text: string | undefined): number {
  const parsed = parseYuan(text ?? "");
  if (!parsed.ok) throw new Error(`unchecked amount: ${text}`);
  return parsed.fen;
}
