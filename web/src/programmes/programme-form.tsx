// Creating a programme (a draft whose pool is funded at once) and editing one: the full rules.
// An edit that changes the rules publishes them as the next version; what was priced on an
// earlier version keeps it, and the form says so before anyone saves.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { MAX_PROGRAMME_DESCRIPTION_LENGTH } from "../../../src/domain/free-text";
import { freeTextCheck, yuanCheck } from "../shell/checks";
import { parseYuan } from "../shell/format";
import { attempts, sendOnce } from "../shell/idempotency";
import { useI18n, type Bilingual } from "../shell/i18n";
import { optionsOf, PROGRAMME_KIND } from "../shell/labels";
import { navigate } from "../shell/router";
import { SelectField, TextArea, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type FieldSpec, type Values } from "../ui/form";
import { ApplicationFields, ScopeFields, SubsidyFields, ValidityFields } from "./programme-fields";
import { closesAfterOpens, percentCheck, prefixesCheck, rulesToValues, tierSpecs, valuesToRules, wholeBetween } from "./programme-values";

export type ProgrammeDetail = InferResponseType<(typeof api.api.programmes)[":id"]["$get"], 200>;

const MAX_FEN = 1e13;
const amount = (minimum: number) => ({ check: yuanCheck({ minimum, maximum: MAX_FEN }) });

function specsFor(values: Values, creating: boolean): Record<string, FieldSpec> {
  const validity = values["rules.validity.kind"];
  return {
    name: { required: true, maxLength: 200 },
    description: { maxLength: MAX_PROGRAMME_DESCRIPTION_LENGTH, check: freeTextCheck(true) },
    kind: { required: true },
    ...(creating ? { budget_fen: { required: true, ...amount(1) } } : {}),
    "rules.eligible_categories": { required: true },
    "rules.cross_region": {},
    "rules.eligible_region_prefixes": { required: values["rules.cross_region"] !== "true", check: prefixesCheck },
    "rules.eligible_size_classes": { required: true },
    "rules.subsidy_ratio_bp": { required: true, check: percentCheck },
    "rules.per_booking_cap_fen": amount(0),
    "rules.annual_issuance_quota_fen": amount(0),
    "rules.annual_subsidy_cap_fen": amount(0),
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
    description: programme?.description ?? "",
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
      const description = values.description?.trim() ?? "";
      if (!programme) {
        const json = { name, ...(description ? { description } : {}), kind: values.kind as ProgrammeDetail["kind"], budget_fen: fenOf(values.budget_fen), rules };
        const created = await sendOnce(createAttempts, json, (key) => send(api.api.programmes.$post({ json, header: { "idempotency-key": key } })));
        navigate(`/agency/programmes?id=${created.id}`);
        return;
      }
      const rulesChanged = JSON.stringify(rules) !== JSON.stringify(programme.rules);
      // An empty description clears the one saved.
      const descriptionChanged = description !== (programme.description ?? "");
      const json = { ...(name !== programme.name ? { name } : {}), ...(descriptionChanged ? { description } : {}), ...(rulesChanged ? { rules } : {}) };
      if (!json.name && !descriptionChanged && !json.rules) return NOTHING_CHANGED;
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
        <TextArea
          form={form}
          name="description"
          rows={8}
          label={t("申报指南（选填）", "Description for applicants (optional)")}
          hint={t(
            `企业在申请页看到的说明，纯文本，保留换行，最多 ${MAX_PROGRAMME_DESCRIPTION_LENGTH} 字；暂不支持附件。修改说明不会生成新版本规则。`,
            `What enterprises read on the page they apply from: plain text, line breaks kept, at most ${MAX_PROGRAMME_DESCRIPTION_LENGTH} characters; attachments are not supported yet. Changing it publishes no new rules version.`,
          )}
        />
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
      <ScopeFields form={form} />
      <SubsidyFields form={form} />
      <ValidityFields form={form} />
      <ApplicationFields form={form} />
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
