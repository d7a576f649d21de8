import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { files, organisations, programmes, voucher_applications, type Organisation } from "../../db/schema";
import type { Actor, AppEnv } from "../../lib/context";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { agencyMayReviewOrganisation } from "../../services/organisation-access";
import {
  latestLicence,
  registrantsOf,
  rejectStatement,
  SUPERSEDED_REASON,
  submitStatement,
  verificationSummary,
  verifyStatements,
} from "../../services/verification";
import { vettingViewFor, type VettingView } from "../../services/vetting";
import { presentOrganisation, presentVerification } from "../auth/present";
import { presentFile } from "../files/files.handlers";
import type * as routes from "./verification.routes";

const NOT_FOUND = ["机构", "Organisation"] as const;

async function readOrganisation(c: Context<AppEnv>, id: string): Promise<Organisation> {
  const [org] = await c.var.store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!org) throw notFound(...NOT_FOUND);
  return org;
}

/** The organisation itself, or an agency that may review it; anyone else gets 404. */
async function visibleOrganisation(c: Context<AppEnv>, actor: Actor, id: string): Promise<{ org: Organisation; reviewer: boolean }> {
  const org = await readOrganisation(c, id);
  if (org.id === actor.org.id) return { org, reviewer: false };
  if (actor.org.kind === "agency" && (await agencyMayReviewOrganisation(c.var.store, actor.org.id, org))) return { org, reviewer: true };
  throw notFound(...NOT_FOUND);
}

async function presentRequest(c: Context<AppEnv>, org: Organisation, reviewer: boolean) {
  const store = c.var.store;
  const licences = await store.db
    .select()
    .from(files)
    .where(and(eq(files.org_id, org.id), eq(files.purpose, "business_licence")))
    .orderBy(desc(files.created_at), desc(files.id))
    .limit(10);
  const registrants = reviewer ? await registrantsOf(store, org.credit_code) : null;
  return {
    organisation: presentOrganisation(org, await vettingViewFor(store, org, c.var.actor?.org ?? org)),
    verification: presentVerification(await verificationSummary(store, org)),
    verified_by: org.verified_by,
    licences: licences.map(presentFile),
    registrants:
      registrants?.map((r, index) => ({ ...r, created_at: toIso(r.created_at), registered_first: index === 0 })) ?? null,
  };
}

export const getVerification: RouteHandler<typeof routes.getVerification, AppEnv> = async (c) => {
  const { org, reviewer } = await visibleOrganisation(c, actorOf(c), c.req.valid("param").id);
  return c.json(await presentRequest(c, org, reviewer), 200);
};

const stateConflict = (org: Pick<Organisation, "verification_state">, expected: string) =>
  conflict(
    "verification_state",
    `核验状态为${STATE_WORDS[org.verification_state]}，不能执行此操作 / The verification is ${org.verification_state}; this needs it ${expected}`,
    { verification_state: org.verification_state },
  );
const STATE_WORDS: Record<Organisation["verification_state"], string> = { unverified: "未提交", submitted: "待核验", verified: "已核验", rejected: "已驳回" };

export const submitVerification: RouteHandler<typeof routes.submitVerification, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  if (id !== actor.org.id) throw forbidden("只能提交本机构的核验 / You can submit only your own organisation for verification");
  const facts = c.req.valid("json");
  const before = await readOrganisation(c, id);
  if (!(await latestLicence(c.var.store, id))) {
    throw conflict("business_licence_missing", "请先上传营业执照（PDF或图片）/ Upload the business licence (PDF or image) first");
  }
  if (before.verification_state !== "unverified" && before.verification_state !== "rejected") throw stateConflict(before, "unverified or rejected");
  const now = c.var.now();
  try {
    await commit(c, [submitStatement(c.var.store, id, facts, now)], [
      { action: "organisation.verification_submitted", subject_type: "organisation", subject_id: id, before: { verification_state: before.verification_state }, after: { verification_state: "submitted", ...facts } },
    ]);
  } catch (error) {
    if (!constraintViolation(error)) throw error;
    throw stateConflict(await readOrganisation(c, id), "unverified or rejected");
  }
  return c.json(await presentRequest(c, await readOrganisation(c, id), false), 200);
};

