// Whether an enterprise may apply to a programme for an amount, criterion by criterion, each with
// a reason a person can act on (stored with the application, shown to the SME and the reviewer).
// Pure: every fact is read before. Caps are inclusive (DESIGN §4: "以下/以内" include the number).
import { joinBilingual } from "../lib/bilingual";
import { formatCny } from "./money";
import type { ProgrammeRules } from "./programme-rules";
import { regionMatches } from "./region";
import { knownRegionName } from "./regions-known";
import { sizeClassName, type SizeClass } from "./size-classes";

export type CriterionName =
  | "programme_open"
  | "application_window"
  | "region"
  | "size_class"
  | "credit_status"
  | "per_draw_limit"
  | "annual_issuance_quota"
  | "budget";

export interface Criterion {
  name: CriterionName;
  ok: boolean;
  /** "中文 / English", naming the numbers that decided it. */
  reason: string;
  /**
   * The region criterion's facts (absent for a cross-region programme): the enterprise's code and
   * the programme's prefixes, so a reader can name the places in its own language; the reason's
   * English half can only give the codes (the region data has Chinese names alone).
   */
  region_code?: string;
  eligible_region_prefixes?: string[];
  /** The size criterion's facts: the enterprise's class and the classes the programme accepts. */
  size_class?: SizeClass;
  eligible_size_classes?: SizeClass[];
}

export interface EligibilityFacts {
  programme_status: "draft" | "open" | "closed";
  rules: ProgrammeRules;
  enterprise: { region_code: string; size_class: SizeClass; credit_status: "good" | "blacklisted" };
  /** Today in Asia/Shanghai, 'YYYY-MM-DD'. */
  today: string;
  /**
   * The amount asked for; null for the dry run before the form (nothing typed yet): the amount
   * criteria then ask whether anything at all could be granted today.
   */
  requested_fen: number | null;
  /** Face value already issued to this enterprise by this programme in the current calendar year. */
  issued_this_year_fen: number;
  /** What the programme's pool can still issue. */
  pool_available_fen: number;
}

export interface Eligibility {
  eligible: boolean;
  criteria: Criterion[];
  /**
   * The most this enterprise could be granted today: min(per-draw limit, annual issuance quota left,
   * budget left); 0 when a criterion other than the amount ones fails (nothing could be granted).
   */
  max_grantable_fen: number;
}

function criterion(name: CriterionName, ok: boolean, reason: string): Criterion {
  return { name, ok, reason };
}

function programmeOpen(f: EligibilityFacts): Criterion {
  return f.programme_status === "open"
    ? criterion("programme_open", true, "项目正在受理 / The programme is open")
    : criterion("programme_open", false, "项目未开放申请 / The programme is not open for applications");
}

function applicationWindow(f: EligibilityFacts): Criterion {
  const { application_opens_on: opens, application_closes_on: closes } = f.rules;
  if (f.today < opens) return criterion("application_window", false, `申请期自${opens}开始，尚未开始 / Applications open on ${opens}`);
  if (f.today > closes) return criterion("application_window", false, `申请期已于${closes}截止 / Applications closed on ${closes}`);
  return criterion("application_window", true, `申请期${opens}至${closes}（含） / Applications accepted ${opens} to ${closes} inclusive`);
}

/** "北京市 海淀区（110108）": a code or prefix by its names, the code beside it; the code alone when the data does not list it. */
function placeZh(code: string): string {
  const name = knownRegionName(code);
  return name ? `${name}（${code}）` : code;
}

function region(f: EligibilityFacts): Criterion {
  const code = f.enterprise.region_code;
  if (f.rules.cross_region) return criterion("region", true, "项目跨区域通用 / The programme accepts enterprises from any region");
  const prefixes = f.rules.eligible_region_prefixes;
  const facts = { region_code: code, eligible_region_prefixes: [...prefixes] };
  const zh = prefixes.map(placeZh).join("、");
  const en = prefixes.join(", ");
  return regionMatches(code, prefixes)
    ? { ...criterion("region", true, `注册地${placeZh(code)}属于适用地区：${zh} / Registered region ${code} is within ${en}`), ...facts }
    : { ...criterion("region", false, `注册地${placeZh(code)}不在适用地区内，适用地区为${zh} / Registered region ${code} is outside ${en}`), ...facts };
}

function sizeClass(f: EligibilityFacts): Criterion {
  const size = f.enterprise.size_class;
  const [sizeZh, sizeEn] = sizeClassName(size);
  const allowed = f.rules.eligible_size_classes;
  const facts = { size_class: size, eligible_size_classes: [...allowed] };
  const allowedZh = allowed.map((s) => sizeClassName(s)[0]).join("、");
  const allowedEn = allowed.map((s) => sizeClassName(s)[1].toLowerCase()).join(", ");
  return allowed.includes(size)
    ? { ...criterion("size_class", true, `企业规模为${sizeZh}，属于适用范围（${allowedZh}） / Enterprise size ${sizeEn.toLowerCase()} is among those eligible (${allowedEn})`), ...facts }
    : { ...criterion("size_class", false, `企业规模为${sizeZh}，不在适用范围（${allowedZh}）内 / Enterprise size ${sizeEn.toLowerCase()} is not among those eligible (${allowedEn})`), ...facts };
}

