// A programme's rules: one version of them. Programmes encode real rules (DESIGN §1) as data,
// never as constants: ratios in basis points, caps and thresholds in fen, inclusive.
import { z } from "zod";
import { disallowedCharacter, disallowedCharacterMessage } from "./free-text";

export const OFFERING_CATEGORIES = ["compute", "dataset", "simulation", "platform_service"] as const;
export const SIZE_CLASSES = ["micro", "small", "medium", "large"] as const;

const Fen = z.number().int().min(0).max(1e13);
const Bp = z.number().int().min(0).max(10_000);
/** A tier's name is free text shown to people: no control, bidi-override or lone-surrogate characters. */
const TierName = z
  .string()
  .min(1)
  .max(60)
  .superRefine((value, ctx) => {
    const character = disallowedCharacter(value, false);
    if (character) ctx.addIssue({ code: "custom", message: disallowedCharacterMessage(character) });
  });

export const TierSchema = z.discriminatedUnion("kind", [
  // Start-ups: organisations founded fewer than `max_age_years` years before the booking.
  z.object({ kind: z.literal("startup"), name: TierName, ratio_bp: Bp, max_age_years: z.number().int().min(1).max(20) }),
  // Domestic (国产) compute or registered MaaS, e.g. Hangzhou's 30% against 20% for other compute.
  z.object({ kind: z.literal("domestic_compute"), name: TierName, ratio_bp: Bp }),
  // Any other named tier by enterprise size class.
  z.object({ kind: z.literal("size_class"), name: TierName, ratio_bp: Bp, size_classes: z.array(z.enum(SIZE_CLASSES)).min(1).max(4) }),
]);
export type Tier = z.infer<typeof TierSchema>;

export const ValiditySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("days_from_issue"), days: z.number().int().min(1).max(3660) }),
  z.object({ kind: z.literal("fixed_end"), end_on: z.iso.date() }),
  z.object({ kind: z.literal("end_of_issue_year") }),
]);
export type Validity = z.infer<typeof ValiditySchema>;

export const ProgrammeRulesSchema = z
  .object({
    eligible_categories: z.array(z.enum(OFFERING_CATEGORIES)).min(1).max(4),
    /** Region-code prefixes ("11" Beijing, "3301" Hangzhou); ignored when cross_region. */
    eligible_region_prefixes: z.array(z.string().regex(/^\d{2,6}$/)).max(100),
    /** 长三角通用通兑-style: enterprises and providers from any region. */
    cross_region: z.boolean(),
    eligible_size_classes: z.array(z.enum(SIZE_CLASSES)).min(1).max(4),
    subsidy_ratio_bp: Bp,
    tiers: z.array(TierSchema).max(10),
    /** Most subsidy on one booking (one contract); null = no per-claim cap. */
    per_booking_cap_fen: Fen.nullable(),
    /**
     * Most face value of vouchers one enterprise may be issued by this programme in a calendar year
     * (Asia/Shanghai), e.g. Zhejiang's CNY 100k of quota a year; null = no quota.
     */
    annual_issuance_quota_fen: Fen.nullable(),
    /**
     * Most subsidy one enterprise may use from this programme in a calendar year (Asia/Shanghai),
     * e.g. Beijing's CNY 2m per enterprise a year; null = no cap.
     */
    annual_subsidy_cap_fen: Fen.nullable(),
    /** Bookings whose gross is at or below this are covered 100% (Zhejiang: 1万元以下). 0 = none. */
    full_coverage_threshold_fen: Fen,
    /** Most one application (one draw of quota) may ask for. */
    max_voucher_fen: Fen.min(1),
    validity: ValiditySchema,
    /** 通兑: the provider is paid the voucher part. 通用: the enterprise pays in full and is reimbursed. */
    settlement_mode: z.enum(["tongdui", "tongyong"]),
    application_opens_on: z.iso.date(),
    application_closes_on: z.iso.date(),
    /** Public notice (公示) days before a claim is paid. */
    notice_days: z.number().int().min(0).max(60),
    /** Days after delivery within which a claim must be submitted. Default 90. */
    claim_deadline_days: z.number().int().min(1).max(3660).optional(),
    /** Days the enterprise has to confirm or dispute a delivery; silence confirms. Default 7. */
    confirmation_days: z.number().int().min(1).max(60).optional(),
    /** Refuse subsidy when provider and enterprise are related parties (Beijing, Shanghai). */
    exclude_related_parties: z.boolean(),
  })
  .refine((r) => r.application_closes_on >= r.application_opens_on, {
    message: "申请截止日期不能早于开始日期 / The application window closes before it opens",
    path: ["application_closes_on"],
  })
  .refine((r) => r.cross_region || r.eligible_region_prefixes.length > 0, {
    message: "请至少指定一个地区，或选择跨区域通用 / Name at least one region, or make the programme cross-region",
    path: ["eligible_region_prefixes"],
  });

export type ProgrammeRules = z.infer<typeof ProgrammeRulesSchema>;

/**
 * Rules as stored in programme_versions.rules_json, of any version. Versions written before the
 * two annual limits were separated carry one `annual_cap_fen` that limited both face value issued
 * and subsidy used: it becomes both, so an old version keeps meaning what it meant.
 */
export function parseStoredRules(rulesJson: string): ProgrammeRules {
  return ProgrammeRulesSchema.parse(upgradeStoredRules(JSON.parse(rulesJson)));
}

export function upgradeStoredRules(raw: unknown): unknown {
  if (raw === null || typeof raw !== "object" || !("annual_cap_fen" in raw)) return raw;
  const { annual_cap_fen, ...rest } = raw as Record<string, unknown>;
  return { annual_issuance_quota_fen: annual_cap_fen, annual_subsidy_cap_fen: annual_cap_fen, ...rest };
}