export const verifyOrganisation: RouteHandler<typeof routes.verifyOrganisation, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { org: before } = await visibleOrganisation(c, actor, c.req.valid("param").id);
  if (actor.org.kind !== "agency") throw notFound(...NOT_FOUND);
  if (before.verification_state !== "submitted") throw stateConflict(before, "submitted");
  const { note, supersede, ...facts } = c.req.valid("json");
  const now = c.var.now();
  const others = (await registrantsOf(c.var.store, facts.credit_code)).filter(
    (r) => r.id !== before.id && (supersede ? r.verification_state !== "rejected" : r.verification_state === "unverified" || r.verification_state === "submitted"),
  );
  try {
    await commit(c, verifyStatements(c.var.store, { orgId: before.id, by: actor.user.id, note: note ?? null, facts, supersede }, now), [
      ...others.map((other) => ({
        action: "organisation.verification_rejected",
        subject_type: "organisation",
        subject_id: other.id,
        before: { verification_state: other.verification_state },
        after: { verification_state: "rejected", reason: SUPERSEDED_REASON, superseded_by: before.id },
      })),
      {
        action: "organisation.verified",
        subject_type: "organisation",
        subject_id: before.id,
        before: { verification_state: before.verification_state, credit_code: before.credit_code, name: before.name, region_code: before.region_code, size_class: before.size_class, founded_on: before.founded_on },
        after: { verification_state: "verified", ...facts, note: note ?? null },
      },
    ]);
  } catch (error) {
    const violation = constraintViolation(error);
    if (violation?.kind === "unique" && violation.name === "organisations.credit_code") {
      const holder = (await registrantsOf(c.var.store, facts.credit_code)).find((r) => r.verification_state === "verified");
      throw conflict(
        "credit_code_verified_elsewhere",
        "该统一社会信用代码已核验为另一机构所有；如确属冒用，请核实后以 supersede 重新核验 / Another organisation is already verified for this credit code; if it squatted the code, verify again with supersede",
        { verified_organisation_id: holder?.id ?? null },
      );
    }
    if (violation) throw stateConflict(await readOrganisation(c, before.id), "submitted");
    throw error;
  }
  return c.json(await presentRequest(c, await readOrganisation(c, before.id), true), 200);
};

export const rejectVerification: RouteHandler<typeof routes.rejectVerification, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { org: before } = await visibleOrganisation(c, actor, c.req.valid("param").id);
  if (actor.org.kind !== "agency") throw notFound(...NOT_FOUND);
  if (before.verification_state !== "submitted") throw stateConflict(before, "submitted");
  const { reason } = c.req.valid("json");
  try {
    await commit(c, [rejectStatement(c.var.store, { orgId: before.id, by: actor.user.id, note: null, reason }, c.var.now())], [
      { action: "organisation.verification_rejected", subject_type: "organisation", subject_id: before.id, before: { verification_state: before.verification_state }, after: { verification_state: "rejected", reason } },
    ]);
  } catch (error) {
    if (!constraintViolation(error)) throw error;
    throw stateConflict(await readOrganisation(c, before.id), "submitted");
  }
  return c.json(await presentRequest(c, await readOrganisation(c, before.id), true), 200);
};

export const listVerificationRequests: RouteHandler<typeof routes.listVerificationRequests, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const appliedToUs = c.var.store.db
    .select({ id: voucher_applications.sme_org_id })
    .from(voucher_applications)
    .innerJoin(programmes, eq(programmes.id, voucher_applications.programme_id))
    .where(eq(programmes.agency_org_id, actor.org.id));
  const rows = await c.var.store.db
    .select()
    .from(organisations)
    .where(
      and(
        eq(organisations.verification_state, "submitted"),
        or(eq(organisations.kind, "provider"), and(eq(organisations.kind, "sme"), inArray(organisations.id, appliedToUs))),
      ),
    )
    .orderBy(asc(organisations.verification_submitted_at), asc(organisations.id))
    .limit(200);
  const views = await Promise.all(rows.map((org) => vettingViewFor(c.var.store, org, actorOf(c).org)));
  return c.json(
    { items: rows.map((org, i) => ({ ...presentOrganisation(org, views[i] as VettingView), verification_submitted_at: org.verification_submitted_at === null ? null : toIso(org.verification_submitted_at) })) },
    200,
  );
};
