import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { transition } from "../../db/guards";
import { organisations, related_parties } from "../../db/schema";
import type { Actor, AppEnv } from "../../lib/context";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { verificationSummary } from "../../services/verification";
import { presentOrganisation, presentVerification } from "../auth/present";
import type * as routes from "./organisations.routes";

const canReadAnyOrganisation = (actor: Actor) => actor.org.kind === "agency" || actor.org.kind === "platform";

const presentRelatedParty = (row: typeof related_parties.$inferSelect) => ({ ...row, created_at: toIso(row.created_at) });

export const getOrganisation: RouteHandler<typeof routes.getOrganisation, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  if (id !== actor.org.id && !canReadAnyOrganisation(actor)) throw notFound("机构", "Organisation");
  const [org] = await c.var.store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!org) throw notFound("机构", "Organisation");
  return c.json({ ...presentOrganisation(org), verification: presentVerification(await verificationSummary(c.var.store, org)) }, 200);
};

export const listRelatedParties: RouteHandler<typeof routes.listRelatedParties, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  if (id !== actor.org.id && !canReadAnyOrganisation(actor)) throw notFound("机构", "Organisation");
  const rows = await c.var.store.db
    .select()
    .from(related_parties)
    .where(eq(related_parties.org_id, id))
    .orderBy(asc(related_parties.created_at))
    .limit(500);
  return c.json({ items: rows.map(presentRelatedParty) }, 200);
};

export const MAX_RELATED_PARTIES = 500;

export const declareRelatedParty: RouteHandler<typeof routes.declareRelatedParty, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  if (id !== actor.org.id) throw forbidden("只能为本机构申报关联方 / You can declare related parties only for your own organisation");
  const body = c.req.valid("json");
  if (body.party_credit_code === actor.org.credit_code) {
    throw conflict("self_relation", "不能将本机构申报为关联方 / An organisation cannot be its own related party");
  }
  const [{ count } = { count: 0 }] = await c.var.store.db
    .select({ count: sql<number>`count(*)` })
    .from(related_parties)
    .where(and(eq(related_parties.org_id, id)));
  if (count >= MAX_RELATED_PARTIES) {
    throw conflict("too_many_related_parties", `关联方最多${MAX_RELATED_PARTIES}条 / At most ${MAX_RELATED_PARTIES} declarations`);
  }
  const row = {
    id: newId("rel"),
    org_id: id,
    relation: body.relation,
    party_name: body.party_name,
    party_credit_code: body.party_credit_code ?? null,
    created_at: c.var.now(),
  };
  await commit(c, [c.var.store.db.insert(related_parties).values(row)], [
    { action: "related_party.declared", subject_type: "organisation", subject_id: id, after: row },
  ]);
  return c.json(presentRelatedParty(row), 201);
};

export const listProviders: RouteHandler<typeof routes.listProviders, AppEnv> = async (c) => {
  const { status, limit, offset } = c.req.valid("query");
  const db = c.var.store.db;
  const matching = and(eq(organisations.kind, "provider"), status ? eq(organisations.provider_status, status) : undefined);
  const [rows, [count]] = await Promise.all([
    db.select().from(organisations).where(matching).orderBy(asc(organisations.created_at), asc(organisations.id)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)` }).from(organisations).where(matching),
  ]);
  return c.json({ items: rows.map(presentOrganisation), total: Number(count?.total ?? 0), limit, offset }, 200);
};

async function decideProvider(
  c: Parameters<RouteHandler<typeof routes.approveProvider, AppEnv>>[0],
  id: string,
  status: "approved" | "rejected" | "suspended",
  reason: string | null,
) {
  const db = c.var.store.db;
  const [before] = await db.select().from(organisations).where(eq(organisations.id, id));
  if (!before || before.kind !== "provider") throw notFound("服务商", "Provider");
  if (before.provider_status === status) {
    throw conflict("already_decided", `该服务商已是此状态 / The provider is already ${status}`);
  }
  const after = { ...before, provider_status: status, provider_status_reason: reason };
  // Guarded on the status read above: if another reviewer decided in between, the statement
  // fails and nothing (not even the audit event) is written.
  try {
    await commit(
      c,
      [
        db
          .update(organisations)
          .set({
            provider_status: transition(organisations.provider_status, [before.provider_status as string], status),
            provider_status_reason: reason,
          })
          .where(eq(organisations.id, id)),
      ],
      [{ action: `provider.${status}`, subject_type: "organisation", subject_id: id, before, after }],
    );
  } catch (error) {
    if (!constraintViolation(error)) throw error;
    throw conflict("concurrent_decision", "该服务商状态刚被他人修改，请刷新 / Someone else just changed this provider; reload");
  }
  return c.json(presentOrganisation(after), 200);
}

export const approveProvider: RouteHandler<typeof routes.approveProvider, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  return decideProvider(c, id, "approved", c.req.valid("json").reason ?? null);
};

export const rejectProvider: RouteHandler<typeof routes.rejectProvider, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const [current] = await c.var.store.db.select().from(organisations).where(eq(organisations.id, id));
  const status = current?.provider_status === "approved" ? "suspended" : "rejected";
  return decideProvider(c, id, status, c.req.valid("json").reason);
};
