// Extending and rescheduling a booking (docs/booking-changes.md): the quote for a change, and the
// change itself.
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { commit, retryOnGuard } from "../../db/atomic";
import { idempotent } from "../../db/idempotency";
import type { Booking } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { actorOf } from "../../lib/route";
import { toShanghaiIso } from "../../lib/time";
import { capacityRefusal, copayRefusal } from "../../services/booking-plan";
import { readBookingAsParty } from "../../services/booking-moves";
import { bookingChangeNews } from "../../services/booking-news";
import { changeStatements, explainChangeGuard, planChange, type ChangeKind, type ChangePlan, type ChangeRequest } from "../../services/booking-changes";
import { presentBooking } from "../../services/bookings";
import type * as routes from "./bookings.routes";
import { actorIds } from "./moves.handlers";

type ChangeBody = { starts_at?: string; ends_at: string; max_copay_fen?: number | undefined };

/** The change the SME asked for, from the booking as read (an extension keeps its start). */
function changeRequest(kind: ChangeKind, body: { starts_at?: string | undefined; ends_at: string }, b: Booking): ChangeRequest {
  return { kind, starts_at: kind === "extend" ? b.starts_at : Date.parse(body.starts_at as string), ends_at: Date.parse(body.ends_at) };
}

function presentChange(plan: ChangePlan) {
  const b = plan.before;
  return {
    kind: plan.kind,
    before: { starts_at: toShanghaiIso(b.starts_at), ends_at: toShanghaiIso(b.ends_at), gross_fen: b.gross_fen, subsidy_fen: b.subsidy_fen, copay_fen: b.copay_fen },
    quote: plan.quote,
    copay_change_fen: plan.quote.copay_fen - b.copay_fen,
    subsidy_change_fen: plan.quote.subsidy_fen - b.subsidy_fen,
  };
}

export const quoteBookingChange: RouteHandler<typeof routes.quoteBookingChange, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const actor = actorOf(c);
  const booking = await readBookingAsParty(c.var.store, actor, c.req.valid("param").id, "sme");
  const plan = await planChange(c.var.store, actor, booking, changeRequest(q.kind, q, booking), c.var.now());
  return c.json(presentChange(plan), 200);
};

/** Extend or reschedule: once per Idempotency-Key; slots, hold, booking, audit and news in one batch. */
function changeMove(c: Context<AppEnv>, kind: ChangeKind, id: string, body: ChangeBody) {
  const actor = actorOf(c);
  return idempotent(c, body, (record) =>
    retryOnGuard(async () => {
      const now = c.var.now();
      const booking = await readBookingAsParty(c.var.store, actor, id, "sme");
      const request = changeRequest(kind, body, booking);
      const plan = await planChange(c.var.store, actor, booking, request, now);
      if (!plan.capacity.available) throw capacityRefusal(plan.capacity);
      if (body.max_copay_fen !== undefined && plan.quote.copay_fen > body.max_copay_fen) {
        throw copayRefusal(plan.quote, body.max_copay_fen);
      }
      const change = await changeStatements(c.var.store, plan, request, now);
      const result = { status: 200 as const, body: presentBooking(change.after) };
      const news = await bookingChangeNews(kind, booking, change.after, actorIds(c), now);
      await commit(c, [...change.statements, ...news, record(result)], change.events);
      return result;
    }, explainChangeGuard),
  );
}

export const extendBooking: RouteHandler<typeof routes.extendBooking, AppEnv> = async (c) => changeMove(c, "extend", c.req.valid("param").id, c.req.valid("json")) as never;

export const rescheduleBooking: RouteHandler<typeof routes.rescheduleBooking, AppEnv> = async (c) => changeMove(c, "reschedule", c.req.valid("param").id, c.req.valid("json")) as never;
