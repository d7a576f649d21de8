import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import { commit } from "../../db/atomic";
import { organisations, related_parties } from "../../db/schema";
import { mayReadOrganisation } from "../../auth/organisation-access";
import type { AppEnv } from "../../lib/context";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { verificationSummary } from "../../services/verification";
import { vettingViewFor } from "../../services/vetting";
import { presentOrganisation, presentVerification } from "../auth/present";
import type * as routes from "./organisations.routes";

const presentRelatedParty = (row: typeof related_parties.$inferSelect) => ({ ...row, created_at: toIso(row.created_at) });

export const getOrganisation: RouteHandler<typeof routes.getOrganisation, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  if (!(await mayReadOrganisation(c.var.store, actor, id))) throw notFound("机构", "Organisation");
  const [org] = await c.var.store.db.select().from(organisations).where(eq(organisations.id, id));
  if (!org) throw notFound("机构", "Organisation");
  return c.json({ ...presentOrganisation(org, await vettingViewFor(c.var.store, org, actor.org)), verification: presentVerification(await verificationSummary(c.var.store, org)) }, 200);
};

export const listRelatedParties: RouteHandler<typeof routes.listRelatedParties, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  if (!(await mayReadOrganisation(c.var.store, actorOf(c), id))) throw notFound("机构", "Organisation");
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
