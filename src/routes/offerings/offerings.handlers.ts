import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { normaliseModel } from "../../domain/capacity-search";
import { commit, retryOnGuard } from "../../db/atomic";
import { blackouts, offerings, organisations } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { unprocessable } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { DAY_MS, toShanghaiIso } from "../../lib/time";
import { activeOfferingsGuard, explainWriteLimit, isWriteLimit, tooManyOfferings } from "../../services/write-limits";
import { presentBookingsInTheWay } from "../../services/offering-changes";
import { mayPublish } from "../../services/vetting";
import { coveredByVoucher } from "../../services/voucher-coverage";
import { presentOffering, readOwnOffering, readVisibleOffering, slotAvailability, visibleTo } from "../../services/offerings";
import { constraintViolation } from "../../db/constraints";
import { publishedProviderGuard } from "../../services/blackouts";
import { explainOfferingGuard, newOfferingRow, notApprovedToPublish, planOfferingChange } from "./offering-rows";
import * as routes from "./offerings.routes";

export const createOffering: RouteHandler<typeof routes.createOffering, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const body = c.req.valid("json");
  // A draft is the provider's own until published: anyone may save one, awaiting approval or not.
  const draft = body.status === "draft";
  if (!draft && !(await mayPublish(c.var.store, actor.org))) throw notApprovedToPublish();
  const row = newOfferingRow(body, actor.org, newId("off"), c.var.now());
  const guards = draft ? [] : [publishedProviderGuard(row.id, actor.org.id), activeOfferingsGuard(actor.org.id, row.created_at)];
  await commit(c, [c.var.store.db.insert(offerings).values(row), ...guards], [
    { action: draft ? "offering.drafted" : "offering.published", subject_type: "offering", subject_id: row.id, after: row },
  ]).catch((error) => {
    if (constraintViolation(error)?.name === "offerings.status") throw notApprovedToPublish();
    return explainWriteLimit(error, tooManyOfferings);
  });
  return c.json(presentOffering(row, actor.org), 201);
};

export const updateOffering: RouteHandler<typeof routes.updateOffering, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  const result = await retryOnGuard(async () => {
    const before = await readOwnOffering(c.var.store, actor, id);
    // Publishing a draft (or re-activating) needs an approved provider; the write checks it again.
    if (patch.status === "active" && before.status !== "active" && !(await mayPublish(c.var.store, actor.org))) throw notApprovedToPublish();
    const change = await planOfferingChange(c.var.store, before, patch, c.var.now());
    await commit(c, change.statements, change.events);
    return change;
  }, (v) => (isWriteLimit(v) ? tooManyOfferings() : v.name === "offerings.status" ? notApprovedToPublish() : explainOfferingGuard(v)));
  return c.json({ offering: presentOffering(result.after, actor.org), cancelled_bookings: await presentBookingsInTheWay(c.var.store, result.cancelled) }, 200);
};

export const listOfferings: RouteHandler<typeof routes.listOfferings, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const q = c.req.valid("query");
  const covered = q.covered_by_voucher ? await coveredByVoucher(c.var.store, actor, q.covered_by_voucher, c.var.now()) : undefined;
  const rows = await c.var.store.db
    .select({ offering: offerings, provider_name: organisations.name })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.provider_org_id))
    .where(
      and(
        visibleTo(actor),
        q.category ? eq(offerings.category, q.category) : undefined,
        q.q ? sql`instr(lower(${offerings.name} || ' ' || ${offerings.description}), lower(${q.q})) > 0` : undefined,
        q.accelerator_model
          ? sql`lower(replace(replace(replace(coalesce(${offerings.accelerator_model}, ''), ' ', ''), '-', ''), '_', '')) = ${normaliseModel(q.accelerator_model)}`
          : undefined,
        q.domestic === undefined ? undefined : eq(offerings.domestic, q.domestic),
        q.access_mode ? eq(offerings.access_mode, q.access_mode) : undefined,
        q.provider_org_id ? eq(offerings.provider_org_id, q.provider_org_id) : undefined,
        q.max_unit_price_fen === undefined ? undefined : sql`${offerings.unit_price_fen} <= ${q.max_unit_price_fen}`,
        covered,
      ),
    )
    .orderBy(desc(offerings.created_at), asc(offerings.id))
    .limit(q.limit + 1)
    .offset(q.offset);
  const items = rows.slice(0, q.limit).map((r) => presentOffering(r.offering, { name: r.provider_name }));
  return c.json({ items, limit: q.limit, offset: q.offset, has_more: rows.length > q.limit }, 200);
};

/** Upcoming blackouts shown with an offering. */
const LISTED_BLACKOUTS = 50;

export const getOffering: RouteHandler<typeof routes.getOffering, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { offering, provider } = await readVisibleOffering(c.var.store, actorOf(c), id);
  const upcoming = await c.var.store.db
    .select()
    .from(blackouts)
    .where(and(eq(blackouts.offering_id, id), gt(blackouts.ends_at, c.var.now())))
    .orderBy(asc(blackouts.starts_at))
    .limit(LISTED_BLACKOUTS);
  const presented = upcoming.map((b) => ({ id: b.id, starts_at: toShanghaiIso(b.starts_at), ends_at: toShanghaiIso(b.ends_at), reason: b.reason }));
  return c.json({ ...presentOffering(offering, provider), blackouts: presented }, 200);
};

function windowOf(query: { from?: string; to?: string }, now: number, maxDays: number) {
  const from = query.from ? Date.parse(query.from) : now;
  const to = query.to ? Date.parse(query.to) : from + 7 * DAY_MS;
  if (to <= from) throw unprocessable("empty_window", "结束时间须晚于开始时间 / The window must end after it starts");
  if (to - from > maxDays * DAY_MS) {
    throw unprocessable("window_too_long", `查询窗口最长${maxDays}天 / The window may span at most ${maxDays} days`);
  }
  return { from, to };
}

export const getAvailability: RouteHandler<typeof routes.getAvailability, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const now = c.var.now();
  const { offering } = await readVisibleOffering(c.var.store, actorOf(c), id);
  const window = windowOf(c.req.valid("query"), now, routes.MAX_AVAILABILITY_DAYS);
  const { from, to, slots: free } = await slotAvailability(c.var.store, offering, window, now);
  const slotMs = offering.slot_minutes * 60_000;
  const slots = free.map((s) => ({
    starts_at: toShanghaiIso(s.slot_start_at),
    ends_at: toShanghaiIso(s.slot_start_at + slotMs),
    capacity_units: s.capacity_units,
    booked_units: s.booked_units,
    free_units: s.state === "open" ? s.free_units : 0,
    state: s.state,
  }));
  return c.json({ offering_id: offering.id, slot_minutes: offering.slot_minutes, from: toShanghaiIso(from), to: toShanghaiIso(to), slots }, 200);
};
