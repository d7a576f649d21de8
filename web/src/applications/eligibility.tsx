// The eligibility explanation the API stores with an application: every criterion, passed or
// failed, with the reason and the numbers that decided it.
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { useI18n, type Bilingual } from "../shell/i18n";
import { SIZE_CLASS } from "../shell/labels";
import { Money } from "../ui/amounts";
import { RegionName, RegionNames } from "../ui/region-picker";

export type Application = InferResponseType<(typeof api.api)["voucher-applications"][":id"]["$get"], 200>;
export type Eligibility = Application["eligibility"];
type Criterion = Eligibility["criteria"][number];

const CRITERION: Record<Eligibility["criteria"][number]["name"], Bilingual> = {
  programme_open: ["项目状态", "Programme status"],
  application_window: ["申请期", "Application window"],
  region: ["注册地区", "Registered region"],
  size_class: ["企业规模", "Enterprise size"],
  credit_status: ["信用状态", "Credit status"],
  per_draw_limit: ["单次申领上限", "Limit per application"],
  annual_issuance_quota: ["企业年度申领额度", "Annual issuance quota"],
  budget: ["项目剩余预算", "Programme budget"],
};

/** Reads details.eligibility from a 422 not_eligible refusal, if that is what it carries. */
export function eligibilityOf(details: unknown): Eligibility | null {
  const eligibility = (details as { eligibility?: Eligibility } | undefined)?.eligibility;
  return eligibility && Array.isArray(eligibility.criteria) ? eligibility : null;
}

/** The dry run before the form (GET /api/programmes/:id/eligibility): the same criteria, no amount yet. */
export const loadEligibility = (programmeId: string) => send(api.api.programmes[":id"].eligibility.$get({ param: { id: programmeId } }));

export function EligibilityList({ eligibility, id, dryRun = false }: { eligibility: Eligibility; id: string; dryRun?: boolean }) {
  const { t, say } = useI18n();
  const failed = eligibility.criteria.filter((c) => !c.ok).length;
  return (
    <section class={`eligibility ${eligibility.eligible ? "passed" : "failed"}`} aria-labelledby={id}>
      <h3 id={id}>
        {dryRun
          ? eligibility.eligible
            ? t("你可以申请：全部条件符合", "You may apply: every criterion met")
            : t(`你目前不能申请：${failed} 项条件不符合`, `You cannot apply now: ${failed} ${failed === 1 ? "criterion" : "criteria"} not met`)
          : eligibility.eligible
            ? t("资格审查：全部条件符合", "Eligibility: every criterion met")
            : t(`资格审查：${failed} 项条件不符合`, `Eligibility: ${failed} ${failed === 1 ? "criterion" : "criteria"} not met`)}
      </h3>
      <ul class="criteria">
        {eligibility.criteria.map((criterion) => (
          <li key={criterion.name} class={criterion.ok ? "ok" : "failed"}>
            <span class="mark" aria-hidden="true">
              {criterion.ok ? "✓" : "✗"}
            </span>
            <span>
              <strong>{say(CRITERION[criterion.name])}</strong>
              <span class="visually-hidden">{criterion.ok ? t("：符合", ": met") : t("：不符合", ": not met")}</span>
              <span class="reason">
                <Reason criterion={criterion} />
              </span>
            </span>
          </li>
        ))}
      </ul>
      <p class="hint">
        {t("审查当日（北京时间）", "Checked on (Beijing time) ")}
        {eligibility.checked_on}
        {t(`，规则第 ${eligibility.programme_version} 版`, `, rules version ${eligibility.programme_version}`)}
        {/* An amount only where one could be granted: never beside a refusal no amount would cure. */}
        {eligibility.max_grantable_fen > 0 && (
          <>
            {t("；当日最多可获批 ", "; the most grantable that day was ")}
            <Money fen={eligibility.max_grantable_fen} />
          </>
        )}
      </p>
    </section>
  );
}

/**
 * One criterion's reason in the reader's language. Region and size are told from the facts the
 * criterion carries, by name ("北京市 海淀区 (110108)", "小型企业" / "Small"): the stored reason's
 * English half can only give codes. A criterion stored before those facts were kept, and every
 * other one, reads its stored reason.
 */
function Reason({ criterion: c }: { criterion: Criterion }) {
  const { t, say } = useI18n();
  if (c.name === "region" && c.region_code && c.eligible_region_prefixes) {
    return (
      <>
        {t("注册地", "Registered region ")}
        <RegionName code={c.region_code} />
        {c.ok ? t(" 属于适用地区：", " is within the eligible regions: ") : t(" 不在适用地区内；适用地区：", " is outside the eligible regions: ")}
        <RegionNames codes={c.eligible_region_prefixes} />
      </>
    );
  }
  if (c.name === "size_class" && c.size_class && c.eligible_size_classes) {
    const size = say(SIZE_CLASS[c.size_class]);
    const eligible = c.eligible_size_classes.map((s) => say(SIZE_CLASS[s])).join(t("、", ", "));
    return (
      <>
        {c.ok
          ? t(`企业规模为${size}，属于适用范围（${eligible}）`, `Enterprise size: ${size}, among those eligible (${eligible})`)
          : t(`企业规模为${size}，不在适用范围（${eligible}）内`, `Enterprise size: ${size}, not among those eligible (${eligible})`)}
      </>
    );
  }
  return <>{say(c.reason)}</>;
}
