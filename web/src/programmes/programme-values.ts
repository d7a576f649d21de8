// A programme's rules as the create/edit form holds them (strings keyed by the API's body paths,
// so the server's field issues land on the fields they name) and back. Money is typed in yuan
// and sent in fen, ratios typed in per cent and sent in basis points, both by string arithmetic.
import type { ProgrammeRules, Tier } from "../../../src/domain/programme-rules";
import { parseYuan, yuanInput } from "../shell/format";
import type { Bilingual } from "../shell/i18n";
import type { FieldSpec, Message, Values } from "../ui/form";

export type Rules = ProgrammeRules;
export type TierKind = Tier["kind"];
export const MAX_TIERS = 10;

const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

/** "20" → 2000, "12.5" → 1250, "0.01" → 1 basis point; null when not a percentage from 0 to 100. */
export function percentToBp(text: string): number | null {
  const match = PERCENT.exec(text.trim().replace(/%$/, ""));
  if (!match) return null;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return bp <= 10_000 ? bp : null;
}

/** 2000 → "20", 1250 → "12.5": a basis-point ratio as the form shows it. */
export function bpToPercent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  return rest ? `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}` : String(whole);
}

const REGION_PREFIX = /^\d{2,6}$/;
/** "11, 3301；4403" → ["11", "3301", "4403"]: commas, Chinese punctuation or spaces between. */
export const splitPrefixes = (text: string) => text.split(/[\s,，、;；]+/).filter(Boolean);

export const percentCheck = (value: string): Message | null =>
  percentToBp(value) === null ? ["请输入0到100之间的百分比，最多两位小数", "Enter a percentage from 0 to 100, at most two decimals"] : null;

export const prefixesCheck = (value: string, values: Values): Message | null => {
  const bad = splitPrefixes(value).filter((prefix) => !REGION_PREFIX.test(prefix));
  if (bad.length) return [`地区代码前缀应为2至6位数字：${bad.join("、")}`, `Region prefixes are 2 to 6 digits: ${bad.join(", ")}`];
  return values["rules.cross_region"] !== "true" && splitPrefixes(value).length === 0 ? REGION_NEEDED : null;
};

export const REGION_NEEDED: Bilingual = ["请至少填写一个地区代码前缀，或选择跨区域通用", "Name at least one region prefix, or make the programme cross-region"];

export const closesAfterOpens = (value: string, values: Values): Message | null =>
  values["rules.application_opens_on"] && value < (values["rules.application_opens_on"] ?? "")
    ? ["截止日期不能早于开始日期", "The window cannot close before it opens"]
    : null;

/** The form's values for a programme's rules (or the empty form for a new programme). */
export function rulesToValues(rules: Rules | null): Values {
  if (!rules) return EMPTY_RULES;
  const values: Values = {
    "rules.eligible_categories": rules.eligible_categories.join(","),
    "rules.cross_region": rules.cross_region ? "true" : "",
    "rules.eligible_region_prefixes": rules.eligible_region_prefixes.join(", "),
    "rules.eligible_size_classes": rules.eligible_size_classes.join(","),
    "rules.subsidy_ratio_bp": bpToPercent(rules.subsidy_ratio_bp),
    "rules.per_booking_cap_fen": rules.per_booking_cap_fen === null ? "" : yuanInput(rules.per_booking_cap_fen),
    "rules.annual_issuance_quota_fen": rules.annual_issuance_quota_fen === null ? "" : yuanInput(rules.annual_issuance_quota_fen),
    "rules.annual_subsidy_cap_fen": rules.annual_subsidy_cap_fen === null ? "" : yuanInput(rules.annual_subsidy_cap_fen),
    "rules.full_coverage_threshold_fen": rules.full_coverage_threshold_fen ? yuanInput(rules.full_coverage_threshold_fen) : "",
    "rules.max_voucher_fen": yuanInput(rules.max_voucher_fen),
    "rules.validity.kind": rules.validity.kind,
    "rules.validity.days": rules.validity.kind === "days_from_issue" ? String(rules.validity.days) : "",
    "rules.validity.end_on": rules.validity.kind === "fixed_end" ? rules.validity.end_on : "",
    "rules.settlement_mode": rules.settlement_mode,
    "rules.application_opens_on": rules.application_opens_on,
    "rules.application_closes_on": rules.application_closes_on,
    "rules.notice_days": String(rules.notice_days),
    "rules.exclude_related_parties": rules.exclude_related_parties ? "true" : "",
    "tiers.count": String(rules.tiers.length),
  };
  rules.tiers.forEach((tier, i) => Object.assign(values, tierValues(i, tier)));
  return values;
}

const EMPTY_RULES: Values = {
  "rules.eligible_categories": "compute",
  "rules.cross_region": "",
  "rules.eligible_region_prefixes": "",
  "rules.eligible_size_classes": "micro,small,medium",
  "rules.subsidy_ratio_bp": "",
  "rules.per_booking_cap_fen": "",
  "rules.annual_issuance_quota_fen": "",
  "rules.annual_subsidy_cap_fen": "",
  "rules.full_coverage_threshold_fen": "",
  "rules.max_voucher_fen": "",
  "rules.validity.kind": "end_of_issue_year",
  "rules.validity.days": "",
  "rules.validity.end_on": "",
  "rules.settlement_mode": "tongdui",
  "rules.application_opens_on": "",
  "rules.application_closes_on": "",
  "rules.notice_days": "7",
  "rules.exclude_related_parties": "true",
  "tiers.count": "0",
};

