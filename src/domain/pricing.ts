// Pricing a booking and its subsidy (DESIGN §4). Pure: every input is a number already read.
//   gross   = unit price × quantity × units of time
//   subsidy = min(gross × ratio, per-booking cap, enterprise's annual subsidy cap left,
//                 voucher's available balance), rounded DOWN to the fen (never overpay public money)
//   co-pay  = gross − subsidy
// At or below the full-coverage threshold the ratio is 100%. Caps and thresholds are inclusive.
import type { ProgrammeRules, Tier } from "./programme-rules";

export const FULL_RATIO_BP = 10_000;

export function grossFen(unitPriceFen: number, quantity: number, durationUnits: number): number {
  const gross = BigInt(unitPriceFen) * BigInt(quantity) * BigInt(durationUnits);
  if (gross > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("gross price out of range");
  return Number(gross);
}

/** floor(amount × ratio_bp / 10000) without floating point. */
export function applyRatioFloor(amountFen: number, ratioBp: number): number {
  return Number((BigInt(amountFen) * BigInt(ratioBp)) / BigInt(FULL_RATIO_BP));
}

export interface TierFacts {
  /** Whole years between the enterprise's founding and the booking. */
  enterprise_age_years: number;
  enterprise_size_class: string;
  /** The offering is domestic (国产) compute. */
  domestic: boolean;
}

function tierApplies(tier: Tier, facts: TierFacts): boolean {
  switch (tier.kind) {
    case "startup":
      return facts.enterprise_age_years < tier.max_age_years;
    case "domestic_compute":
      return facts.domestic;
    case "size_class":
      return tier.size_classes.includes(facts.enterprise_size_class as never);
  }
}

/** The ratio that applies: the base ratio, or the most favourable applicable tier. */
export function chooseRatio(rules: Pick<ProgrammeRules, "subsidy_ratio_bp" | "tiers">, facts: TierFacts) {
  let ratio_bp = rules.subsidy_ratio_bp;
  let tier: string | null = null;
  for (const candidate of rules.tiers) {
    if (tierApplies(candidate, facts) && candidate.ratio_bp > ratio_bp) {
      ratio_bp = candidate.ratio_bp;
      tier = candidate.name;
    }
  }
  return { ratio_bp, tier };
}

/**
 * The terms of the min(). provider_not_approved_by_agency is zero when the programme's agency has
 * not approved the provider (vetting is per agency): the SME may still book at full price.
 */
export type LimitName = "provider_not_approved_by_agency" | "ratio" | "per_booking_cap" | "annual_subsidy_cap" | "voucher_balance";

export interface SubsidyInputs {
  gross_fen: number;
  rules: Pick<ProgrammeRules, "subsidy_ratio_bp" | "tiers" | "per_booking_cap_fen" | "full_coverage_threshold_fen">;
  facts: TierFacts;
  /** Annual subsidy cap − subsidy already counted this year (never negative); null = no cap. */
  annual_subsidy_remaining_fen: number | null;
  voucher_available_fen: number;
  /** Whether the programme's agency approved the offering's provider; absent means it did. */
  provider_approved_by_agency?: boolean;
}

export interface SubsidyQuote {
  gross_fen: number;
  ratio_bp: number;
  tier: string | null;
  full_coverage: boolean;
  /** Every term of the min(), so a person can check the arithmetic. */
  limits: { name: LimitName; fen: number }[];
  /** The term that decided the subsidy (the smallest; the first named on a tie). */
  binding_limit: LimitName;
  subsidy_fen: number;
  copay_fen: number;
}

export function quoteSubsidy(input: SubsidyInputs): SubsidyQuote {
  const { gross_fen, rules } = input;
  const threshold = rules.full_coverage_threshold_fen;
  const full_coverage = threshold > 0 && gross_fen <= threshold;
  const chosen = full_coverage ? { ratio_bp: FULL_RATIO_BP, tier: null } : chooseRatio(rules, input.facts);
  const limits: { name: LimitName; fen: number }[] = [];
  // First, so it is the binding term (ties name the first) whatever else is also zero.
  if (input.provider_approved_by_agency === false) limits.push({ name: "provider_not_approved_by_agency", fen: 0 });
  limits.push({ name: "ratio", fen: applyRatioFloor(gross_fen, chosen.ratio_bp) });
  if (rules.per_booking_cap_fen !== null) limits.push({ name: "per_booking_cap", fen: rules.per_booking_cap_fen });
  if (input.annual_subsidy_remaining_fen !== null) limits.push({ name: "annual_subsidy_cap", fen: Math.max(0, input.annual_subsidy_remaining_fen) });
  limits.push({ name: "voucher_balance", fen: Math.max(0, input.voucher_available_fen) });
  let binding = limits[0] as { name: LimitName; fen: number };
  for (const limit of limits) if (limit.fen < binding.fen) binding = limit;
  const subsidy_fen = binding.fen;
  return {
    gross_fen,
    ratio_bp: chosen.ratio_bp,
    tier: chosen.tier,
    full_coverage,
    limits,
    binding_limit: binding.name,
    subsidy_fen,
    copay_fen: gross_fen - subsidy_fen,
  };
}

/** Whole years from a 'YYYY-MM-DD' founding date to a 'YYYY-MM-DD' day. */
export function ageInYears(foundedOn: string, onDay: string): number {
  const [fy, fm, fd] = foundedOn.split("-").map(Number) as [number, number, number];
  const [y, m, d] = onDay.split("-").map(Number) as [number, number, number];
  return y - fy - (m < fm || (m === fm && d < fd) ? 1 : 0);
}
