import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { and, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { commit, retryOnGuard } from "../../db/atomic";
import { idempotent } from "../../db/idempotency";
import { bookings, organisations, programmes, type Booking } from "../../db/schema";
import type { Store } from "../../db/store";
import type { AppEnv } from "../../lib/context";
import { conflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { bookingInput, capacityRefusal, planBooking } from "../../services/booking-plan";
import {
  bookingsVisibleTo,
  cancelStatements,
  confirmStatements,
  deliverStatements,
  explainMoveGuard,
  readBookingAsParty,
  readVisibleBooking,
  rejectStatements,
  startStatements,
  type MoveStatements,
} from "../../services/booking-moves";
import { bookingNews } from "../../services/booking-news";
import { createBookingStatements, explainBookingGuard, presentBooking } from "../../services/bookings";
import type * as routes from "./bookings.routes";

export const createBooking: RouteHandler<typeof routes.createBooking, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const body = c.req.valid("json");
  const input = bookingInput(body);
  const id = newId("bkg");
  return idempotent(c, body, (record) =>
    retryOnGuard(async () => {
      const now = c.var.now();
      const plan = await planBooking(c.var.store, actor, input, now);
      if (!plan.capacity.available) throw capacityRefusal(plan.capacity);
      const reason = plan.terms?.zero_subsidy_reason;
      if (reason) {
        throw conflict("no_subsidy_left", `创新券在此预约上无可用补贴（${reason}）；不使用创新券可按全价预约 / The voucher leaves no subsidy on this booking (${reason}); book without it to pay full price`, { binding_limit: reason, quote: plan.quote });
      }
      if (body.max_copay_fen !== undefined && plan.quote.copay_fen > body.max_copay_fen) {
        throw conflict("quote_changed", `自付金额为${plan.quote.copay_fen}分，高于您接受的${body.max_copay_fen}分 / The co-pay is ${plan.quote.copay_fen} fen, above the ${body.max_copay_fen} you accepted`, { quote: plan.quote });
      }
      const made = createBookingStatements(c.var.store, plan, input, { user_id: actor.user.id, org_id: actor.org.id }, id, now);
      const result = { status: 201 as const, body: presentBooking(made.booking) };
      const news = await bookingNews(null, made.booking, { user_id: actor.user.id, org_id: actor.org.id }, now);
      await commit(c, [...made.statements, ...news, record(result)], made.events);
      return result;
    }, explainBookingGuard),
  ) as never;
};

const smeOrg = alias(organisations, "sme_org");
const providerOrg = alias(organisations, "provider_org");

/** Bookings with the names of both parties and the programme, read with joins. */
function selectNamedBookings(store: Store) {
  return store.db
    .select({ booking: bookings, sme_name: smeOrg.name, provider_name: providerOrg.name, programme_name: programmes.name })
    .from(bookings)
    .innerJoin(smeOrg, eq(smeOrg.id, bookings.sme_org_id))
    .innerJoin(providerOrg, eq(providerOrg.id, bookings.provider_org_id))
    .leftJoin(programmes, eq(programmes.id, bookings.programme_id));
}

type NamedRow = { booking: Booking; sme_name: string; provider_name: string; programme_name: string | null };
const presentNamed = ({ booking, ...names }: NamedRow) => ({ ...presentBooking(booking), ...names });

export const listBookings: RouteHandler<typeof routes.listBookings, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const rows = await selectNamedBookings(c.var.store)
    .where(
      and(
        bookingsVisibleTo(actorOf(c)),
        q.status ? eq(bookings.status, q.status) : undefined,
        q.offering_id ? eq(bookings.offering_id, q.offering_id) : undefined,
      ),
    )
    .orderBy(desc(bookings.created_at), desc(bookings.id))
    .limit(q.limit + 1)
    .offset(q.offset);
  return c.json({ items: rows.slice(0, q.limit).map(presentNamed), limit: q.limit, offset: q.offset, has_more: rows.length > q.limit }, 200);
};

export const getBooking: RouteHandler<typeof routes.getBooking, AppEnv> = async (c) => {
  const booking = await readVisibleBooking(c.var.store, actorOf(c), c.req.valid("param").id);
  const [row] = await selectNamedBookings(c.var.store).where(eq(bookings.id, booking.id));
  if (!row) throw new Error(`booking ${booking.id} lost its organisations`);
  return c.json(presentNamed(row), 200);
};

type Party = "sme" | "provider";

const actorIds = (c: Context<AppEnv>) => ({ user_id: actorOf(c).user.id, org_id: actorOf(c).org.id });
type Plan = (booking: Booking, now: number) => MoveStatements | Promise<MoveStatements>;

/** A move that moves money: once per Idempotency-Key, its response stored in the same batch. */
function moneyMove(c: Context<AppEnv>, id: string, party: Party, body: unknown, plan: Plan) {
  return idempotent(c, body, (record) =>
    retryOnGuard(async () => {
      const now = c.var.now();
      const booking = await readBookingAsParty(c.var.store, actorOf(c), id, party);
      const move = await plan(booking, now);
      const result = { status: 200 as const, body: presentBooking(move.after) };
      const news = await bookingNews(booking, move.after, actorIds(c), now);
      await commit(c, [...move.statements, ...news, record(result)], move.events);
      return result;
    }, explainMoveGuard),
  );
}

export const cancelBooking: RouteHandler<typeof routes.cancelBooking, AppEnv> = async (c) => {
  const body = c.req.valid("json") as { reason?: string };
  return moneyMove(c, c.req.valid("param").id, "sme", body, (b, now) => cancelStatements(c.var.store, b, body.reason ?? null, now)) as never;
};

export const rejectBooking: RouteHandler<typeof routes.rejectBooking, AppEnv> = async (c) => {
  const body = c.req.valid("json") as { reason: string };
  return moneyMove(c, c.req.valid("param").id, "provider", body, (b, now) => rejectStatements(c.var.store, b, body.reason, now)) as never;
};

export const deliverBooking: RouteHandler<typeof routes.deliverBooking, AppEnv> = async (c) => {
  const body = c.req.valid("json") as { delivered_gross_fen?: number };
  return moneyMove(c, c.req.valid("param").id, "provider", body, (b, now) => deliverStatements(c.var.store, b, body.delivered_gross_fen, now)) as never;
};

export const confirmBooking: RouteHandler<typeof routes.confirmBooking, AppEnv> = async (c) => {
  const { move } = await runMoveCommitted(c, c.req.valid("param").id, (b, now) => confirmStatements(c.var.store, b, now));
  return c.json(presentBooking(move.after), 200);
};

export const startBooking: RouteHandler<typeof routes.startBooking, AppEnv> = async (c) => {
  const { move } = await runMoveCommitted(c, c.req.valid("param").id, (b, now) => startStatements(c.var.store, b, now));
  return c.json(presentBooking(move.after), 200);
};

/** A provider's move that moves no money: read, decide, write guarded by the status transition. */
async function runMoveCommitted(c: Context<AppEnv>, id: string, plan: Plan) {
  return retryOnGuard(async () => {
    const now = c.var.now();
    const booking = await readBookingAsParty(c.var.store, actorOf(c), id, "provider");
    const move = await plan(booking, now);
    await commit(c, [...move.statements, ...(await bookingNews(booking, move.after, actorIds(c), now))], move.events);
    return { move };
  }, explainMoveGuard);
}
