// Moving a booking through its lifecycle (src/domain/booking-lifecycle.ts). Each move reads the
// booking, decides whether it may happen now, and returns statements whose status transition
// fails the batch if another request moved the booking first.
import { bookingsOnOwnOfferings } from "../auth/provider-scope";
import { and, eq, inArray, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { cancellableUntil, MOVES, type BookingStatus, type Move } from "../domain/booking-lifecycle";
import type { AuditInput } from "../db/audit";
import { transition } from "../db/guards";
import { bookings, offerings, programmes, type Booking } from "../db/schema";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";
import { conflict, notFound, type AppError } from "../lib/errors";
import { shanghaiText, toShanghaiIso } from "../lib/time";
import { releaseBookingStatements, releaseEvent } from "./bookings-release";

export const BOOKING_NOUN = ["预约", "Booking"] as const;

/** Which bookings a caller may see: an SME its own, a provider its offerings', an agency those on its programmes. */
export function bookingsVisibleTo(actor: Actor): SQL {
  switch (actor.org.kind) {
    case "sme":
      return eq(bookings.sme_org_id, actor.org.id);
    case "provider":
      // Decided once, with the timeline's reads: src/auth/provider-scope.ts.
      return bookingsOnOwnOfferings(actor);
    case "agency":
      return inArray(bookings.programme_id, sql`(SELECT ${programmes.id} FROM ${programmes} WHERE ${programmes.agency_org_id} = ${actor.org.id})`);
    default:
      return sql`0`;
  }
}

export async function readVisibleBooking(store: Store, actor: Actor, id: string): Promise<Booking> {
  const [row] = await store.db.select().from(bookings).where(and(eq(bookings.id, id), bookingsVisibleTo(actor)));
  if (!row) throw notFound(...BOOKING_NOUN);
  return row;
}

/** The party a move belongs to: the SME cancels; the provider confirms, starts, delivers and rejects. */
export async function readBookingAsParty(store: Store, actor: Actor, id: string, party: "sme" | "provider"): Promise<Booking> {
  const column = party === "sme" ? bookings.sme_org_id : bookings.provider_org_id;
  const [row] = await store.db.select().from(bookings).where(and(eq(bookings.id, id), eq(column, actor.org.id)));
  if (!row) throw notFound(...BOOKING_NOUN);
  return row;
}

const STATUS_NAMES: Record<BookingStatus, string> = {
  requested: "待确认 requested",
  confirmed: "已确认 confirmed",
  in_use: "使用中 in use",
  delivered: "已交付 delivered",
  settled: "已结算 settled",
  cancelled: "已取消 cancelled",
  rejected: "已拒绝 rejected",
  lapsed: "已失效 lapsed",
};

export function assertMove(booking: Booking, move: Move): void {
  if (!(MOVES[move].from as readonly string[]).includes(booking.status)) {
    throw conflict("invalid_transition", `预约当前为${STATUS_NAMES[booking.status]}，不能执行此操作 / The booking is ${booking.status}; it cannot be moved to ${MOVES[move].to}`, {
      status: booking.status,
    });
  }
}

export interface MoveStatements {
  statements: SQLWrapper[];
  events: AuditInput[];
  after: Booking;
}

function simpleMove(store: Store, booking: Booking, move: "confirm" | "start", now: number): MoveStatements {
  const { from, to } = MOVES[move];
  const after: Booking = { ...booking, status: to, updated_at: now };
  return {
    statements: [
      store.db
        .update(bookings)
        .set({ status: transition(bookings.status, from, to) as never, updated_at: now })
        .where(eq(bookings.id, booking.id)),
    ],
    events: [{ action: `booking.${to}`, subject_type: "booking", subject_id: booking.id, programme_id: booking.programme_id, before: { status: booking.status }, after: { status: to } }],
    after,
  };
}

export function confirmStatements(store: Store, booking: Booking, now: number): MoveStatements {
  assertMove(booking, "confirm");
  if (booking.confirm_by_at !== null && now > booking.confirm_by_at) {
    throw conflict("confirmation_deadline_passed", `确认期限（${shanghaiText(booking.confirm_by_at)}）已过 / The confirmation deadline (${shanghaiText(booking.confirm_by_at)}) has passed`);
  }
  return simpleMove(store, booking, "confirm", now);
}

export function startStatements(store: Store, booking: Booking, now: number): MoveStatements {
  assertMove(booking, "start");
  if (now < booking.starts_at) {
    throw conflict("not_started_yet", `预约于${shanghaiText(booking.starts_at)}开始 / The booking starts at ${shanghaiText(booking.starts_at)}`);
  }
  return simpleMove(store, booking, "start", now);
}

/** The SME cancels before the offering's notice period: units back, hold voided. */
export async function cancelStatements(store: Store, booking: Booking, reason: string | null, now: number): Promise<MoveStatements> {
  assertMove(booking, "cancel");
  const notice = await store.db.select({ minutes: offerings.cancellation_notice_minutes }).from(offerings).where(eq(offerings.id, booking.offering_id));
  const until = cancellableUntil(booking.starts_at, notice[0]?.minutes ?? 0);
  if (now > until) {
    throw conflict(
      "cancellation_too_late",
      `该资源须在开始前${notice[0]?.minutes ?? 0}分钟、即北京时间${shanghaiText(until)}前取消 / This offering can be cancelled only until ${shanghaiText(until)} Beijing time (${notice[0]?.minutes ?? 0} minutes before the start)`,
      { cancellable_until: toShanghaiIso(until), cancellation_notice_minutes: notice[0]?.minutes ?? 0 },
    );
  }
  return release(store, booking, { to: "cancelled", from: MOVES.cancel.from, reason, now });
}

export async function rejectStatements(store: Store, booking: Booking, reason: string, now: number): Promise<MoveStatements> {
  assertMove(booking, "reject");
  return release(store, booking, { to: "rejected", from: MOVES.reject.from, reason, now });
}

async function release(store: Store, booking: Booking, r: Parameters<typeof releaseBookingStatements>[2]): Promise<MoveStatements> {
  const statements = await releaseBookingStatements(store, booking, r);
  const after: Booking = { ...booking, status: r.to, status_reason: r.reason, updated_at: r.now };
  return { statements, events: [releaseEvent(booking, r)], after };
}

/** The 409 when a move's guard failed after re-reads. */
export function explainMoveGuard(): AppError {
  return conflict("booking_state_changed", "预约状态刚被其他操作改变，请刷新 / The booking was just changed by another request; reload");
}
