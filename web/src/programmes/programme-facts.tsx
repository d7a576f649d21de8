// A programme's rules in plain words, each with its numbers: what an enterprise reads before it
// applies, and what a quote is later checked against.
import type { ComponentChildren } from "preact";
import type { InferResponseType } from "hono/client";
import { api, send } from "../shell/api";
import { formatFen, formatRatio } from "../shell/format";
import { useI18n, type Bilingual } from "../shell/i18n";
import { OFFERING_CATEGORY, SIZE_CLASS } from "../shell/labels";
import { Facts } from "../ui/facts";
import { RegionNames } from "../ui/region-picker";

export type Programme = InferResponseType<(typeof api.api.programmes)[":id"]["$get"], 200>;
export type ProgrammeSummary = InferResponseType<typeof api.api.programmes.$get, 200>["items"][number];
type Rules = Programme["rules"];
type Tier = Rules["tiers"][number];

export const loadOpenProgrammes = () => send(api.api.programmes.$get({ query: { status: "open", limit: "100" } }));
export const loadProgramme = (id: string) => send(api.api.programmes[":id"].$get({ param: { id } }));

/** Names of the programmes behind vouchers or applications: the open list, then any others one by one. */
export async function loadProgrammeNames(ids: readonly string[]): Promise<Map<string, ProgrammeSummary>> {
  const { items } = await loadOpenProgrammes();
  const byId = new Map(items.map((p) => [p.id, p]));
  const missing = [...new Set(ids)].filter((id) => !byId.has(id));
  for (const programme of await Promise.all(missing.map(loadProgramme))) byId.set(programme.id, programme);
  return byId;
}

// GB/T 2260 province-level codes: a programme's region prefixes start with one of these.
const PROVINCES: Record<string, Bilingual> = {
  "11": ["北京市", "Beijing"], "12": ["天津市", "Tianjin"], "13": ["河北省", "Hebei"], "14": ["山西省", "Shanxi"],
  "15": ["内蒙古自治区", "Inner Mongolia"], "21": ["辽宁省", "Liaoning"], "22": ["吉林省", "Jilin"], "23": ["黑龙江省", "Heilongjiang"],
  "31": ["上海市", "Shanghai"], "32": ["江苏省", "Jiangsu"], "33": ["浙江省", "Zhejiang"], "34": ["安徽省", "Anhui"],
  "35": ["福建省", "Fujian"], "36": ["江西省", "Jiangxi"], "37": ["山东省", "Shandong"], "41": ["河南省", "Henan"],
  "42": ["湖北省", "Hubei"], "43": ["湖南省", "Hunan"], "44": ["广东省", "Guangdong"], "45": ["广西壮族自治区", "Guangxi"],
  "46": ["海南省", "Hainan"], "50": ["重庆市", "Chongqing"], "51": ["四川省", "Sichuan"], "52": ["贵州省", "Guizhou"],
  "53": ["云南省", "Yunnan"], "54": ["西藏自治区", "Tibet"], "61": ["陕西省", "Shaanxi"], "62": ["甘肃省", "Gansu"],
  "63": ["青海省", "Qinghai"], "64": ["宁夏回族自治区", "Ningxia"], "65": ["新疆维吾尔自治区", "Xinjiang"],
};

export const SETTLEMENT_MODE: Record<Rules["settlement_mode"], { name: Bilingual; explained: Bilingual }> = {
  tongdui: {
    name: ["通兑", "Tongdui (voucher paid to the provider)"],
    explained: [
      "企业只向服务商支付自付部分；券的部分由主管部门兑付给服务商。",
      "You pay the provider only your co-pay; the agency pays the provider the voucher's part.",
    ],
  },
  tongyong: {
    name: ["通用", "Tongyong (pay in full, reimbursed)"],
    explained: [
      "企业先向服务商全额付款，补贴部分经审核兑付后返还给企业。",
      "You pay the provider in full; the subsidy is reimbursed to you once the claim is paid.",
    ],
  },
};

export function regionWords(rules: Pick<Rules, "cross_region" | "eligible_region_prefixes">, say: (m: Bilingual) => string, t: (zh: string, en: string) => string): string {
  if (rules.cross_region) return t("跨区域通用：不限企业和服务商所在地区", "Cross-region: enterprises and providers from any region");
  return rules.eligible_region_prefixes
    .map((prefix) => {
      const province = PROVINCES[prefix.slice(0, 2)];
      const where = province ? say(province) : "";
      if (prefix.length === 2) return t(`${where}（区划代码 ${prefix} 开头）`, `${where} (region codes starting ${prefix})`);
      return t(`${where}内区划代码 ${prefix} 开头的地区`, `Region codes starting ${prefix}${where ? ` (in ${where})` : ""}`);
    })
    .join(t("、", "; "));
}

function tierWords(tier: Tier, t: (zh: string, en: string) => string, say: (m: Bilingual) => string): string {
  const ratio = formatRatio(tier.ratio_bp);
  switch (tier.kind) {
    case "startup":
      return t(`成立不满${tier.max_age_years}年的初创企业：${ratio}`, `Start-ups founded less than ${tier.max_age_years} years ago: ${ratio}`);
    case "domestic_compute":
      return t(`国产算力或登记的MaaS服务：${ratio}`, `Domestic (国产) compute or registered MaaS: ${ratio}`);
    case "size_class":
      return t(`${tier.size_classes.map((s) => say(SIZE_CLASS[s])).join("、")}：${ratio}`, `${tier.size_classes.map((s) => say(SIZE_CLASS[s])).join(", ")} enterprises: ${ratio}`);
  }
}