export const tierKey = (i: number, field: "kind" | "name" | "ratio_bp" | "max_age_years" | "size_classes") => `rules.tiers.${i}.${field}`;

export function tierValues(i: number, tier: Tier | null): Values {
  return {
    [tierKey(i, "kind")]: tier?.kind ?? "startup",
    [tierKey(i, "name")]: tier?.name ?? "",
    [tierKey(i, "ratio_bp")]: tier ? bpToPercent(tier.ratio_bp) : "",
    [tierKey(i, "max_age_years")]: tier?.kind === "startup" ? String(tier.max_age_years) : "",
    [tierKey(i, "size_classes")]: tier?.kind === "size_class" ? tier.size_classes.join(",") : "",
  };
}

export const tierCount = (values: Values) => Number(values["tiers.count"] ?? 0);

/** Each tier's fields' checks; which apply depends on the tier's kind. */
export function tierSpecs(values: Values): Record<string, FieldSpec> {
  const specs: Record<string, FieldSpec> = {};
  for (let i = 0; i < tierCount(values); i++) {
    const kind = values[tierKey(i, "kind")];
    specs[tierKey(i, "kind")] = { required: true };
    specs[tierKey(i, "name")] = { required: true, maxLength: 60 };
    specs[tierKey(i, "ratio_bp")] = { required: true, check: percentCheck };
    specs[tierKey(i, "max_age_years")] = kind === "startup" ? { required: true, check: wholeBetween(1, 20) } : {};
    specs[tierKey(i, "size_classes")] = kind === "size_class" ? { required: true } : {};
  }
  return specs;
}

export const wholeBetween =
  (min: number, max: number) =>
  (value: string): Message | null =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? null : [`请输入${min}到${max}之间的整数`, `Enter a whole number from ${min} to ${max}`];

/** Values after removing tier `index`: the later tiers move up one place. */
export function withoutTier(values: Values, index: number): Values {
  const count = tierCount(values);
  const changes: Values = { "tiers.count": String(count - 1) };
  for (let i = index; i < count - 1; i++) {
    const next = tierValues(i + 1, null);
    for (const key of Object.keys(next)) changes[key.replace(`.${i + 1}.`, `.${i}.`)] = values[key] ?? "";
  }
  return changes;
}

const fen = (text: string | undefined): number => {
  const parsed = parseYuan(text ?? "");
  if (!parsed.ok) throw new Error(`unchecked amount: ${text}`);
  return parsed.fen;
};
const bp = (text: string | undefined): number => percentToBp(text ?? "") as number;
const list = <T extends string>(text: string | undefined) => (text ?? "").split(",").filter(Boolean) as T[];

function tierOf(values: Values, i: number): Tier {
  const name = (values[tierKey(i, "name")] ?? "").trim();
  const ratio_bp = bp(values[tierKey(i, "ratio_bp")]);
  const kind = values[tierKey(i, "kind")] as TierKind;
  if (kind === "startup") return { kind, name, ratio_bp, max_age_years: Number(values[tierKey(i, "max_age_years")]) };
  if (kind === "size_class") return { kind, name, ratio_bp, size_classes: list(values[tierKey(i, "size_classes")]) };
  return { kind, name, ratio_bp };
}

function validityOf(values: Values): Rules["validity"] {
  const kind = values["rules.validity.kind"] as Rules["validity"]["kind"];
  if (kind === "days_from_issue") return { kind, days: Number(values["rules.validity.days"]) };
  if (kind === "fixed_end") return { kind, end_on: values["rules.validity.end_on"] ?? "" };
  return { kind };
}

/** The rules the API takes, from values the form has checked. */
export function valuesToRules(values: Values): Rules {
  const cross_region = values["rules.cross_region"] === "true";
  return {
    eligible_categories: list(values["rules.eligible_categories"]),
    eligible_region_prefixes: cross_region ? [] : splitPrefixes(values["rules.eligible_region_prefixes"] ?? ""),
    cross_region,
    eligible_size_classes: list(values["rules.eligible_size_classes"]),
    subsidy_ratio_bp: bp(values["rules.subsidy_ratio_bp"]),
    tiers: Array.from({ length: tierCount(values) }, (_, i) => tierOf(values, i)),
    per_booking_cap_fen: values["rules.per_booking_cap_fen"]?.trim() ? fen(values["rules.per_booking_cap_fen"]) : null,
    annual_issuance_quota_fen: values["rules.annual_issuance_quota_fen"]?.trim() ? fen(values["rules.annual_issuance_quota_fen"]) : null,
    annual_subsidy_cap_fen: values["rules.annual_subsidy_cap_fen"]?.trim() ? fen(values["rules.annual_subsidy_cap_fen"]) : null,
    full_coverage_threshold_fen: values["rules.full_coverage_threshold_fen"]?.trim() ? fen(values["rules.full_coverage_threshold_fen"]) : 0,
    max_voucher_fen: fen(values["rules.max_voucher_fen"]),
    validity: validityOf(values),
    settlement_mode: values["rules.settlement_mode"] as Rules["settlement_mode"],
    application_opens_on: values["rules.application_opens_on"] ?? "",
    application_closes_on: values["rules.application_closes_on"] ?? "",
    notice_days: Number(values["rules.notice_days"]),
    exclude_related_parties: values["rules.exclude_related_parties"] === "true",
  };
}
