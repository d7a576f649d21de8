// A booking's moves by its parties: cancel, confirm, reject, start, deliver, the SME's confirmation
// or dispute of a delivery and the agency's decision on it, and the Slurm account it runs under.
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { commit, retryOnGuard } from "../../db/atomic";
import { idempotent } from "../../db/idempotency";
import { bookings, type Booking } from "../../db/schema";
import type { AppEnv } from "../../lib/context";
import { conflict, unprocessable } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import {
  cancelStatements,
  confirmStatements,
  explainMoveGuard,
  readBookingAsParty,
  readVisibleBooking,
  rejectStatements,
  startStatements,
  type MoveStatements,
} from "../../services/booking-moves";
import { bookingNews, concernedAgency } from "../../services/booking-news";
import { presentBooking } from "../../services/bookings";
import { deliverStatements } from "../../services/delivery";
import { confirmDeliveryStatements, disputeDeliveryStatements, dismissDisputeStatements, upholdDisputeStatements } from "../../services/delivery-confirmation";
import type * as routes from "./bookings.routes";

type Party = "sme" | "provider" | "agency";

/** The booking as the party a move belongs to reads it: an agency, those of its programmes. */
function readForMove(c: Context<AppEnv>, id: string, party: Party) {
  const actor = actorOf(c);
  return party === "agency" ? readVisibleBooking(c.var.store, actor, id) : readBookingAsParty(c.var.store, actor, id, party);
}

export const actorIds = (c: Context<AppEnv>) => ({ user_id: actorOf(c).user.id, org_id: actorOf(c).org.id });
type Plan = (booking: Booking, now: number) => MoveStatements | Promise<MoveStatements>;

/** A move that moves money: once per Idempotency-Key, its response stored in the same batch. */
function moneyMove(c: Context<AppEnv>, id: string, party: Party, body: unknown, plan: Plan) {
  return idempotent(c, body, (record) =>
    retryOnGuard(async () => {
      const now = c.var.now();
      const booking = await readForMove(c, id, party);
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
  const body = c.req.valid("json");
  return moneyMove(c, c.req.valid("param").id, "provider", body, async (b, now) => {
    const move = await deliverStatements(c.var.store, b, now);
    const metered = move.after.delivered_gross_fen;
    if (body.delivered_gross_fen !== undefined && body.delivered_gross_fen !== metered) {
      throw conflict("delivered_gross_mismatch", `按已报用量结算的金额为${metered}分，不是${body.delivered_gross_fen}分；请先补报或更正用量 / Settled on the usage reported the gross is ${metered} fen, not ${body.delivered_gross_fen}; report or correct usage first`, { metered_gross_fen: metered });
    }
    return move;
  }) as never;
};

export const confirmDelivery: RouteHandler<typeof routes.confirmDelivery, AppEnv> = async (c) => {
  const { move } = await runMoveCommitted(c, c.req.valid("param").id, (b, now) => confirmDeliveryStatements(c.var.store, b, now, "sme"), "sme");
  return c.json(presentBooking(move.after), 200);
};

export const disputeDelivery: RouteHandler<typeof routes.disputeDelivery, AppEnv> = async (c) => {
  const { reason } = c.req.valid("json");
  const { move } = await runMoveCommitted(c, c.req.valid("param").id, (b, now) => disputeDeliveryStatements(c.var.store, b, reason, now), "sme");
  return c.json(presentBooking(move.after), 200);
};

export const resolveDispute: RouteHandler<typeof routes.resolveDispute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  if (body.decision === "uphold" && body.corrected_quantity_milli === undefined) {
    throw unprocessable("corrected_quantity_required", "支持异议须给出更正后的用量 / Upholding a dispute needs the corrected quantity");
  }
  const userId = actorOf(c).user.id;
  return moneyMove(c, c.req.valid("param").id, "agency", body, (b, now) =>
    body.decision === "dismiss"
      ? dismissDisputeStatements(c.var.store, b, body.note, now)
      : upholdDisputeStatements(c.var.store, b, body.corrected_quantity_milli as number, body.note, userId, now),
  ) as never;
};

export const setSlurmAccount: RouteHandler<typeof routes.setSlurmAccount, AppEnv> = async (c) => {
  const { slurm_account } = c.req.valid("json");
  const { move } = await runMoveCommitted(c, c.req.valid("param").id, (b, now) => ({
    statements: [c.var.store.db.update(bookings).set({ slurm_account, updated_at: now }).where(eq(bookings.id, b.id))],
    events: [{ action: "booking.slurm_account_set", subject_type: "booking", subject_id: b.id, programme_id: b.programme_id, before: { slurm_account: b.slurm_account }, after: { slurm_account } }],
    after: { ...b, slurm_account, updated_at: now },
  }));
  return c.json(presentBooking(move.after), 200);
};

export const confirmBooking: RouteHandler<typeof routes.confirmBooking, AppEnv> = async (c) => {
  const { move } = await runMoveCommitted(c, c.req.valid("param").id, (b, now) => confirmStatements(c.var.store, b, now));
  return c.json(presentBooking(move.after), 200);
};

export const startBooking: RouteHandler<typeof routes.startBooking, AppEnv> = async (c) => {
  const { move } = await runMoveCommitted(c, c.req.valid("param").id, (b, now) => startStatements(c.var.store, b, now));
  return c.json(presentBooking(move.after), 200);
};

/** A party's move that moves no money: read, decide, write guarded by the status transition. */
async function runMoveCommitted(c: Context<AppEnv>, id: string, plan: Plan, party: Party = "provider") {
  return retryOnGuard(async () => {
    const now = c.var.now();
    const booking = await readForMove(c, id, party);
    const move = await plan(booking, now);
    const agency = await concernedAgency(c.var.store, booking, move.after);
    await commit(c, [...move.statements, ...(await bookingNews(booking, move.after, actorIds(c), now, agency))], move.events);
    return { move };
  }, explainMoveGuard);
}