/** The rules as a list of facts, in the order a person weighs them. */
/**
 * The programme's description (申报指南) as the agency wrote it: plain text rendered as text
 * (never HTML), its line breaks kept by CSS (.programme-guide: white-space: pre-line). Nothing
 * when the programme has none.
 */
export function ProgrammeGuide({ programme, headingId }: { programme: Pick<ProgrammeSummary, "description">; headingId: string }) {
  const { t } = useI18n();
  if (!programme.description) return null;
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("申报指南", "Guide for applicants")}</h2>
      <p class="programme-guide">{programme.description}</p>
    </section>
  );
}

export function ProgrammeRulesFacts({ programme }: { programme: ProgrammeSummary }) {
  const { t, say } = useI18n();
  const rules = programme.rules;
  const settlement = SETTLEMENT_MODE[rules.settlement_mode];
  const rows: [string, ComponentChildren][] = [
    [
      t("补贴比例", "Subsidy ratio"),
      <>
        <strong>{t(`合同金额的 ${formatRatio(rules.subsidy_ratio_bp)}`, `${formatRatio(rules.subsidy_ratio_bp)} of the contract`)}</strong>
        {rules.tiers.length > 0 && (
          <ul class="plain">
            {rules.tiers.map((tier) => (
              <li key={tier.name}>{tierWords(tier, t, say)}</li>
            ))}
            <li class="hint">{t("同时符合多档时，按比例最高的一档计算", "Where several tiers apply, the highest ratio counts")}</li>
          </ul>
        )}
      </>,
    ],
    [
      t("全额补贴", "Full coverage"),
      rules.full_coverage_threshold_fen > 0
        ? t(`单笔预约总价不超过 ${formatFen(rules.full_coverage_threshold_fen)}（含）的，由券全额支付`, `Bookings of ${formatFen(rules.full_coverage_threshold_fen)} or less are paid in full by the voucher`)
        : t("无", "None"),
    ],
    [
      t("单笔补贴上限", "Cap per booking"),
      rules.per_booking_cap_fen === null ? t("无单笔上限", "No cap per booking") : t(`每笔预约最多补贴 ${formatFen(rules.per_booking_cap_fen)}`, `At most ${formatFen(rules.per_booking_cap_fen)} per booking`),
    ],
    [
      t("企业年度申领额度", "Annual issuance quota per enterprise"),
      rules.annual_issuance_quota_fen === null
        ? t("不限：按次申领上限申领", "None: only the limit per application applies")
        : t(
            `每个自然年（北京时间）获发的券面额合计不超过 ${formatFen(rules.annual_issuance_quota_fen)}`,
            `At most ${formatFen(rules.annual_issuance_quota_fen)} of vouchers issued per calendar year (Beijing time)`,
          ),
    ],
    [
      t("企业年度补贴上限", "Annual subsidy cap per enterprise"),
      rules.annual_subsidy_cap_fen === null
        ? t("不限：补贴以券余额为限", "None: subsidy is bounded by the voucher balance")
        : t(
            `每个自然年（北京时间）使用的补贴合计不超过 ${formatFen(rules.annual_subsidy_cap_fen)}`,
            `At most ${formatFen(rules.annual_subsidy_cap_fen)} of subsidy used per calendar year (Beijing time)`,
          ),
    ],
    [t("单次申领上限", "Most per application"), formatFen(rules.max_voucher_fen)],
    [t("有效期", "Validity"), t(`${say(programme.validity)}；到期未用部分作废`, `${say(programme.validity)}; what is unused then lapses`)],
    [t("适用地区", "Regions"), rules.cross_region ? regionWords(rules, say, t) : <RegionNames codes={rules.eligible_region_prefixes} />],
    [t("适用企业规模", "Enterprise sizes"), rules.eligible_size_classes.map((s) => say(SIZE_CLASS[s])).join(t("、", ", "))],
    [t("适用资源", "Resources covered"), rules.eligible_categories.map((c) => say(OFFERING_CATEGORY[c])).join(t("、", ", "))],
    [t("申请期", "Application window"), t(`${rules.application_opens_on} 至 ${rules.application_closes_on}（含）`, `${rules.application_opens_on} to ${rules.application_closes_on} inclusive`)],
    [
      t("结算方式", "Settlement"),
      <>
        <strong>{say(settlement.name)}</strong>
        {t("：", ": ")}
        {say(settlement.explained)}
      </>,
    ],
    [
      t("关联方", "Related parties"),
      rules.exclude_related_parties
        ? t("企业与服务商为关联方（股东、法定代表人、关联企业）时不能使用本券", "Cannot be used with a provider that is a related party (shareholder, legal representative, affiliate)")
        : t("不限制", "No restriction"),
    ],
    [t("兑付公示期", "Public notice before payout"), t(`${rules.notice_days} 天`, `${rules.notice_days} days`)],
    [t("剩余可发放预算", "Budget left to issue"), t(`${formatFen(programme.pool.available_fen)}（总预算 ${formatFen(programme.budget_fen)}）`, `${formatFen(programme.pool.available_fen)} of ${formatFen(programme.budget_fen)}`)],
  ];
  return <Facts rows={rows} class="rules" />;
}
