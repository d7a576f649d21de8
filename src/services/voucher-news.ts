// Who hears about an application's, a voucher's or a provider's move, and what they read: one
// place for every path that announces them (the application routes, voucher ends, the reminder
// sweep, vetting decisions). Each returns statements for the batch of the change itself, so the
// announcement commits with it or not at all. Names come from sub-selects inside the statement.
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { User, Voucher, VoucherApplication } from "../db/schema";
import { formatCny } from "../domain/money";
import { validThroughOn } from "../domain/validity";
import { announce } from "./announce";

/** Agency people who decide applications (and disputes): the roles the access table lets decide. */
export const AGENCY_DECIDER_ROLES: readonly User["role"][] = ["admin", "reviewer"];

const orgName = (id: string) => sql`(SELECT name FROM organisations WHERE id = ${id})`;
const programmeName = (id: string) => sql`(SELECT name FROM programmes WHERE id = ${id})`;
/** Money as every page shows it: ¥1,234.56. */
const yuan = (fen: number) => formatCny(fen);

export type ApplicationKind = "application.submitted" | "application.approved" | "application.rejected";

/**
 * A submitted application tells the programme's agency (its deciders); a decision tells the
 * enterprise's people. The person who acted is not told.
 */
export async function applicationNews(app: VoucherApplication, kind: ApplicationKind, agencyOrgId: string, exceptUserId: string | null, now: number): Promise<SQLWrapper[]> {
  const programme = programmeName(app.programme_id);
  const reason = app.decision_reason ? `：${app.decision_reason}` : "";
  const reasonEn = app.decision_reason ? `: ${app.decision_reason}` : "";
  let body_zh: SQL;
  let body_en: SQL;
  switch (kind) {
    case "application.submitted":
      body_zh = sql`${orgName(app.sme_org_id)} || ' 申请「' || ${programme} || ${`」券 ${yuan(app.requested_fen)}，待审核`}`;
      body_en = sql`${orgName(app.sme_org_id)} || ' applies for a voucher of ' || ${yuan(app.requested_fen)} || ' in "' || ${programme} || '"; awaiting review'`;
      break;
    case "application.approved":
      body_zh = sql`'您在「' || ${programme} || ${`」的券申请已批准，批准金额 ${yuan(app.approved_fen ?? 0)}`}`;
      body_en = sql`'Your voucher application in "' || ${programme} || ${`" was approved for ${yuan(app.approved_fen ?? 0)}`}`;
      break;
    case "application.rejected":
      body_zh = sql`'您在「' || ${programme} || ${`」的券申请未获批准${reason}`}`;
      body_en = sql`'Your voucher application in "' || ${programme} || ${`" was rejected${reasonEn}`}`;
      break;
  }
  const toAgency = kind === "application.submitted";
  return announce(
    {
      kind,
      subject_type: "voucher_application",
      subject_id: app.id,
      link: toAgency ? `/agency/applications?id=${app.id}` : `/my-applications?id=${app.id}`,
      body_zh,
      body_en,
      to: toAgency ? [{ org_id: agencyOrgId, roles: AGENCY_DECIDER_ROLES }] : [{ org_id: app.sme_org_id }],
      except_user_id: exceptUserId,
      data: {
        application_id: app.id,
        programme_id: app.programme_id,
        sme_org_id: app.sme_org_id,
        status: app.status,
        requested_fen: app.requested_fen,
        approved_fen: app.approved_fen,
        voucher_id: app.voucher_id,
      },
    },
    now,
  );
}

export type VoucherNews =
  | { kind: "voucher.issued" }
  | { kind: "voucher.revoked"; reason: string; returned_fen: number }
  | { kind: "voucher.expired"; returned_fen: number }
  /** From the reminder sweep: `days` is the threshold (30 or 7), `only_if` its once-only gate. */
  | { kind: "voucher.expiring"; days: number; once_key: string; only_if: SQL };

