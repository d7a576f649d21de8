import type { RouteHandler } from "@hono/zod-openapi";
import { and, desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { commit, retryOnGuard } from "../../db/atomic";
import { constraintViolation, type ConstraintViolation } from "../../db/constraints";
import { transition } from "../../db/guards";
import { idempotent, type RecordResponse } from "../../db/idempotency";
import { organisations, programmes, users, voucher_applications, type Programme, type VoucherApplication } from "../../db/schema";
import type { Store } from "../../db/store";
import { refusalSummary, type CriterionName } from "../../domain/eligibility";
import { voucherExpiresAt } from "../../domain/validity";
import type { Actor, AppEnv } from "../../lib/context";
import { AppError, conflict, notFound, unprocessable } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { readProgramme, readRules } from "../../services/programmes";
import { applicationRow, assessEligibility, type StoredEligibility } from "../../services/voucher-applications";
import { stillVerifiedStatement } from "../../services/verification";
import { issueVoucherStatements } from "../../services/vouchers";
import { applicationNews, voucherNews } from "../../services/voucher-news";
import { presentVoucherBalance } from "../vouchers/present";
import type * as routes from "./voucher-applications.routes";

const NOT_FOUND = ["申请", "Voucher application"] as const;

export function presentApplication({ eligibility_json, ...row }: VoucherApplication) {
  return {
    ...row,
    eligibility: JSON.parse(eligibility_json) as StoredEligibility,
    decided_at: row.decided_at === null ? null : toIso(row.decided_at),
    created_at: toIso(row.created_at),
  };
}

async function readApplication(store: Store, id: string) {
  const [row] = await store.db
    .select({ application: voucher_applications, programme: programmes, sme_name: organisations.name, decided_by_name: users.display_name, decided_by_org_id: users.org_id })
    .from(voucher_applications)
    .innerJoin(programmes, eq(programmes.id, voucher_applications.programme_id))
    .innerJoin(organisations, eq(organisations.id, voucher_applications.sme_org_id))
    .leftJoin(users, eq(users.id, voucher_applications.decided_by))
    .where(eq(voucher_applications.id, id));
  return row;
}

/** The applying SME or the agency owning the programme; anyone else gets 404. */
async function visibleApplication(store: Store, actor: Actor, id: string) {
  const row = await readApplication(store, id);
  if (row && actor.org.kind === "sme" && row.application.sme_org_id === actor.org.id) return row;
  if (row && actor.org.kind === "agency" && row.programme.agency_org_id === actor.org.id) return row;
  throw notFound(...NOT_FOUND);
}

/** The dry run before the form: the same facts and rules as applyForVoucher, with no amount yet. */
export const checkProgrammeEligibility: RouteHandler<typeof routes.checkProgrammeEligibility, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const store = c.var.store;
  const programme = await readProgramme(store, c.req.valid("param").id);
  if (!programme || programme.status === "draft") throw notFound("项目", "Programme");
  const rules = await readRules(store, programme.id, programme.current_version);
  return c.json(await assessEligibility(store, programme, rules, actor.org, null, c.var.now()), 200);
};

export const applyForVoucher: RouteHandler<typeof routes.applyForVoucher, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const body = c.req.valid("json");
  const store = c.var.store;
  const now = c.var.now();
  const programme = await readProgramme(store, body.programme_id);
  // Drafts are the agency's business until opened: to an enterprise they do not exist.
  if (!programme || programme.status === "draft") throw notFound("项目", "Programme");
  const rules = await readRules(store, programme.id, programme.current_version);
  const eligibility = await assessEligibility(store, programme, rules, actor.org, body.requested_fen, now);
  if (!eligibility.eligible) {
    throw unprocessable("not_eligible", refusalSummary(eligibility), { eligibility });
  }
  const row = applicationRow({ id: newId("app"), programme_id: programme.id, sme_org_id: actor.org.id, applicant_user_id: actor.user.id, requested_fen: body.requested_fen, purpose: body.purpose, eligibility }, now);
  try {
    const news = await applicationNews(row, "application.submitted", programme.agency_org_id, actor.user.id, now);
    await commit(c, [store.db.insert(voucher_applications).values(row), ...news], [
      { action: "voucher_application.submitted", subject_type: "voucher_application", subject_id: row.id, programme_id: programme.id, after: row },
    ]);
  } catch (error) {
    if (constraintViolation(error)?.name === "voucher_applications.programme_id, voucher_applications.sme_org_id") {
      throw conflict("application_pending", "您在该项目已有待审核的申请，请等待审核结果 / You already have an application awaiting review in this programme");
    }
    throw error;
  }
  return c.json(presentApplication(row), 201);
};

/**
 * Who decided (or withdrew) it, by name: the agency's staff read it; the enterprise reads it only
 * when the person is one of its own (a withdrawal), never the names of the agency's reviewers.
 */
