// Registration for an SME or a provider with its first (admin) user. The credit code is checked
// in the browser with the same code the API uses (src/domain/credit-code.ts).
import { api, ApiError, send } from "../shell/api";
import { throttled } from "./sign-in";
import { blankToUndefined, creditCodeCheck } from "../shell/checks";
import { useI18n } from "../shell/i18n";
import { optionsOf, SIZE_CLASS } from "../shell/labels";
import { LIMITS } from "../shell/limits";
import { Link } from "../shell/router";
import { useSession } from "../shell/session";
import { CreditCodeField, RadioGroup, SelectField, TextField } from "../ui/fields";
import { FormStatus, SubmitButton, useForm, type Values } from "../ui/form";
import { Page } from "../ui/page";
import { RegionField, REGION_PATTERN_MESSAGE } from "../ui/region-field";

type Kind = "sme" | "provider";
type SizeClass = keyof typeof SIZE_CLASS;

const INITIAL = {
  "organisation.kind": "sme",
  "organisation.name": "",
  "organisation.credit_code": "",
  "organisation.region_code": "",
  "organisation.size_class": "",
  "organisation.founded_on": "",
  "organisation.address": "",
  "organisation.legal_representative": "",
  "organisation.contact_phone": "",
  "user.email": "",
  "user.display_name": "",
  "user.password": "",
  password_again: "",
};

function signupBody(values: typeof INITIAL) {
  return {
    organisation: {
      kind: values["organisation.kind"] as Kind,
      name: values["organisation.name"].trim(),
      credit_code: values["organisation.credit_code"].trim(),
      region_code: values["organisation.region_code"].trim(),
      size_class: values["organisation.size_class"] as SizeClass,
      founded_on: values["organisation.founded_on"],
      address: blankToUndefined(values["organisation.address"]),
      legal_representative: blankToUndefined(values["organisation.legal_representative"]),
      contact_phone: blankToUndefined(values["organisation.contact_phone"]),
    },
    user: {
      email: values["user.email"].trim(),
      display_name: values["user.display_name"].trim(),
      password: values["user.password"],
    },
  };
}

const samePassword = (value: string, values: Values) =>
  value === values["user.password"] ? null : (["两次输入的密码不一致", "The passwords do not match"] as const);

export function SignUpPage() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const form = useForm({
    initial: INITIAL,
    specs: {
      ...LIMITS.signup,
      "organisation.credit_code": { ...LIMITS.signup["organisation.credit_code"], check: creditCodeCheck },
      "organisation.region_code": { ...LIMITS.signup["organisation.region_code"], patternMessage: REGION_PATTERN_MESSAGE },
      password_again: { required: true, check: samePassword },
    },
    submit: async (values) => {
      try {
        signedIn(await send(api.api.auth.signup.$post({ json: signupBody(values) })));
      } catch (error) {
        throw error instanceof ApiError && error.status === 429 ? throttled(error) : error;
      }
    },
  });
  return (
    <Page
      title={t("注册", "Register")}
      lead={t(
        "中小企业注册后可申请算力券；服务商注册后须经主管部门审核，通过后才能发布资源。",
        "SMEs can apply for vouchers once registered; providers are reviewed by the funding agency before they can publish resources.",
      )}
    >
      <form class="card form" noValidate onSubmit={form.onSubmit} ref={form.ref}>
        <fieldset class="group">
          <legend>{t("机构信息", "Organisation")}</legend>
          <RadioGroup
            form={form}
            name="organisation.kind"
            label={t("机构类型", "Organisation type")}
            options={[
              ["sme", ["中小企业", "SME"], ["使用算力、数据等资源，申请和使用算力券", "Uses compute and data; applies for and spends vouchers"]],
              ["provider", ["服务商", "Provider"], ["提供算力、数据集、仿真或平台服务", "Offers compute, datasets, simulation or platform services"]],
            ]}
          />
          <TextField form={form} name="organisation.name" label={t("机构名称", "Organisation name")} autoComplete="organization" />
          <CreditCodeField
            form={form}
            name="organisation.credit_code"
            label={t("统一社会信用代码", "Unified social credit code")}
            hint={t("18位，见营业执照", "18 characters, on the business licence")}
          />
          <RegionField form={form} name="organisation.region_code" meaning="registered" creditCode="organisation.credit_code" />
          <SelectField
            form={form}
            name="organisation.size_class"
            label={t("企业规模", "Size class")}
            placeholder={t("请选择", "Choose…")}
            options={optionsOf(SIZE_CLASS)}
          />
          <TextField form={form} name="organisation.founded_on" type="date" label={t("成立日期", "Founding date")} />
          <TextField form={form} name="organisation.address" label={t("注册地址", "Registered address")} autoComplete="street-address" />
          <TextField form={form} name="organisation.legal_representative" label={t("法定代表人", "Legal representative")} />
          <TextField form={form} name="organisation.contact_phone" label={t("联系电话", "Contact phone")} autoComplete="tel" />
        </fieldset>
        <fieldset class="group">
          <legend>{t("联系人账号", "Contact user")}</legend>
          <TextField form={form} name="user.display_name" label={t("姓名", "Name")} autoComplete="name" />
          <TextField form={form} name="user.email" type="email" label={t("邮箱（登录用）", "Email (to sign in)")} autoComplete="email" spellcheck={false} />
          <TextField
            form={form}
            name="user.password"
            type="password"
            label={t("密码", "Password")}
            hint={t("至少10个字符", "At least 10 characters")}
            autoComplete="new-password"
          />
          <TextField form={form} name="password_again" type="password" label={t("再次输入密码", "Repeat the password")} autoComplete="new-password" />
        </fieldset>
        <FormStatus form={form} />
        <SubmitButton form={form} busyLabel={t("注册中…", "Registering…")}>
          {t("注册并登录", "Register and sign in")}
        </SubmitButton>
      </form>
      <p class="aside">
        {t("已有账号？", "Already registered?")} <Link href="/signin">{t("登录", "Sign in")}</Link>
      </p>
    </Page>
  );
}
