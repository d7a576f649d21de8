// Demo programmes encoding real rules (DESIGN §1) as data, owned by the demo agency and open, with
// vouchers already issued to the demo SMEs so the product shows real figures at first start.
// Every amount is in fen: CNY 1 = 100 fen, so CNY 2,000,000 = 200_000_000 fen.
import type { AuditInput } from "../db/audit";
import type { SQLWrapper } from "drizzle-orm";
import { voucher_applications, type Organisation, type Programme, type VoucherApplication } from "../db/schema";
import type { Store } from "../db/store";
import { checkEligibility } from "../domain/eligibility";
import type { ProgrammeRules } from "../domain/programme-rules";
import { shanghaiDate } from "../lib/time";
import { createProgrammeStatements } from "../services/programmes";
import { applicationRow } from "../services/voucher-applications";
import { issueVoucherStatements } from "../services/vouchers";

const CNY = 100;

export interface DemoProgramme {
  id: string;
  name: string;
  /** 申报指南, plain text (one demo programme has one, so its page shows it). */
  description?: string;
  kind: Programme["kind"];
  budget_fen: number;
  rules: ProgrammeRules;
}

/** The four programmes; the application window is the calendar year (Asia/Shanghai) of `now`. */
export function demoProgrammes(now: number): DemoProgramme[] {
  const year = Number(shanghaiDate(now).slice(0, 4));
  const common = {
    eligible_size_classes: ["micro", "small", "medium"] as ProgrammeRules["eligible_size_classes"],
    cross_region: false,
    application_opens_on: `${year}-01-01`,
    application_closes_on: `${year}-12-31`,
    notice_days: 7,
  };
  return [
    {
      // Beijing 算力券: ≤ 20% of the compute contract, ≤ CNY 2m of subsidy per enterprise per calendar
      // year (a ceiling on subsidy used, not on vouchers drawn),
      // no related-party providers; claims are reimbursed after the enterprise pays (通用).
      id: "prg_demobeijing",
      name: "北京算力券（示范） Beijing-style compute vouchers",
      kind: "compute",
      budget_fen: 100_000_000 * CNY,
      rules: { ...common, eligible_categories: ["compute"], eligible_region_prefixes: ["11"], subsidy_ratio_bp: 2000, tiers: [], per_booking_cap_fen: null, annual_issuance_quota_fen: null, annual_subsidy_cap_fen: 2_000_000 * CNY, full_coverage_threshold_fen: 0, max_voucher_fen: 2_000_000 * CNY, validity: { kind: "end_of_issue_year" }, settlement_mode: "tongyong", exclude_related_parties: true },
    },
    {
      // Shenzhen 训力券: ≤ 50% of the contract, cap CNY 10m (per contract, and per enterprise a year),
      // start-ups 60%; pool ≤ CNY 500m a year.
      id: "prg_demoshenzhen",
      name: "深圳训力券（示范） Shenzhen-style training-compute vouchers",
      kind: "compute",
      budget_fen: 500_000_000 * CNY,
      rules: { ...common, eligible_categories: ["compute"], eligible_region_prefixes: ["4403"], subsidy_ratio_bp: 5000, tiers: [{ kind: "startup", name: "初创企业 Start-up (under 3 years)", ratio_bp: 6000, max_age_years: 3 }], per_booking_cap_fen: 10_000_000 * CNY, annual_issuance_quota_fen: null, annual_subsidy_cap_fen: 10_000_000 * CNY, full_coverage_threshold_fen: 0, max_voucher_fen: 10_000_000 * CNY, validity: { kind: "days_from_issue", days: 365 }, settlement_mode: "tongdui", exclude_related_parties: false },
    },
    {
      // Hangzhou 算力券: ≤ 30% for domestic (国产) compute or registered MaaS, 20% for other compute;
      // ≤ CNY 8m per firm a year.
      id: "prg_demohangzhou",
      name: "杭州算力券（示范） Hangzhou-style compute vouchers",
      description: [
        "一、支持对象：注册在杭州市的中小微企业。 Who: micro, small and medium enterprises registered in Hangzhou.",
        "二、支持标准：按合同金额的20%补贴，国产算力或MaaS为30%；每家企业每年最高800万元。 Subsidy: 20% of the contract, 30% for domestic compute or MaaS; at most CNY 8m per enterprise a year.",
        "三、申请方式：在本平台在线申请，审核通过后发放算力券。 How: apply online here; a voucher is issued once approved.",
        "（示范内容，非真实政策 Demo text, not a real policy）",
      ].join("\n"),
      kind: "compute",
      budget_fen: 250_000_000 * CNY,
      rules: { ...common, eligible_categories: ["compute", "platform_service"], eligible_region_prefixes: ["3301"], subsidy_ratio_bp: 2000, tiers: [{ kind: "domestic_compute", name: "国产算力或MaaS Domestic compute or MaaS", ratio_bp: 3000 }], per_booking_cap_fen: null, annual_issuance_quota_fen: null, annual_subsidy_cap_fen: 8_000_000 * CNY, full_coverage_threshold_fen: 0, max_voucher_fen: 8_000_000 * CNY, validity: { kind: "fixed_end", end_on: `${year + 1}-12-31` }, settlement_mode: "tongdui", exclude_related_parties: true },
    },
    {
      // Zhejiang (Yuhuan) 创新券: quota drawn CNY 20k at a time, up to CNY 100k of face value issued a
      // year (a quota on vouchers drawn; subsidy is then bounded by the vouchers); purchases of
      // CNY 10k or less (1万元以下, inclusive) are paid in full by the voucher; 50% above that.
      id: "prg_demozhejiang",
      name: "浙江创新券（玉环式示范） Zhejiang-style innovation vouchers",
      kind: "general",
      budget_fen: 5_000_000 * CNY,
      rules: { ...common, eligible_categories: ["compute", "dataset", "simulation", "platform_service"], eligible_region_prefixes: ["33"], subsidy_ratio_bp: 5000, tiers: [], per_booking_cap_fen: null, annual_issuance_quota_fen: 100_000 * CNY, annual_subsidy_cap_fen: null, full_coverage_threshold_fen: 10_000 * CNY, max_voucher_fen: 20_000 * CNY, validity: { kind: "end_of_issue_year" }, settlement_mode: "tongdui", exclude_related_parties: false },
    },
  ];
}

