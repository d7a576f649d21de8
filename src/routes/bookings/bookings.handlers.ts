import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { commit, retryOnGuard } from "../../db/atomic";
import { idempotent } from "../../db/idempotency";
import { bookings, organisations, programmes, type Booking } from "../../db/schema";
import type { Store } from "../../db/store";
import type { AppEnv } from "../../lib/context";
import { conflict, unprocessable } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { bookingInput, capacityRefusal, planBooking } from "../../services/booking-plan";
import {
  bookingsVisibleTo,
  cancelStatements,
  confirmStatements,
  explainMoveGuard,
  readBookingAsParty,
  readVisibleBooking,
  rejectStatements,
  startStatements,
  type MoveStatements,
} from "../../services/booking-moves";
import { bookingChangeNews, bookingNews, concernedAgency } from "../../services/booking-news";
import { changeStatements, explainChangeGuard, planChange, type ChangeKind, type ChangePlan, type ChangeRequest } from "../../services/booking-changes";
import { calendarFile } from "../../domain/ics";
import { toShanghaiIso } from "../../lib/time";
import { createBookingStatements, explainBookingGuard, FINAL_BOOKING_GUARDS, presentBooking } from "../../services/bookings";
import { deliverStatements } from "../../services/delivery";
import { confirmDeliveryStatements, disputeDeliveryStatements, dismissDisputeStatements, upholdDisputeStatements } from "../../services/delivery-confirmation";
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
        throw conflict("quote_changed", `自付金额为${plan.quote.copay_fen}分，高于您接受的${body.max_copay_fen}分 / The co-pay is ${plan.quote.copay_fen} fen, above the ${body.max_copay_fen} you accepted`, { quote: plan.quote });
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
function selectNamedBookings(store: Store) {
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

type Party = "sme" | "provider" | "agency";

/** The booking as the party a move belongs to reads it: an agency, those of its programmes. */
function readForMove(c: Context<AppEnv>, id: string, party: Party) {
  const actor = actorOf(c);
  return party === "agency" ? readVisibleBooking(c.var.store, actor, id) : readBookingAsParty(c.var.store, actor, id, party);
}

const actorIds = (c: Context<AppEnv>) => ({ user_id: actorOf(c).user.id, org_id: actorOf(c).org.id });
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
        throw conflict("quote_changed", `自付金额为${plan.quote.copay_fen}分，高于您接受的${body.max_copay_fen}分 / The co-pay is ${plan.quote.copay_fen} fen, above the ${body.max_copay_fen} you accepted`, { quote: plan.quote });
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

const CHANGE_ACTIONS = new Set(["booking.extended", "booking.rescheduled"]);

/** The booking's moves and changes from the audit log, with the acting organisation's name. */
async function historyOf(store: Store, bookingId: string) {
  const events = await store.all<{ at: number; action: string; actor_org_name: string | null; before_json: string | null; after_json: string | null }>(sql`
    SELECT e.at, e.action, o.name AS actor_org_name, e.before_json, e.after_json FROM audit_events e LEFT JOIN organisations o ON o.id = e.actor_org_id
    WHERE e.subject_type = 'booking' AND e.subject_id = ${bookingId} AND e.action LIKE 'booking.%' ORDER BY e.seq LIMIT 200`);
  return events.map((e) => {
    const after = (e.after_json ? JSON.parse(e.after_json) : {}) as Record<string, unknown>;
    const before = (e.before_json ? JSON.parse(e.before_json) : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    const change = CHANGE_ACTIONS.has(e.action)
      ? {
          from: { starts_at: String(before.starts_at), ends_at: String(before.ends_at) },
          to: { starts_at: String(after.starts_at), ends_at: String(after.ends_at) },
          gross_fen: Number(after.gross_fen),
          subsidy_fen: Number(after.subsidy_fen),
          copay_fen: Number(after.copay_fen),
        }
      : null;
    return { at: toShanghaiIso(Number(e.at)), action: e.action, actor_org_name: e.actor_org_name, status: str(after.status), reason: str(after.status_reason) ?? str(after.reason), change };
  });
}

export const bookingHistory: RouteHandler<typeof routes.bookingHistory, AppEnv> = async (c) => {
  const booking = await readVisibleBooking(c.var.store, actorOf(c), c.req.valid("param").id);
  return c.json({ items: await historyOf(c.var.store, booking.id) }, 200);
};

const CALENDAR_STATUS: Partial<Record<Booking["status"], "CONFIRMED" | "TENTATIVE" | "CANCELLED">> = { requested: "TENTATIVE", cancelled: "CANCELLED", rejected: "CANCELLED", lapsed: "CANCELLED" };

// A booking that will not take place stays a file, not a 404: the same UID with STATUS:CANCELLED
// (RFC 5545 §3.8.1.11) and a higher SEQUENCE (§3.8.7.4), so a calendar that imported the live
// event replaces it with the cancelled one instead of keeping a booking that is gone. The web
// offers the download only for bookings that are or will be taking place.
export const bookingCalendar: RouteHandler<typeof routes.bookingCalendar, AppEnv> = async (c) => {
  const booking = await readVisibleBooking(c.var.store, actorOf(c), c.req.valid("param").id);
  const [row] = await selectNamedBookings(c.var.store).where(eq(bookings.id, booking.id));
  if (!row) throw new Error(`booking ${booking.id} lost its organisations`);
  const history = await historyOf(c.var.store, booking.id);
  const changes = history.filter((e) => CHANGE_ACTIONS.has(e.action)).length;
  // STATUS changed from TENTATIVE to CONFIRMED: a booking that was requested first, then confirmed
  // (one made confirmed starts with its own booking.confirmed event, which is no change).
  const confirmedLater = history.slice(1).some((e) => e.action === "booking.confirmed") ? 1 : 0;
  const status = CALENDAR_STATUS[booking.status] ?? "CONFIRMED";
  const cancelled = status === "CANCELLED";
  const what = `${booking.quote_json ? JSON.parse(booking.quote_json).offering_name : ""} × ${booking.quantity} — ${row.provider_name}`;
  const file = calendarFile({
    uid: `${booking.id}@bookings.innovation-vouchers`,
    stamp: c.var.now(),
    starts_at: booking.starts_at,
    ends_at: booking.ends_at,
    // Each change of STATUS and each change of range is a new version for calendars that imported it.
    sequence: changes + confirmedLater + (cancelled ? 1 : 0),
    status,
    // Said in the title too, for a calendar that shows a cancelled event without marking it.
    summary: cancelled ? `已取消 Cancelled: ${what}` : what,
    description: `预约 Booking ${booking.id}\n服务商 Provider: ${row.provider_name}\n企业 Enterprise: ${row.sme_name}\n总价 Total: ¥${(booking.gross_fen / 100).toFixed(2)}，券补贴 voucher subsidy ¥${(booking.subsidy_fen / 100).toFixed(2)}，自付 co-pay ¥${(booking.copay_fen / 100).toFixed(2)}`,
  });
  return c.body(file, 200, { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": `attachment; filename="${booking.id}.ics"` }) as never;
};
