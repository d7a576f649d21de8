// The programme form's tier overrides (start-ups, domestic compute, size classes): a list of
// small groups of fields, added and removed in place. The most favourable applicable tier wins.
import { useI18n } from "../shell/i18n";
import { optionsOf, SIZE_CLASS } from "../shell/labels";
import { CheckboxGroup } from "../ui/choices";
import { SelectField, TextField } from "../ui/fields";
import type { Form, Values } from "../ui/form";
import { TIER_KIND } from "./programme-terms";
import { MAX_TIERS, tierCount, tierKey, tierValues, withoutTier } from "./programme-values";

export function TierFields({ form }: { form: Form<Values> }) {
  const { t } = useI18n();
  const count = tierCount(form.values);
  const add = () => form.setMany({ ...tierValues(count, null), "tiers.count": String(count + 1) });
  return (
    <div class="tiers">
      <h3>{t("优惠档", "Tier overrides")}</h3>
      <p class="hint">
        {t("符合条件的企业按更高比例补贴，多个档适用时取最高者。", "Qualifying enterprises get a higher ratio; when several tiers apply, the highest wins.")}
      </p>
      {Array.from({ length: count }, (_, i) => (
        <Tier key={i} form={form} index={i} />
      ))}
      {count < MAX_TIERS && (
        <button type="button" onClick={add}>
          {t("添加优惠档", "Add a tier")}
        </button>
      )}
    </div>
  );
}

function Tier({ form, index }: { form: Form<Values>; index: number }) {
  const { t } = useI18n();
  const kind = form.values[tierKey(index, "kind")];
  const number = index + 1;
  return (
    <fieldset class="tier">
      <legend>{t(`优惠档 ${number}`, `Tier ${number}`)}</legend>
      <div class="field-row">
        <SelectField form={form} name={tierKey(index, "kind")} label={t("适用对象", "Applies to")} options={optionsOf(TIER_KIND)} />
        <TextField form={form} name={tierKey(index, "name")} label={t("档位名称", "Tier name")} />
        <TextField form={form} name={tierKey(index, "ratio_bp")} label={t("该档补贴比例（%）", "Tier ratio (%)")} inputMode="decimal" />
        {kind === "startup" && (
          <TextField form={form} name={tierKey(index, "max_age_years")} label={t("成立不满（年）", "Founded less than (years)")} inputMode="numeric" />
        )}
      </div>
      {kind === "size_class" && <CheckboxGroup form={form} name={tierKey(index, "size_classes")} label={t("适用企业规模", "Sizes")} options={optionsOf(SIZE_CLASS)} />}
      {kind === "domestic_compute" && <p class="hint">{t("预约国产加速卡的算力资源时适用。", "Applies to bookings of offerings with domestic accelerators.")}</p>}
      <button type="button" class="link" onClick={() => form.setMany(withoutTier(form.values, index))}>
        {t(`删除优惠档 ${number}`, `Remove tier ${number}`)}
      </button>
    </fieldset>
  );
}
