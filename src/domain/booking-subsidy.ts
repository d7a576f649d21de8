// May this voucher pay towards this booking, and how much (DESIGN §3–4)? Pure: every fact is
// read beforehand. The booking keeps the rule version it was priced on (programme's current).
import { quoteSubsidy, type LimitName, type SubsidyQuote, type TierFacts } from "./pricing";
import type { ProgrammeRules } from "./programme-rules";
import { regionMatches } from "./region";
import type { Relation } from "./related-parties";

export interface VoucherFacts {
  voucher: { id: string; sme_org_id: string; status: string; expires_at: number; programme_id: string };
  programme: { id: string; status: string; current_version: number; agency_org_id: string };
  rules: ProgrammeRules;
  voucher_available_fen: number;
  /** Subsidy already counted against the annual subsidy cap in cap_year. */
  annual_subsidy_used_fen: number;
  /** What the programme's pool has not yet issued; voucher money is already set aside from it. */
  programme_budget_left_fen: number;
}

export interface BookingFacts {
  sme_org_id: string;
  gross_fen: number;
  ends_at: number;
  now: number;
  /** Calendar year (Asia/Shanghai) of `now`: the annual cap the hold counts against. */
  cap_year: number;
  offering: { category: string; region_code: string; domestic: boolean };
  tier: Omit<TierFacts, "domestic">;
  relation: Relation | null;
  /** Agencies that approve the offering's provider; only their programmes subsidise it. */
  provider_approved_by: ReadonlySet<string>;
}

export const VOUCHER_PROBLEMS = {
  voucher_not_yours: "此创新券不属于本企业 / This voucher belongs to another enterprise",
  voucher_not_active: "创新券已失效（过期或被撤销）/ The voucher is no longer active (expired or revoked)",
  voucher_expired: "创新券已过期 / The voucher has expired",
  voucher_expires_before_end: "预约结束时间晚于创新券有效期 / The booking ends after the voucher expires",
  programme_not_open: "该创新券项目未开放 / The voucher's programme is not open",
  category_not_eligible: "该项目不支持此类资源 / The programme does not cover this category of offering",
  region_not_eligible: "服务商所在地区不在项目支持范围内 / The offering's region is outside the programme's regions",
  related_party: "企业与服务商存在关联关系，不得使用此创新券 / The enterprise and the provider are related parties; this programme excludes them",
} as const;
export type VoucherProblem = keyof typeof VOUCHER_PROBLEMS;

export interface VoucherTerms extends SubsidyQuote {
  voucher_id: string;
  programme_id: string;
  programme_version: number;
  cap_year: number;
  per_booking_cap_fen: number | null;
  /** Null: the programme has no annual subsidy cap. */
  annual_subsidy_cap_fen: number | null;
  annual_subsidy_used_fen: number;
  annual_subsidy_remaining_fen: number | null;
  voucher_available_fen: number;
  voucher_expires_at: number;
  programme_budget_left_fen: number;
  /** The cap that left no subsidy at all, or null when there is some. */
  zero_subsidy_reason: LimitName | null;
}

export type VoucherEvaluation = { ok: true; terms: VoucherTerms } | { ok: false; problem: VoucherProblem; relation?: Relation };

function problemOf(v: VoucherFacts, b: BookingFacts): VoucherEvaluation | null {
  const fail = (problem: VoucherProblem): VoucherEvaluation => ({ ok: false, problem });
  if (v.voucher.sme_org_id !== b.sme_org_id) return fail("voucher_not_yours");
  if (v.voucher.status !== "active") return fail("voucher_not_active");
  if (v.voucher.expires_at <= b.now) return fail("voucher_expired");
  if (b.ends_at > v.voucher.expires_at) return fail("voucher_expires_before_end");
  if (v.programme.status !== "open") return fail("programme_not_open");
  if (!v.rules.eligible_categories.includes(b.offering.category as never)) return fail("category_not_eligible");
  if (!v.rules.cross_region && !regionMatches(b.offering.region_code, v.rules.eligible_region_prefixes)) {
    return fail("region_not_eligible");
  }
  if (v.rules.exclude_related_parties && b.relation) return { ok: false, problem: "related_party", relation: b.relation };
  return null;
}

export function evaluateVoucher(v: VoucherFacts, b: BookingFacts): VoucherEvaluation {
  const problem = problemOf(v, b);
  if (problem) return problem;
  const cap = v.rules.annual_subsidy_cap_fen;
  const annual_subsidy_remaining_fen = cap === null ? null : Math.max(0, cap - v.annual_subsidy_used_fen);
  const quote = quoteSubsidy({
    gross_fen: b.gross_fen,
    rules: v.rules,
    // Named, not spread from b.tier: the spread was three quarters of a search's subsidy pricing.
    facts: { enterprise_age_years: b.tier.enterprise_age_years, enterprise_size_class: b.tier.enterprise_size_class, domestic: b.offering.domestic },
    annual_subsidy_remaining_fen,
    voucher_available_fen: v.voucher_available_fen,
    provider_approved_by_agency: b.provider_approved_by.has(v.programme.agency_org_id),
  });
  // Fields listed one by one: spreading `quote` and adding a dozen more is ~100× slower in V8,
  // and a search evaluates every voucher on every option.
  return {
    ok: true,
    terms: {
      gross_fen: quote.gross_fen,
      ratio_bp: quote.ratio_bp,
      tier: quote.tier,
      full_coverage: quote.full_coverage,
      limits: quote.limits,
      binding_limit: quote.binding_limit,
      subsidy_fen: quote.subsidy_fen,
      copay_fen: quote.copay_fen,
      voucher_id: v.voucher.id,
      programme_id: v.programme.id,
      programme_version: v.programme.current_version,
      cap_year: b.cap_year,
      per_booking_cap_fen: v.rules.per_booking_cap_fen,
      annual_subsidy_cap_fen: cap,
      annual_subsidy_used_fen: v.annual_subsidy_used_fen,
      annual_subsidy_remaining_fen,
      voucher_available_fen: v.voucher_available_fen,
      voucher_expires_at: v.voucher.expires_at,
      programme_budget_left_fen: v.programme_budget_left_fen,
      zero_subsidy_reason: quote.subsidy_fen === 0 && b.gross_fen > 0 ? quote.binding_limit : null,
    },
  };
}

/** The voucher that leaves the SME the least to pay (ties: the one expiring first, to use it up). */
export function bestTerms(candidates: readonly VoucherTerms[]): VoucherTerms | null {
  let best: VoucherTerms | null = null;
  for (const t of candidates) {
    if (t.subsidy_fen === 0) continue;
    if (!best || t.subsidy_fen > best.subsidy_fen || (t.subsidy_fen === best.subsidy_fen && t.voucher_expires_at < best.voucher_expires_at)) {
      best = t;
    }
  }
  return best;
}