export interface DemoVoucher {
  application_id: string;
  voucher_id: string | null;
  programme_id: string;
  sme_org_id: string;
  applicant_user_id: string;
  requested_fen: number;
  purpose: string;
}

/**
 * Statements seeding the programmes (open) and the demo SMEs' applications: those with a voucher
 * id are approved and issued, the rest wait for the demo reviewer.
 */
export function demoProgrammeStatements(
  store: Store,
  now: number,
  agency: { org_id: string; admin_user_id: string; reviewer_user_id: string },
  smes: ReadonlyMap<string, Pick<Organisation, "id" | "region_code" | "size_class" | "credit_status">>,
  vouchers: readonly DemoVoucher[],
): { statements: SQLWrapper[]; events: AuditInput[] } {
  const statements: SQLWrapper[] = [];
  const events: AuditInput[] = [];
  const programmes = new Map<string, { row: Programme; rules: ProgrammeRules }>();
  for (const p of demoProgrammes(now)) {
    const created = createProgrammeStatements(store, { ...p, agency_org_id: agency.org_id, status: "open", created_by: agency.admin_user_id }, now);
    statements.push(...created.statements);
    events.push(...created.events);
    programmes.set(p.id, { row: created.row, rules: p.rules });
  }
  const issued = new Map<string, number>();
  for (const v of vouchers) {
    const programme = programmes.get(v.programme_id);
    const enterprise = smes.get(v.sme_org_id);
    if (!programme || !enterprise) throw new Error(`demo voucher ${v.application_id} names an unknown programme or SME`);
    const spent = issued.get(v.programme_id) ?? 0;
    const eligibility = checkEligibility({ programme_status: "open", rules: programme.rules, enterprise, today: shanghaiDate(now), requested_fen: v.requested_fen, issued_this_year_fen: 0, pool_available_fen: programme.row.budget_fen - spent });
    if (!eligibility.eligible) throw new Error(`demo application ${v.application_id} is not eligible`);
    const application: VoucherApplication = applicationRow({ id: v.application_id, programme_id: v.programme_id, sme_org_id: v.sme_org_id, applicant_user_id: v.applicant_user_id, requested_fen: v.requested_fen, purpose: v.purpose, eligibility: { ...eligibility, checked_on: shanghaiDate(now), programme_version: 1 } }, now);
    statements.push(store.db.insert(voucher_applications).values(application));
    events.push({ action: "voucher_application.submitted", subject_type: "voucher_application", subject_id: application.id, programme_id: v.programme_id, after: application });
    if (!v.voucher_id) continue;
    const issue = issueVoucherStatements(store, { application, programme: programme.row, rules: { version: 1, rules: programme.rules, created_by: agency.admin_user_id, created_at: now }, approved_fen: v.requested_fen, voucher_id: v.voucher_id, decided_by: agency.reviewer_user_id, note: "示范数据 Demo data" }, now);
    statements.push(...issue.statements);
    events.push(...issue.events);
    issued.set(v.programme_id, spent + v.requested_fen);
  }
  return { statements, events };
}