/** A voucher's issue, end or coming expiry, told to the enterprise's people. */
export async function voucherNews(voucher: Voucher, news: VoucherNews, now: number): Promise<SQLWrapper[]> {
  const programme = programmeName(voucher.programme_id);
  const through = validThroughOn(voucher.expires_at);
  let body_zh: SQL;
  let body_en: SQL;
  switch (news.kind) {
    case "voucher.issued":
      body_zh = sql`'「' || ${programme} || ${`」券已发放：面额 ${yuan(voucher.face_value_fen)}，有效期至 ${through}`}`;
      body_en = sql`'Voucher issued in "' || ${programme} || ${`": ${yuan(voucher.face_value_fen)}, valid through ${through}`}`;
      break;
    case "voucher.revoked":
      body_zh = sql`'「' || ${programme} || ${`」券已被撤销：${news.reason}；未用余额 ${yuan(news.returned_fen)} 退回项目`}`;
      body_en = sql`'Your voucher in "' || ${programme} || ${`" was revoked: ${news.reason}; the unused ${yuan(news.returned_fen)} returned to the programme`}`;
      break;
    case "voucher.expired":
      body_zh = sql`'「' || ${programme} || ${`」券有效期至 ${through}，已到期；未用余额 ${yuan(news.returned_fen)} 退回项目`}`;
      body_en = sql`'Your voucher in "' || ${programme} || ${`" was valid through ${through} and has expired; the unused ${yuan(news.returned_fen)} returned to the programme`}`;
      break;
    case "voucher.expiring":
      body_zh = sql`'「' || ${programme} || ${`」创新券将于 ${through} 后到期（${news.days} 天内），请在到期前使用`}`;
      body_en = sql`'Your voucher in "' || ${programme} || ${`" expires after ${through} (within ${news.days} days); use it before then`}`;
      break;
  }
  return announce(
    {
      kind: news.kind,
      subject_type: "voucher",
      subject_id: voucher.id,
      link: `/my-vouchers?id=${voucher.id}`,
      body_zh,
      body_en,
      to: [{ org_id: voucher.sme_org_id }],
      data: {
        voucher_id: voucher.id,
        programme_id: voucher.programme_id,
        status: voucher.status,
        face_value_fen: voucher.face_value_fen,
        expires_at: new Date(voucher.expires_at).toISOString(),
        ...(news.kind === "voucher.expiring" ? { days: news.days } : {}),
        ...(news.kind === "voucher.revoked" || news.kind === "voucher.expired" ? { returned_fen: news.returned_fen } : {}),
      },
      ...(news.kind === "voucher.expiring" ? { once_key: news.once_key, only_if: news.only_if } : {}),
    },
    now,
  );
}

export type ProviderDecision = "approved" | "rejected" | "suspended";

/** One agency's vetting decision, told to the provider's people. */
export async function providerNews(providerOrgId: string, agencyOrgId: string, status: ProviderDecision, reason: string | null, now: number): Promise<SQLWrapper[]> {
  const agency = orgName(agencyOrgId);
  const why = reason ? `：${reason}` : "";
  const whyEn = reason ? `: ${reason}` : "";
  const words: Record<ProviderDecision, [string, string]> = {
    approved: [`批准了贵机构的服务商资格，可在其项目中获补贴${why}`, ` approved you as a provider; its programmes now subsidise your offerings${whyEn}`],
    rejected: [`未批准贵机构的服务商资格${why}`, ` rejected your application as a provider${whyEn}`],
    suspended: [`暂停了贵机构的服务商资格，其项目不再补贴贵机构的资源${why}`, ` suspended you as a provider; its programmes no longer subsidise your offerings${whyEn}`],
  };
  const [zh, en] = words[status];
  return announce(
    {
      // A suspension is a rejection from now on; the text and the data's status say which.
      kind: status === "approved" ? "provider.approved" : "provider.rejected",
      subject_type: "organisation",
      subject_id: providerOrgId,
      link: "/organisation",
      body_zh: sql`${agency} || ' ' || ${zh}`,
      body_en: sql`${agency} || ${en}`,
      to: [{ org_id: providerOrgId }],
      data: { provider_org_id: providerOrgId, agency_org_id: agencyOrgId, status, reason },
    },
    now,
  );
}
