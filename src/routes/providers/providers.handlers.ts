import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { transition } from "../../db/guards";
import { organisations, provider_vettings, type Organisation, type ProviderVetting } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import {
  agencyView,
  decisionStatement,
  MAX_AGENCIES,
  readVetting,
  readVettingsOf,
  summaryView,
  type VettingDecision,
  type VettingStatus,
} from "../../services/vetting";
import { providerNews } from "../../services/voucher-news";
import { presentOrganisation } from "../auth/present";
import type * as routes from "./providers.routes";

async function readProvider(c: Context<AppEnv>, id: string): Promise<Organisation> {
  const [org] = await c.var.store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!org || org.kind !== "provider") throw notFound("服务商", "Provider");
  return org;
}

export const listProviders: RouteHandler<typeof routes.listProviders, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { status, limit, offset } = c.req.valid("query");
  const db = c.var.store.db;
  const installationSuspended = eq(organisations.provider_status, "suspended");
  if (actor.org.kind === "agency") {
    // Only providers listed with this agency, with its own decision: it learns nothing of the others.
    // The platform's suspension overrides every agency's decision (agencyView), so it filters the same way.
    const statusIs =
      status === undefined
        ? undefined
        : status === "suspended"
          ? or(eq(provider_vettings.status, "suspended"), installationSuspended)
          : and(eq(provider_vettings.status, status), eq(organisations.provider_status, "active"));
    const matching = and(eq(provider_vettings.agency_org_id, actor.org.id), statusIs);
    const [rows, [count]] = await Promise.all([
      db
        .select({ org: organisations, vetting: provider_vettings })
        .from(provider_vettings)
        .innerJoin(organisations, eq(organisations.id, provider_vettings.provider_org_id))
        .where(matching)
        .orderBy(asc(provider_vettings.created_at), asc(organisations.id))
        .limit(limit)
        .offset(offset),
      db.select({ total: sql<number>`count(*)` }).from(provider_vettings).innerJoin(organisations, eq(organisations.id, provider_vettings.provider_org_id)).where(matching),
    ]);
    const items = rows.map((r) => presentOrganisation(r.org, agencyView(r.org, r.vetting)));
    return c.json({ items, total: Number(count?.total ?? 0), limit, offset }, 200);
  }
  // The installation admin: every provider, with its standing across agencies (summaryView's order in SQL).
  const has = (s: VettingStatus) => sql`EXISTS (SELECT 1 FROM provider_vettings v WHERE v.provider_org_id = ${organisations.id} AND v.status = ${s})`;
  const standing = sql`CASE WHEN ${installationSuspended} THEN 'suspended' WHEN ${has("approved")} THEN 'approved' WHEN ${has("suspended")} THEN 'suspended' WHEN ${has("rejected")} THEN 'rejected' ELSE 'pending' END`;
  const matching = and(eq(organisations.kind, "provider"), status ? sql`${standing} = ${status}` : undefined);
  const [orgs, [count]] = await Promise.all([
    db.select().from(organisations).where(matching).orderBy(asc(organisations.created_at), asc(organisations.id)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)` }).from(organisations).where(matching),
  ]);
  const vettings = new Map<string, ProviderVetting[]>();
  const ids = orgs.map((o) => o.id);
  if (ids.length > 0) {
    for (const v of await db.select().from(provider_vettings).where(inArray(provider_vettings.provider_org_id, ids))) {
      vettings.set(v.provider_org_id, [...(vettings.get(v.provider_org_id) ?? []), v]);
    }
  }
  const items = orgs.map((org) => presentOrganisation(org, summaryView(org, vettings.get(org.id) ?? [])));
  return c.json({ items, total: Number(count?.total ?? 0), limit, offset }, 200);
};

const ALREADY: Record<VettingDecision["status"], string> = {
  approved: "本机构已批准该服务商 / Your agency has already approved this provider",
  rejected: "本机构已驳回该服务商 / Your agency has already rejected this provider",
  suspended: "本机构已暂停该服务商 / Your agency has already suspended this provider",
};

/** One agency's decision on one provider: its own row only, guarded on the state read. */
async function decide(c: Context<AppEnv>, id: string, decideStatus: (before: VettingStatus | undefined) => VettingDecision["status"], reason: string | null) {
  const actor = actorOf(c);
  const provider = await readProvider(c, id);
  const before = await readVetting(c.var.store, actor.org.id, id);
  const status = decideStatus(before?.status);
  if (before?.status === status) throw conflict("already_decided", ALREADY[status]);
  const decision: VettingDecision = { agency_org_id: actor.org.id, provider_org_id: id, status, reason, decided_by: actor.user.id, decided_at: c.var.now() };
  const after: ProviderVetting = { created_at: decision.decided_at, ...before, ...decision, updated_at: decision.decided_at };
  try {
    const news = await providerNews(id, actor.org.id, status, reason, decision.decided_at);
    await commit(c, [decisionStatement(c.var.store, before, decision), ...news], [
      { action: `provider.${status}`, subject_type: "organisation", subject_id: id, before: before ?? null, after },
    ]);
  } catch (error) {
    if (!constraintViolation(error)) throw error;
    throw conflict("concurrent_decision", "该服务商状态刚被本机构他人修改，请刷新 / Someone at your agency just changed this provider; reload");
  }
  return c.json(presentOrganisation(provider, agencyView(provider, after)), 200);
}

export const approveProvider: RouteHandler<typeof routes.approveProvider, AppEnv> = async (c) =>
  decide(c, c.req.valid("param").id, () => "approved", c.req.valid("json").reason ?? null);

export const rejectProvider: RouteHandler<typeof routes.rejectProvider, AppEnv> = async (c) =>
  decide(c, c.req.valid("param").id, (before) => (before === "approved" ? "suspended" : "rejected"), c.req.valid("json").reason);

export const suspendProvider: RouteHandler<typeof routes.suspendProvider, AppEnv> = async (c) =>
  decide(
    c,
    c.req.valid("param").id,
    (before) => {
      if (before !== "approved" && before !== "suspended") {
        throw conflict("not_approved", "本机构未批准该服务商，无需暂停；可驳回 / Your agency has not approved this provider, so there is nothing to suspend; reject it instead");
      }
      return "suspended";
    },
    c.req.valid("json").reason,
  );

export const setInstallationStatus: RouteHandler<typeof routes.setInstallationStatus, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { status, reason } = c.req.valid("json");
  const before = await readProvider(c, id);
  if (before.provider_status === status) {
    throw conflict("already_decided", `该服务商已是此状态 / The provider is already ${status} on this installation`);
  }
  const after: Organisation = { ...before, provider_status: status, provider_status_reason: reason };
  try {
    await commit(
      c,
      [
        c.var.store.db
          .update(organisations)
          .set({ provider_status: transition(organisations.provider_status, [before.provider_status as string], status) as never, provider_status_reason: reason })
          .where(eq(organisations.id, id)),
      ],
      [{ action: status === "suspended" ? "provider.installation_suspended" : "provider.installation_reinstated", subject_type: "organisation", subject_id: id, before, after }],
    );
  } catch (error) {
    if (!constraintViolation(error)) throw error;
    throw conflict("concurrent_decision", "该服务商状态刚被他人修改，请刷新 / Someone else just changed this provider; reload");
  }
  return c.json(presentOrganisation(after, summaryView(after, await readVettingsOf(c.var.store, id))), 200);
};

const presentVetting = (v: ProviderVetting, agency_name: string) => ({
  agency_org_id: v.agency_org_id,
  agency_name,
  provider_org_id: v.provider_org_id,
  status: v.status,
  reason: v.reason,
  decided_at: v.decided_at === null ? null : toIso(v.decided_at),
  created_at: toIso(v.created_at),
});

export const listOwnVettings: RouteHandler<typeof routes.listOwnVettings, AppEnv> = async (c) => {
  const rows = await c.var.store.db
    .select({ vetting: provider_vettings, agency_name: organisations.name })
    .from(provider_vettings)
    .innerJoin(organisations, eq(organisations.id, provider_vettings.agency_org_id))
    .where(eq(provider_vettings.provider_org_id, actorOf(c).org.id))
    .orderBy(asc(provider_vettings.created_at), asc(provider_vettings.agency_org_id))
    .limit(MAX_AGENCIES);
  return c.json({ items: rows.map((r) => presentVetting(r.vetting, r.agency_name)) }, 200);
};

export const applyToAgency: RouteHandler<typeof routes.applyToAgency, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { agency_org_id } = c.req.valid("json");
  const [agency] = await c.var.store.db.select().from(organisations).where(eq(organisations.id, agency_org_id));
  if (!agency || agency.kind !== "agency") throw notFound("机构", "Agency");
  const now = c.var.now();
  const row: ProviderVetting = { agency_org_id, provider_org_id: actor.org.id, status: "pending", reason: null, decided_by: null, decided_at: null, created_at: now, updated_at: now };
  try {
    // The primary key refuses a second row for the pair: an agency's decision stays until it changes it.
    await commit(c, [c.var.store.db.insert(provider_vettings).values(row)], [
      { action: "provider.applied", subject_type: "organisation", subject_id: actor.org.id, after: row },
    ]);
  } catch (error) {
    if (!constraintViolation(error)) throw error;
    throw conflict("already_applied", "已向该机构申请或该机构已作出决定 / You are already listed with this agency");
  }
  return c.json(presentVetting(row, agency.name), 201);
};
