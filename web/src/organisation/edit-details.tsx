// Editing the organisation's details, for its admins (docs/accounts.md). Contact details change
// at once; an enterprise's legal name and the facts that decide eligibility (credit code, region,
// size, founding date) send it back to agency verification, so the form asks before it sends such
// a change.
import { api, send } from "../shell/api";
import { creditCodeCheck } from "../shell/checks";
import { useI18n } from "../shell/i18n";
import { optionsOf, SIZE_CLASS } from "../shell/labels";
import { REGION_CODE } from "../../../src/domain/region";
import type { Me } from "../shell/session";
import { CreditCodeField, SelectField, TextField } from "../ui/fields";
import { DangerSubmit, FormStatus, SubmitButton, useForm } from "../ui/form";
import { RegionPicker } from "../ui/region-picker";

type Organisation = Me["organisation"];
type SizeClass = Organisation["size_class"];
/** What an agency verified against an enterprise's licence (agencies' names are plain details). */
const VERIFIED = ["name", "credit_code", "region_code", "size_class", "founded_on"] as const;
const PHONE = /^\+?[0-9][0-9 -]{4,28}$/;

/** The API's limits (src/routes/account OrganisationChangeBody). */
const DETAIL_LIMITS = {
  name: { required: true, maxLength: 200 },
  address: { maxLength: 300 },
  legal_representative: { maxLength: 100 },
  contact_phone: { maxLength: 30, pattern: PHONE },
  credit_code: { required: true, maxLength: 18, check: creditCodeCheck },
  region_code: { required: true, maxLength: 6, pattern: REGION_CODE },
  size_class: { required: true },
  founded_on: { required: true },
};

export function EditDetailsCard({ org, onSaved }: { org: Organisation; onSaved: () => void }) {
  const { t } = useI18n();
  const enterprise = org.kind === "sme" || org.kind === "provider";
  const initial = {
    name: org.name,
    address: org.address ?? "",
    legal_representative: org.legal_representative ?? "",
    contact_phone: org.contact_phone ?? "",
    credit_code: org.credit_code,
    region_code: org.region_code,
    size_class: org.size_class as string,
    founded_on: org.founded_on,
  };
  const verifiedChanged = (values: typeof initial) => enterprise && VERIFIED.some((field) => values[field].trim() !== initial[field]);
  const form = useForm({
    initial,
    specs: DETAIL_LIMITS,
    confirmFirst: verifiedChanged,
    submit: async (values) => {
      const optional = (value: string) => (value.trim() === "" ? null : value.trim());
      const changed = await send(
        api.api.organisations[":id"].$patch({
          param: { id: org.id },
          json: {
            name: values.name.trim(),
            address: optional(values.address),
            contact_phone: optional(values.contact_phone),
            ...(enterprise
              ? {
                  legal_representative: optional(values.legal_representative),
                  credit_code: values.credit_code.trim(),
                  region_code: values.region_code.trim(),
                  size_class: values.size_class as SizeClass,
                  founded_on: values.founded_on,
                }
              : {}),
          },
        }),
      );
      onSaved();
      return changed.verification_state === "unverified" && verifiedChanged(values)
        ? ["已保存。名称或资格信息已修改，请重新上传营业执照并提交核验。", "Saved. The name or eligibility facts changed: upload the business licence and submit for verification again."]
        : ["已保存。", "Saved."];
    },
  });
  return (
    <section class="card" aria-labelledby="edit-details">
      <h2 id="edit-details">{t("修改机构信息", "Edit the organisation's details")}</h2>
      <form noValidate onSubmit={form.onSubmit} ref={form.ref}>
        {!enterprise && <TextField form={form} name="name" label={t("机构名称", "Name")} />}
        <TextField form={form} name="address" label={t("注册地址", "Address")} autoComplete="street-address" />
        {enterprise && <TextField form={form} name="legal_representative" label={t("法定代表人", "Legal representative")} />}
        <TextField form={form} name="contact_phone" autoComplete="tel" label={t("联系电话", "Contact telephone")} />
        {enterprise && (
          <fieldset>
            <legend>{t("核验信息（修改后需重新核验）", "Verified facts (changing one needs verification again)")}</legend>
            <TextField form={form} name="name" label={t("机构名称", "Name")} />
            <CreditCodeField form={form} name="credit_code" label={t("统一社会信用代码", "Unified social credit code")} />
            <RegionPicker form={form} name="region_code" label={t("注册地区", "Registered region")} />
            <SelectField form={form} name="size_class" label={t("企业规模", "Size class")} options={optionsOf(SIZE_CLASS)} />
            <TextField form={form} name="founded_on" type="date" label={t("成立日期", "Founding date")} />
          </fieldset>
        )}
        <FormStatus form={form} />
        {verifiedChanged(form.values) ? (
          <DangerSubmit
            form={form}
            confirmLabel={t("确认修改并重新核验", "Change and verify again")}
            consequences={
              <p>
                {t(
                  "修改机构名称或资格信息后，本机构回到“未核验”状态：在主管部门重新核验前，新的券申请不能获批。已发放的券不受影响。",
                  "Changing the name or an eligibility fact puts the organisation back to unverified: no new voucher application can be approved until an agency verifies it again. Vouchers already issued are unaffected.",
                )}
              </p>
            }
          >
            {t("保存修改", "Save changes")}
          </DangerSubmit>
        ) : (
          <SubmitButton form={form}>{t("保存修改", "Save changes")}</SubmitButton>
        )}
      </form>
    </section>
  );
}
