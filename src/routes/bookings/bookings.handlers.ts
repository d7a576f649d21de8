import type { RouteHandler } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { commit, retryOnGuard } from "../../db/atomic";
import { idempotent } from "../../db/idempotency";
import { bookings, organisations, programmes, type Booking } from "../../db/schema";
import type { Store } from "../../db/store";
import type { AppEnv } from "../../lib/context";
import { conflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { bookingInput, capacityRefusal, copayRefusal, planBooking } from "../../services/booking-plan";
import { bookingsVisibleTo, readVisibleBooking } from "../../services/booking-moves";
import { bookingNews } from "../../services/booking-news";
import { createBookingStatements, explainBookingGuard, FINAL_BOOKING_GUARDS, presentBooking } from "../../services/bookings";
import type * as routes from "./bookings.routes";

export const createBooking: RouteHandler<typeof routes.createBooking, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const body = c.req.valid("json");
  const input = bookingInput(body);
  const id = newId("bkg");
  return idempotent(c, body, (record) =>
    retryOnGuard(async () => {
      const now = c.var.now();
      const plan = await planBooking(c.var.store, actor, input, now, { refuseWhenFull: true });
      if (!plan.capacity.available) throw capacityRefusal(plan.capacity);
      const reason = plan.terms?.zero_subsidy_reason;
      if (reason) {
        throw conflict("no_subsidy_left", `创新券在此预约上无可用补贴（${reason}）；不使用创新券可按全价预约 / The voucher leaves no subsidy on this booking (${reason}); book without it to pay full price`, { binding_limit: reason, quote: plan.quote });
      }
      if (body.max_copay_fen !== undefined && plan.quote.copay_fen > body.max_copay_fen) {
        throw copayRefusal(plan.quote, body.max_copay_fen);
      }
      const made = createBookingStatements(c.var.store, plan, input, { user_id: actor.user.id, org_id: actor.org.id }, id, now);
      const result = { status: 201 as const, body: presentBooking(made.booking) };
      const news = await bookingNews(null, made.booking, { user_id: actor.user.id, org_id: actor.org.id }, now);
      await commit(c, [...made.statements, ...news, record(result)], made.events);
      return result;
      // A slot over capacity stays over capacity: answer its 409 at once instead of re-reading
      // (under a burst of 200 on one hour, most requests lose this guard; each retry cost ten reads).
    }, explainBookingGuard, { finalGuards: FINAL_BOOKING_GUARDS }),
  ) as never;
};

const smeOrg = alias(organisations, "sme_org");
const providerOrg = alias(organisations, "provider_org");

/** Bookings with the names of both parties and the programme, read with joins. */
export function selectNamedBookings(store: Store) {
  return store.db
    .select({ booking: bookings, sme_name: smeOrg.name, provider_name: providerOrg.name, programme_name: programmes.name })
    .from(bookings)
    .innerJoin(smeOrg, eq(smeOrg.id, bookings.sme_org_id))
    .innerJoin(providerOrg, eq(providerOrg.id, bookings.provider_org_id))
    .leftJoin(programmes, eq(programmes.id, bookings.programme_id));
}

type NamedRow = { booking: Booking; sme_name: string; provider_name: string; programme_name: string | null };
/** With the parties' names, and whether it may be marked in use now (the start move's own rule, by the server's clock). */
const presentNamed = ({ booking, ...names }: NamedRow, now: number) => ({
  ...presentBooking(booking),
  ...names,
  may_start_now: booking.status === "confirmed" && now >= booking.starts_at,
});

export const listBookings: RouteHandler<typeof routes.listBookings, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const rows = await selectNamedBookings(c.var.store)
    .where(
      and(
        bookingsVisibleTo(actorOf(c)),
        q.status ? eq(bookings.status, q.status) : undefined,
        q.offering_id ? eq(bookings.offering_id, q.offering_id) : undefined,
        q.programme_id ? eq(bookings.programme_id, q.programme_id) : undefined,
        q.provider_org_id ? eq(bookings.provider_org_id, q.provider_org_id) : undefined,
        q.sme_org_id ? eq(bookings.sme_org_id, q.sme_org_id) : undefined,
        q.from ? gte(bookings.starts_at, Date.parse(q.from)) : undefined,
        q.to ? lt(bookings.starts_at, Date.parse(q.to)) : undefined,
      ),
    )
    .orderBy(desc(bookings.created_at), desc(bookings.id))
    .limit(q.limit + 1)
    .offset(q.offset);
  const now = c.var.now();
  return c.json({ items: rows.slice(0, q.limit).map((row) => presentNamed(row, now)), limit: q.limit, offset: q.offset, has_more: rows.length > q.limit }, 200);
};

export const getBooking: RouteHandler<typeof routes.getBooking, AppEnv> = async (c) => {
  const booking = await readVisibleBooking(c.var.store, actorOf(c), c.req.valid("param").id);
  const [row] = await selectNamedBookings(c.var.store).where(eq(bookings.id, booking.id));
  if (!row) throw new Error(`booking ${booking.id} lost its organisations`);
  return c.json(presentNamed(row, c.var.now()), 200);
};
