// Demo data for a first start: one agency (with reviewer, finance and auditor staff), three
// approved providers, three SMEs and the installation admin. Logins are listed in README.md.
// The agency runs four programmes with real rules (src/seed/programmes.ts), and the SMEs hold
// vouchers from them.
import { sql } from "drizzle-orm";
import { commitAs } from "../db/atomic";
import { organisations, provider_vettings, users } from "../db/schema";
import type { Store } from "../db/store";
import { withCheckCharacter } from "../domain/credit-code";
import { operatorVerified } from "../services/verification-facts";
import { hashPassword } from "../auth/password";
import { seedDemoOfferings } from "./offerings";
import { demoProgrammeStatements, type DemoVoucher } from "./programmes";

export const DEMO_PASSWORD = "demo-pass-2026";

type OrgSeed = Omit<typeof organisations.$inferInsert, "created_at">;
type UserSeed = { email: string; display_name: string; role: (typeof users.$inferInsert)["role"] };

/** Stable ids so the README, tests and screenshots can name demo records. */
export const DEMO = {
  platform: "org_demoplatform",
  agency: "org_demoagency",
  providerCompute: "org_democompute",
  providerData: "org_demodata",
  providerShenzhen: "org_demopengcheng",
  smeBeijing: "org_demosmebj",
  smeShenzhen: "org_demosmesz",
  smeHangzhou: "org_demosmehz",
} as const;

export const DEMO_ORGANISATIONS: { org: OrgSeed; users: UserSeed[] }[] = [
  {
    org: { id: DEMO.platform, kind: "platform", name: "平台运营方 Platform Operator", credit_code: withCheckCharacter("91110000MA0000001"), region_code: "110000", size_class: "medium", founded_on: "2020-01-01" },
    users: [{ email: "admin@demo.cn", display_name: "系统管理员 Admin", role: "admin" }],
  },
  {
    org: { id: DEMO.agency, kind: "agency", name: "示范区科技创新局 Demo Science & Technology Bureau", credit_code: withCheckCharacter("11110000MB0000002"), region_code: "110000", size_class: "large", founded_on: "2000-01-01" },
    users: [
      { email: "agency@demo.cn", display_name: "王主任 Director Wang", role: "admin" },
      { email: "reviewer@demo.cn", display_name: "李审核 Reviewer Li", role: "reviewer" },
      { email: "finance@demo.cn", display_name: "赵财务 Finance Zhao", role: "finance" },
      { email: "auditor@demo.cn", display_name: "钱审计 Auditor Qian", role: "auditor" },
    ],
  },
  {
    org: { id: DEMO.providerCompute, kind: "provider", name: "京算智算中心 Jingsuan AI Compute Centre", credit_code: withCheckCharacter("91110108MA0000003"), region_code: "110108", size_class: "large", founded_on: "2019-06-01", provider_status: "active", address: "北京市海淀区中关村大街1号", legal_representative: "孙算" },
    users: [{ email: "compute@demo.cn", display_name: "孙经理 Manager Sun", role: "admin" }],
  },
  {
    org: { id: DEMO.providerData, kind: "provider", name: "杭数数据服务 Hangshu Data Services", credit_code: withCheckCharacter("91330106MA0000004"), region_code: "330106", size_class: "medium", founded_on: "2018-03-15", provider_status: "active", address: "杭州市西湖区文三路2号", legal_representative: "周数" },
    users: [{ email: "data@demo.cn", display_name: "周经理 Manager Zhou", role: "admin" }],
  },
  {
    org: { id: DEMO.providerShenzhen, kind: "provider", name: "鹏城智算 Pengcheng Smart Compute", credit_code: withCheckCharacter("91440305MA0000008"), region_code: "440305", size_class: "medium", founded_on: "2020-10-10", provider_status: "active", address: "深圳市南山区留仙大道6号", legal_representative: "黄鹏" },
    users: [{ email: "pengcheng@demo.cn", display_name: "黄经理 Manager Huang", role: "admin" }],
  },
  {
    org: { id: DEMO.smeBeijing, kind: "sme", name: "启明智能科技 Qiming AI", credit_code: withCheckCharacter("91110108MA0000005"), region_code: "110108", size_class: "small", founded_on: "2024-05-20", address: "北京市海淀区上地十街3号", legal_representative: "吴启明" },
    users: [{ email: "qiming@demo.cn", display_name: "吴启明 Wu Qiming", role: "admin" }],
  },
  {
    org: { id: DEMO.smeShenzhen, kind: "sme", name: "深瞳视觉 Shentong Vision", credit_code: withCheckCharacter("91440305MA0000006"), region_code: "440305", size_class: "micro", founded_on: "2025-02-01", address: "深圳市南山区科技园4号", legal_representative: "郑瞳" },
    users: [{ email: "shentong@demo.cn", display_name: "郑瞳 Zheng Tong", role: "admin" }],
  },
  {
    org: { id: DEMO.smeHangzhou, kind: "sme", name: "西湖语言模型 Xihu Language Models", credit_code: withCheckCharacter("91330106MA0000007"), region_code: "330106", size_class: "medium", founded_on: "2021-09-09", address: "杭州市西湖区留下街道5号", legal_representative: "冯湖" },
    users: [{ email: "xihu@demo.cn", display_name: "冯湖 Feng Hu", role: "admin" }],
  },
];

