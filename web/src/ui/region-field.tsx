// An organisation's region in a form: the province → city → district picker (region-picker.tsx)
// with the label and hint that say which region is meant, and, when the form also asks for the
// credit code, the API's own check of the one against the other (src/domain/credit-code.ts): a
// warning beside the field, never a refusal. Sign-up (an enterprise's registered district) and the
// installation admin's agency forms (the region an agency governs: a province, a city or a
// district) use this one field.
import { creditCodeRegionWarning } from "../../../src/domain/credit-code";
import { regionName } from "../../../src/domain/region-names";
import { useI18n, type Bilingual } from "../shell/i18n";
import type { Form, Values } from "./form";
import { RegionPicker, useRegions } from "./region-picker";

/** What the region is: where an enterprise is registered, or what an agency governs. */
export type RegionMeaning = "registered" | "governed";

/** What a form says when the code is not six digits (the limits themselves are in shell/limits.ts, held to the API's). */
export const REGION_PATTERN_MESSAGE: Bilingual = ["行政区划代码应为6位数字，且不以0开头", "A region code is 6 digits, not starting with 0"];

/** The credit code and region disagree: the API's own words (a warning only), in a live region. */
function RegionWarning({ creditCode, regionCode }: { creditCode: string; regionCode: string }) {
  const { say } = useI18n();
  // The picker beside it has fetched the division data; until then the codes alone.
  const regions = useRegions();
  const warning = creditCodeRegionWarning(creditCode.replace(/\s+/g, "").toUpperCase(), regionCode, (code) => regions && regionName(regions, code));
  return <div aria-live="polite">{warning && <p class="message warning">{say(warning)}</p>}</div>;
}

export function RegionField<V extends Values>({ form, name, meaning, creditCode }: {
  form: Form<V>;
  name: keyof V & string;
  meaning: RegionMeaning;
  /** The form's credit code field, when it has one: the two are checked against each other. */
  creditCode?: keyof V & string;
}) {
  const { t } = useI18n();
  const governed = meaning === "governed";
  return (
    <>
      <RegionPicker
        form={form}
        name={name}
        level={governed ? "any" : "district"}
        label={governed ? t("管辖地区", "Region governed") : t("注册地区", "Registered region")}
        hint={
          governed
            ? t("选到省、市或区县均可：只选省即管辖全省，选到市即管辖全市。", "A province, a city or a district: a province alone governs the whole province, a city the whole city.")
            : t("营业执照上的住所所在区县", "The district of the registered address on the business licence")
        }
      />
      {creditCode && <RegionWarning creditCode={form.values[creditCode] ?? ""} regionCode={form.values[name] ?? ""} />}
    </>
  );
}