function deciderName(actor: Actor, name: string | null, orgId: string | null): string | null {
  return actor.org.kind === "agency" || (orgId !== null && orgId === actor.org.id) ? name : null;
}

export const listApplications: RouteHandler<typeof routes.listApplications, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { status, programme_id, limit, offset } = c.req.valid("query");
  const scope = actor.org.kind === "agency" ? eq(programmes.agency_org_id, actor.org.id) : eq(voucher_applications.sme_org_id, actor.org.id);
  const rows = await c.var.store.db
    .select({ application: voucher_applications, sme_name: organisations.name, programme_name: programmes.name, decided_by_name: users.display_name, decided_by_org_id: users.org_id })
    .from(voucher_applications)
    .innerJoin(programmes, eq(programmes.id, voucher_applications.programme_id))
    .innerJoin(organisations, eq(organisations.id, voucher_applications.sme_org_id))
    .leftJoin(users, eq(users.id, voucher_applications.decided_by))
    .where(and(scope, status ? eq(voucher_applications.status, status) : undefined, programme_id ? eq(voucher_applications.programme_id, programme_id) : undefined))
    .orderBy(desc(voucher_applications.created_at), voucher_applications.id)
    .limit(limit)
    .offset(offset);
  return c.json(
    { items: rows.map(({ application, decided_by_name, decided_by_org_id, ...names }) => ({ ...presentApplication(application), ...names, decided_by_name: deciderName(actor, decided_by_name, decided_by_org_id) })), limit, offset },
    200,
  );
};

export const getApplication: RouteHandler<typeof routes.getApplication, AppEnv> = async (c) => {
  const row = await visibleApplication(c.var.store, actorOf(c), c.req.valid("param").id);
  return c.json({ ...presentApplication(row.application), sme_name: row.sme_name, programme_name: row.programme.name, decided_by_name: deciderName(actorOf(c), row.decided_by_name, row.decided_by_org_id) }, 200);
};

const alreadyDecided = (app: Pick<VoucherApplication, "status">) =>
  conflict("application_decided", `该申请已处理（${app.status}） / This application was already decided (${app.status})`);

/** What still binds at approval; the window and the programme's status are for applying. */
const APPROVAL_CRITERIA = new Set<CriterionName>(["region", "size_class", "credit_status", "per_draw_limit", "annual_issuance_quota", "budget"]);

/** The application and programme if the caller's agency may decide it and it is still pending. */
async function decidable(c: Context<AppEnv>, id: string): Promise<{ application: VoucherApplication; programme: Programme }> {
  const actor = actorOf(c);
  const row = await visibleApplication(c.var.store, actor, id);
  if (actor.org.kind !== "agency") throw notFound(...NOT_FOUND);
  if (row.application.status !== "pending") throw alreadyDecided(row.application);
  return row;
}

async function approveOnce(c: Context<AppEnv>, id: string, body: { approved_fen?: number; note?: string }, record: RecordResponse) {
  const store = c.var.store;
  const now = c.var.now();
  const { application, programme } = await decidable(c, id);
  if (programme.status !== "open") throw conflict("programme_not_open", "项目未开放，不能发放 / The programme is not open, so nothing can be issued");
  const approved = body.approved_fen ?? application.requested_fen;
  if (approved > application.requested_fen) {
    throw unprocessable("approved_exceeds_request", "批准金额不能超过申请金额 / The approved amount cannot exceed the amount requested");
  }
  const rules = await readRules(store, programme.id, programme.current_version);
  const [enterprise] = await store.db.select().from(organisations).where(eq(organisations.id, application.sme_org_id));
  if (enterprise?.verification_state !== "verified") throw notVerified(enterprise?.verification_state ?? "unverified");
  const eligibility = await assessEligibility(store, programme, rules, enterprise as NonNullable<typeof enterprise>, approved, now);
  const blocking = eligibility.criteria.filter((k) => !k.ok && APPROVAL_CRITERIA.has(k.name));
  if (blocking.length > 0) {
    throw conflict("not_approvable", `不能批准：${blocking.map((k) => k.reason).join("；")}`, { eligibility });
  }
  if (voucherExpiresAt(rules.rules.validity, now) <= now) {
    throw conflict("validity_ended", "项目规定的有效期已过，无法发放 / The programme's validity period has ended, so a voucher would be born expired");
  }
  const issued = issueVoucherStatements(store, { application, programme, rules, approved_fen: approved, voucher_id: newId("vch"), decided_by: actorOf(c).user.id, note: body.note ?? null }, now);
  const decided: VoucherApplication = { ...application, status: "approved", approved_fen: approved, decision_reason: body.note ?? null, decided_by: actorOf(c).user.id, decided_at: now, voucher_id: issued.voucher.id };
  const balance = { face_value_fen: approved, held_fen: 0, spent_fen: 0, lapsed_fen: 0, available_fen: approved };
  const result = { status: 200 as const, body: { application: presentApplication(decided), voucher: presentVoucherBalance(issued.voucher, balance) } };
  // The enterprise must still be verified when the batch runs (a verifier may demote it meanwhile).
  const news = [
    ...(await applicationNews(decided, "application.approved", programme.agency_org_id, decided.decided_by, now)),
    ...(await voucherNews(issued.voucher, { kind: "voucher.issued" }, now)),
  ];
  await commit(c, [stillVerifiedStatement(store, application.sme_org_id), ...issued.statements, ...news, record(result)], issued.events);
  return result;
}

