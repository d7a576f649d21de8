// Names and explanations of a programme's rule choices, in both languages, shared by the form
// that sets them and the page that shows them.
import type { Bilingual } from "../shell/i18n";
import { OFFERING_CATEGORY, optionsOf } from "../shell/labels";
import type { Rules, TierKind } from "./programme-values";

export const CATEGORY_OPTIONS = optionsOf(OFFERING_CATEGORY);

export const TIER_KIND: Record<TierKind, Bilingual> = {
  startup: ["初创企业", "Start-ups"],
  domestic_compute: ["国产算力", "Domestic compute"],
  size_class: ["按企业规模", "By enterprise size"],
};

export const SETTLEMENT: Record<Rules["settlement_mode"], Bilingual> = {
  tongdui: ["通兑", "Tongdui (provider paid the voucher part)"],
  tongyong: ["通用", "Tongyong (enterprise reimbursed)"],
};

export const SETTLEMENT_OPTIONS: [Rules["settlement_mode"], Bilingual, Bilingual][] = [
  ["tongdui", SETTLEMENT.tongdui, ["企业只付自付部分，补贴部分由主管部门兑付给服务商。", "The enterprise pays its share; the agency pays the provider the voucher part."]],
  ["tongyong", SETTLEMENT.tongyong, ["企业先全额支付，之后由主管部门报销补贴部分。", "The enterprise pays in full and is reimbursed the voucher part."]],
];

export const VALIDITY_OPTIONS: [Rules["validity"]["kind"], Bilingual, Bilingual][] = [
  ["end_of_issue_year", ["当年有效", "Calendar year of issue"], ["发放当年12月31日前有效（如成都）。", "Usable until 31 December of the year of issue (as in Chengdu)."]],
  ["days_from_issue", ["自发放起若干天", "Days from issue"], ["如广州两年、爱尔兰12个月；发放当日算第1天。", "e.g. two years in Guangzhou, 12 months in Ireland; the day of issue is day 1."]],
  ["fixed_end", ["固定截止日", "Fixed end date"], ["所有券在同一天到期。", "Every voucher lapses on the same day."]],
];