export async function isEmpty(store: Store): Promise<boolean> {
  const [row] = await store.all<{ n: number }>(sql`SELECT count(*) AS n FROM organisations`);
  return (row?.n ?? 0) === 0;
}

export async function seedDemo(store: Store, now: number): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const statements = [];
  const events = [];
  for (const { org, users: people } of DEMO_ORGANISATIONS) {
    statements.push(store.db.insert(organisations).values({ ...org, ...operatorVerified(now), created_at: now }));
    events.push({ action: "organisation.seeded", subject_type: "organisation", subject_id: org.id, after: org });
    for (const [index, person] of people.entries()) {
      const id = demoUserId(org.id as string, index);
      statements.push(
        store.db.insert(users).values({ id, org_id: org.id as string, ...person, password_hash: passwordHash, created_at: now }),
      );
    }
  }
  // The demo agency has vetted the demo providers (vetting is per agency: src/db/schema/vetting.ts).
  for (const provider_org_id of [DEMO.providerCompute, DEMO.providerData, DEMO.providerShenzhen]) {
    const vetting = { agency_org_id: DEMO.agency, provider_org_id, status: "approved" as const, reason: null, decided_by: DEMO_AGENCY_STAFF.reviewer_user_id, decided_at: now, created_at: now, updated_at: now };
    statements.push(store.db.insert(provider_vettings).values(vetting));
    events.push({ action: "provider_vetting.approved", subject_type: "organisation", subject_id: provider_org_id, after: vetting });
  }
  const meta = { at: now, request_id: "seed", actor_user_id: null, actor_org_id: null };
  await commitAs(store, meta, statements, events);
  const money = demoProgrammeStatements(store, now, DEMO_AGENCY_STAFF, demoSmes(), DEMO_VOUCHERS);
  await commitAs(store, meta, money.statements, money.events);
  await seedDemoOfferings(store, DEMO, { beijing: "vch_demobeijing" }, now);
}

/** Demo users' ids: `usr_` + the organisation id's tail + the person's index in DEMO_ORGANISATIONS. */
const demoUserId = (orgId: string, index: number) => `usr_${orgId.slice(4)}${index}`;

const DEMO_AGENCY_STAFF = { org_id: DEMO.agency, admin_user_id: demoUserId(DEMO.agency, 0), reviewer_user_id: demoUserId(DEMO.agency, 1) };

function demoSmes() {
  const smes = DEMO_ORGANISATIONS.map(({ org }) => org).filter((org) => org.kind === "sme");
  return new Map(smes.map((org) => [org.id as string, { id: org.id as string, region_code: org.region_code, size_class: org.size_class, credit_status: org.credit_status ?? "good" }]));
}

/** Vouchers already issued at first start, and one application waiting for the demo reviewer. */
export const DEMO_VOUCHERS: DemoVoucher[] = [
  { application_id: "app_demobeijing", voucher_id: "vch_demobeijing", programme_id: "prg_demobeijing", sme_org_id: DEMO.smeBeijing, applicant_user_id: demoUserId(DEMO.smeBeijing, 0), requested_fen: 500_000_00, purpose: "大模型微调算力（A800 集群） Fine-tuning compute on an A800 cluster" },
  { application_id: "app_demoshenzhen", voucher_id: "vch_demoshenzhen", programme_id: "prg_demoshenzhen", sme_org_id: DEMO.smeShenzhen, applicant_user_id: demoUserId(DEMO.smeShenzhen, 0), requested_fen: 1_000_000_00, purpose: "视觉模型预训练 Vision model pre-training" },
  { application_id: "app_demohangzhou", voucher_id: "vch_demohangzhou", programme_id: "prg_demohangzhou", sme_org_id: DEMO.smeHangzhou, applicant_user_id: demoUserId(DEMO.smeHangzhou, 0), requested_fen: 800_000_00, purpose: "国产算力上的中文语言模型训练 Chinese LLM training on domestic compute" },
  { application_id: "app_demozhejiang", voucher_id: null, programme_id: "prg_demozhejiang", sme_org_id: DEMO.smeHangzhou, applicant_user_id: demoUserId(DEMO.smeHangzhou, 0), requested_fen: 20_000_00, purpose: "行业数据集与仿真平台服务 Industry dataset and simulation platform services" },
];