const notVerified = (state: string) =>
  conflict(
    "organisation_not_verified",
    "企业信息尚未经主管部门核验（营业执照），核验后方可批准 / The enterprise's facts are not verified against its business licence yet; verify them before approving",
    { verification_state: state },
  );

/** After the retries: which guard stopped the approval, in words. */
function explainApprovalGuard(violation: ConstraintViolation): AppError {
  switch (violation.name) {
    case "ledger_account_overdrawn":
      return conflict("budget_exhausted", "项目剩余预算不足 / Not enough budget is left in the programme");
    case "annual_issue_cap_exceeded":
      return conflict("annual_issuance_quota_reached", "超出企业本年度申领额度 / This would pass the enterprise's annual issuance quota");
    case "voucher_applications.status":
      return conflict("application_decided", "该申请已被他人处理 / Someone else already decided this application");
    case "organisations.verification_state":
      return notVerified("rejected");
    case "vouchers.sme_org_id":
      return conflict("not_approvable", "企业已被列入失信名单 / The enterprise is now on the credit blacklist");
    default:
      return conflict("programme_changed", "项目刚被修改或关闭，请刷新后重试 / The programme just changed or closed; reload and try again");
  }
}

export const approveApplication: RouteHandler<typeof routes.approveApplication, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  return idempotent(c, body, (record) => retryOnGuard(() => approveOnce(c, id, body, record), explainApprovalGuard)) as never;
};

export const rejectApplication: RouteHandler<typeof routes.rejectApplication, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { reason } = c.req.valid("json");
  const { application, programme } = await decidable(c, id);
  const now = c.var.now();
  const after: VoucherApplication = { ...application, status: "rejected", decision_reason: reason, decided_by: actorOf(c).user.id, decided_at: now };
  const news = await applicationNews(after, "application.rejected", programme.agency_org_id, after.decided_by, now);
  try {
    await commit(
      c,
      [
        c.var.store.db
          .update(voucher_applications)
          .set({ status: transition(voucher_applications.status, ["pending"], "rejected"), decision_reason: reason, decided_by: after.decided_by, decided_at: now })
          .where(eq(voucher_applications.id, id)),
        ...news,
      ],
      [{ action: "voucher_application.rejected", subject_type: "voucher_application", subject_id: id, programme_id: application.programme_id, before: { status: application.status }, after: { status: "rejected", reason } }],
    );
  } catch (error) {
    if (constraintViolation(error)) throw conflict("application_decided", "该申请已被他人处理 / Someone else already decided this application");
    throw error;
  }
  return c.json(presentApplication(after), 200);
};

/**
 * The applying enterprise takes back an application nobody has decided yet. The write itself
 * requires it to be pending (transition: otherwise NOT NULL refuses the batch), so an approval or
 * rejection committed between our read and our write wins and the withdrawal is refused.
 */
export const withdrawApplication: RouteHandler<typeof routes.withdrawApplication, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  const { reason } = c.req.valid("json");
  const row = await visibleApplication(c.var.store, actor, id);
  if (actor.org.kind !== "sme") throw notFound(...NOT_FOUND);
  const { application } = row;
  if (application.status !== "pending") throw alreadyDecided(application);
  const now = c.var.now();
  const after: VoucherApplication = { ...application, status: "withdrawn", decision_reason: reason ?? null, decided_by: actor.user.id, decided_at: now };
  try {
    await commit(
      c,
      [
        c.var.store.db
          .update(voucher_applications)
          .set({ status: transition(voucher_applications.status, ["pending"], "withdrawn"), decision_reason: after.decision_reason, decided_by: after.decided_by, decided_at: now })
          .where(and(eq(voucher_applications.id, id), eq(voucher_applications.sme_org_id, actor.org.id))),
      ],
      [{ action: "voucher_application.withdrawn", subject_type: "voucher_application", subject_id: id, programme_id: application.programme_id, before: { status: application.status }, after: { status: "withdrawn", reason: after.decision_reason } }],
    );
  } catch (error) {
    if (constraintViolation(error)) throw conflict("application_decided", "该申请刚被审核人处理，不能撤回 / A reviewer has just decided this application, so it can no longer be withdrawn");
    throw error;
  }
  return c.json(presentApplication(after), 200);
};