function creditStatus(f: EligibilityFacts): Criterion {
  return f.enterprise.credit_status === "good"
    ? criterion("credit_status", true, "企业信用良好 / No credit restrictions")
    : criterion("credit_status", false, "企业已被列入失信名单，不能申领 / The enterprise is on the credit blacklist and cannot apply");
}

function perDraw(f: EligibilityFacts): Criterion {
  const max = f.rules.max_voucher_fen;
  if (f.requested_fen === null) {
    return criterion("per_draw_limit", true, `单次最多可申领${formatCny(max)} / At most ${formatCny(max)} per application`);
  }
  const asked = formatCny(f.requested_fen);
  return f.requested_fen <= max
    ? criterion("per_draw_limit", true, `申领${asked}不超过单次上限${formatCny(max)} / ${asked} is within the per-draw limit of ${formatCny(max)}`)
    : criterion("per_draw_limit", false, `申领${asked}超过单次上限${formatCny(max)} / ${asked} exceeds the per-draw limit of ${formatCny(max)}`);
}

/** Face value the enterprise may still be issued this year; null when the programme sets no quota. */
export function annualQuotaRemainingFen(rules: Pick<ProgrammeRules, "annual_issuance_quota_fen">, issuedFen: number): number | null {
  const quota = rules.annual_issuance_quota_fen;
  return quota === null ? null : Math.max(0, quota - issuedFen);
}

function annualQuota(f: EligibilityFacts): Criterion {
  const quota = f.rules.annual_issuance_quota_fen;
  const left = annualQuotaRemainingFen(f.rules, f.issued_this_year_fen);
  if (quota === null || left === null) {
    return criterion("annual_issuance_quota", true, "本项目不限企业年度申领额度 / The programme sets no annual issuance quota per enterprise");
  }
  const facts = `年度申领额度${formatCny(quota)}，本年已发放券面${formatCny(f.issued_this_year_fen)}，剩余${formatCny(left)}`;
  const factsEn = `annual issuance quota ${formatCny(quota)}, face value issued this year ${formatCny(f.issued_this_year_fen)}, ${formatCny(left)} left`;
  if (f.requested_fen === null) {
    return left > 0
      ? criterion("annual_issuance_quota", true, `${facts} / Within the ${factsEn}`)
      : criterion("annual_issuance_quota", false, `本年度申领额度已用完：${facts} / The enterprise's ${factsEn}: used up for this year`);
  }
  return f.requested_fen <= left
    ? criterion("annual_issuance_quota", true, `${facts} / Within the ${factsEn}`)
    : criterion("annual_issuance_quota", false, `超出企业年度申领额度：${facts} / Over the enterprise's ${factsEn}`);
}

function budget(f: EligibilityFacts): Criterion {
  const left = Math.max(0, f.pool_available_fen);
  if (f.requested_fen === null) {
    return left > 0
      ? criterion("budget", true, `项目剩余预算${formatCny(left)} / ${formatCny(left)} of budget left`)
      : criterion("budget", false, "项目预算已用完 / The programme's budget is used up");
  }
  return f.requested_fen <= left
    ? criterion("budget", true, `项目剩余预算${formatCny(left)}足够 / ${formatCny(left)} of budget left covers it`)
    : criterion("budget", false, `项目剩余预算仅${formatCny(left)} / Only ${formatCny(left)} of the programme's budget is left`);
}

/** The criteria an amount decides; when only these fail, a smaller amount may still be granted. */
export const AMOUNT_CRITERIA: ReadonlySet<CriterionName> = new Set<CriterionName>(["per_draw_limit", "annual_issuance_quota", "budget"]);

export function checkEligibility(f: EligibilityFacts): Eligibility {
  const criteria = [programmeOpen(f), applicationWindow(f), region(f), sizeClass(f), creditStatus(f), perDraw(f), annualQuota(f), budget(f)];
  // Never "you could get ¥X" beside a refusal that no amount would cure (region, window, credit...).
  const barred = criteria.some((c) => !c.ok && !AMOUNT_CRITERIA.has(c.name));
  const max_grantable_fen = barred
    ? 0
    : Math.min(
        f.rules.max_voucher_fen,
        annualQuotaRemainingFen(f.rules, f.issued_this_year_fen) ?? Number.MAX_SAFE_INTEGER,
        Math.max(0, f.pool_available_fen),
      );
  return { eligible: criteria.every((c) => c.ok), criteria, max_grantable_fen };
}

/** The failed criteria's reasons as one "中文 / English" message. */
export function refusalSummary(e: Eligibility): string {
  return joinBilingual(
    e.criteria.filter((c) => !c.ok).map((c) => c.reason),
    { chinese: "不符合申领条件", english: "Not eligible" },
  );
}
