// One version of a programme's rules, read the way the rule is written: ratios in per cent,
// caps in yuan (inclusive, as Chinese rules read them), regions by code prefix.
import type { ComponentChildren } from "preact";
import { formatFen, formatRatio } from "../shell/format";
import { useI18n } from "../shell/i18n";
import { OFFERING_CATEGORY, SIZE_CLASS } from "../shell/labels";
import { SETTLEMENT, TIER_KIND } from "./programme-terms";
import type { Rules } from "./programme-values";
import { Facts } from "../ui/facts";
import { RegionNames } from "../ui/region-picker";

export function RulesFacts({ rules, validity }: { rules: Rules; validity: string }) {
  const { t, say } = useI18n();
  const none = t("不设", "None");
  const list = (items: string[]) => items.join(t("、", ", "));
  const rows: [string, ComponentChildren][] = [
    [t("可补贴类别", "Eligible categories"), list(rules.eligible_categories.map((c) => say(OFFERING_CATEGORY[c])))],
    [
      t("适用地区", "Eligible regions"),
      rules.cross_region ? t("跨区域通用", "Cross-region") : <RegionNames codes={rules.eligible_region_prefixes} />,
    ],
    [t("企业规模", "Enterprise sizes"), list(rules.eligible_size_classes.map((s) => say(SIZE_CLASS[s])))],
    [t("补贴比例", "Subsidy ratio"), formatRatio(rules.subsidy_ratio_bp)],
    [t("优惠档", "Tier overrides"), rules.tiers.length ? <Tiers rules={rules} /> : none],
    [t("全额补贴门槛", "Full coverage at or below"), rules.full_coverage_threshold_fen ? formatFen(rules.full_coverage_threshold_fen) : none],
    [t("单笔补贴上限", "Cap per booking"), rules.per_booking_cap_fen === null ? none : formatFen(rules.per_booking_cap_fen)],
    [t("企业年度申领额度", "Annual issuance quota per enterprise"), rules.annual_issuance_quota_fen === null ? none : formatFen(rules.annual_issuance_quota_fen)],
    [t("企业年度补贴上限", "Annual subsidy cap per enterprise"), rules.annual_subsidy_cap_fen === null ? none : formatFen(rules.annual_subsidy_cap_fen)],
    [t("单次申领上限", "Most per application"), formatFen(rules.max_voucher_fen)],
    [t("有效期", "Validity"), say(validity)],
    [t("结算方式", "Settlement"), say(SETTLEMENT[rules.settlement_mode])],
    [t("申请期", "Application window"), <><span class="nowrap">{rules.application_opens_on}</span> {t("至", "to")} <span class="nowrap">{rules.application_closes_on}</span></>],
    [t("兑付前公示", "Notice before payout"), t(`${rules.notice_days} 天`, `${rules.notice_days} days`)],
    [t("关联方交易", "Related parties"), rules.exclude_related_parties ? t("不予补贴", "Not subsidised") : t("不限制", "Not restricted")],
  ];
  return <Facts rows={rows} />;
}

function Tiers({ rules }: { rules: Rules }) {
  const { t, say } = useI18n();
  return (
    <ul class="plain">
      {rules.tiers.map((tier) => (
        <li key={tier.name}>
          <strong>{formatRatio(tier.ratio_bp)}</strong> {tier.name}
          <span class="reason">
            {say(TIER_KIND[tier.kind])}
            {tier.kind === "startup" && t(`：成立不满${tier.max_age_years}年`, `: founded under ${tier.max_age_years} years ago`)}
            {tier.kind === "size_class" && `${t("：", ": ")}${tier.size_classes.map((s) => say(SIZE_CLASS[s])).join(t("、", ", "))}`}
          </span>
        </li>
      ))}
    </ul>
  );
}
