// Changing a booking the SME made: extending it (a running booking, or one not yet ended, gets a
// later end, as an OpenStack Blazar lease is extended near its end) or rescheduling it (a booking
// that has not started moves to another range of the same length or not). Either is re-quoted
// under the programme's current rules and written in ONE atomic batch:
// - the booking row, whose status guard refuses it unless the booking is still in a state that
//   allows the change and still has the range and hold that were read (a concurrent cancel or
//   change fails it), and whose sub-selects refuse it when the offering or the voucher changed;
// - the slots: an extension takes only the added slots, a reschedule gives the old slots back and
//   takes the new ones in the same batch (slot_capacity_exceeded guards each slot);
// - the voucher hold: the old pending transfer is voided (once: ledger_transfers.pending_id is
//   unique) and a new one placed for the new subsidy (ledger_account_overdrawn and
//   annual_cap_exceeded guard it), so the hold grows or shrinks with the ledger's own guards.
// Nothing is read-then-checked: the reads only price the change and explain a refusal.
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import { cancellableUntil, type BookingStatus } from "../domain/booking-lifecycle";
import type { VoucherTerms } from "../domain/booking-subsidy";
import { checkRange, MAX_BOOKING_MINUTES, MINUTE_MS, parseWeeklyHours, slotOpen, slotStarts, type SlotRow } from "../domain/slots";
import type { AuditInput } from "../db/audit";
import type { ConstraintViolation } from "../db/constraints";
import { annualSubsidyChange, voidPendingTransfer } from "../db/ledger";
import { bookings, ledger_accounts, ledger_transfers, type Booking, type LedgerTransfer, type Offering, type Organisation } from "../db/schema";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";
import { AppError, conflict, unprocessable } from "../lib/errors";
import { randomBase32 } from "../lib/ids";
import { shanghaiText, toShanghaiIso } from "../lib/time";
import { capacityCheck, quoteBody, RANGE_MESSAGES, safeGross, SHAPE_PROBLEMS, voucherTerms, type CapacityCheck, type QuoteBody } from "./booking-plan";
import { explainBookingGuard, providerWhileUnchanged, voucherWhileUsable } from "./bookings";
import { readSlotRows, releaseSlots, reserveSlots } from "./capacity";
import { placeHold, readBookingHold } from "./holds";
import { readVisibleOffering } from "./offerings";

export type ChangeKind = "extend" | "reschedule";

/** Which bookings each change may touch: an extension while it has not ended, a reschedule before it starts. */
export const CHANGEABLE: Record<ChangeKind, readonly BookingStatus[]> = {
  extend: ["requested", "confirmed", "in_use"],
  reschedule: ["requested", "confirmed"],
};

export interface ChangeRequest {
  kind: ChangeKind;
  starts_at: number;
  ends_at: number;
}

export interface ChangePlan {
  kind: ChangeKind;
  before: Booking;
  offering: Offering;
  provider: Organisation;
  gross_fen: number;
  terms: VoucherTerms | null;
  hold: LedgerTransfer | null;
  capacity: CapacityCheck;
  quote: QuoteBody;
}

const STATUS_WORDS: Record<BookingStatus, string> = {
  requested: "待确认",
  confirmed: "已确认",
  in_use: "使用中",
  delivered: "已交付",
  settled: "已结算",
  cancelled: "已取消",
  rejected: "已拒绝",
  lapsed: "已失效",
};

function refuseState(b: Booking, kind: ChangeKind): AppError {
  const what = kind === "extend" ? ["延长", "extended"] : ["改期", "rescheduled"];
  return conflict("invalid_transition", `预约当前为${STATUS_WORDS[b.status]}，不能${what[0]} / The booking is ${b.status}; it cannot be ${what[1]}`, { status: b.status });
}

/** The range problems an extension can have: only the added part and the whole length matter (its start has passed or is set). */
function checkExtension(o: Offering, b: Booking, endsAt: number, now: number): number {
  if (now >= b.ends_at) throw conflict("booking_ended", `预约已于${shanghaiText(b.ends_at)}结束，不能延长 / The booking ended at ${shanghaiText(b.ends_at)} Beijing time; it cannot be extended`);
  if (endsAt <= b.ends_at) throw unprocessable("not_an_extension", "新的结束时间须晚于当前结束时间 / The new end must be later than the current end");
  const unit = o.unit_minutes * MINUTE_MS;
  if ((endsAt - b.starts_at) % unit !== 0) throw unprocessable("duration_not_whole_units", RANGE_MESSAGES.duration_not_whole_units);
  const duration_units = (endsAt - b.starts_at) / unit;
  // The longest a new booking may be (checkRange), over the whole extended range.
  if (duration_units > o.max_duration_units || endsAt - b.starts_at > MAX_BOOKING_MINUTES * MINUTE_MS) {
    throw unprocessable("duration_out_of_bounds", RANGE_MESSAGES.duration_out_of_bounds);
  }
  const hours = parseWeeklyHours(o.weekly_hours_json);
  for (const start of slotStarts(b.ends_at, endsAt, o.slot_minutes)) {
    if (!slotOpen(hours, start, o.slot_minutes)) throw conflict("outside_bookable_hours", RANGE_MESSAGES.outside_bookable_hours);
  }
  return duration_units;
}

/** A reschedule: a new booking's range rules, and only until the offering's cancellation notice before the current start. */
function checkReschedule(o: Offering, b: Booking, r: ChangeRequest, now: number): number {
  const until = cancellableUntil(b.starts_at, o.cancellation_notice_minutes);
  if (now > until) {
    throw conflict(
      "change_too_late",
      `该资源须在开始前${o.cancellation_notice_minutes}分钟、即北京时间${shanghaiText(until)}前改期或取消 / This booking can be rescheduled or cancelled only until ${shanghaiText(until)} Beijing time (${o.cancellation_notice_minutes} minutes before its start)`,
      { changeable_until: toShanghaiIso(until), cancellation_notice_minutes: o.cancellation_notice_minutes },
    );
  }
  if (r.starts_at === b.starts_at && r.ends_at === b.ends_at) throw unprocessable("no_change", "新的时段与当前时段相同 / The new range is the same as the current one");
  const range = checkRange(o, parseWeeklyHours(o.weekly_hours_json), r.starts_at, r.ends_at, now);
  if (!range.ok) {
    const refuse = SHAPE_PROBLEMS.has(range.problem) ? unprocessable : conflict;
    throw refuse(range.problem, RANGE_MESSAGES[range.problem]);
  }
  return range.duration_units;
}

/** The slots the change needs: an extension's added slots; a reschedule's new range less what the booking itself holds there. */
async function changeCapacity(store: Store, b: Booking, r: ChangeRequest): Promise<CapacityCheck> {
  if (r.kind === "extend") return capacityCheck(await readSlotRows(store, b.offering_id, b.ends_at, r.ends_at), b.quantity);
  const rows = await readSlotRows(store, b.offering_id, r.starts_at, r.ends_at);
  const own = (row: SlotRow) => row.slot_start_at >= b.starts_at && row.slot_start_at < b.ends_at;
  return capacityCheck(rows.map((row) => (own(row) ? { ...row, booked_units: row.booked_units - b.quantity } : row)), b.quantity);
}

/**
 * Reads and prices the change as the SME would be charged for the changed booking; throws the
 * refusal it would get (state, timing, range, voucher), except capacity, which the caller decides.
 */
export async function planChange(store: Store, actor: Actor, b: Booking, r: ChangeRequest, now: number): Promise<ChangePlan> {
  if (!CHANGEABLE[r.kind].includes(b.status)) throw refuseState(b, r.kind);
  let offering: Offering;
  let provider: Organisation;
  try {
    ({ offering, provider } = await readVisibleOffering(store, actor, b.offering_id));
  } catch (error) {
    if (error instanceof AppError && error.status === 404) {
      throw conflict("offering_unavailable", "该资源已暂停、下架或服务商不再获准，不能更改预约 / The offering is paused, retired or its provider no longer approved; the booking cannot be changed");
    }
    throw error;
  }
  const duration_units = r.kind === "extend" ? checkExtension(offering, b, r.ends_at, now) : checkReschedule(offering, b, r, now);
  const gross_fen = safeGross(offering, b.quantity, duration_units);
  const hold = await readBookingHold(store, b);
  const input = { offering_id: b.offering_id, quantity: b.quantity, starts_at: r.starts_at, ends_at: r.ends_at, voucher_id: b.voucher_id };
  const held = hold && b.cap_year !== null ? { fen: hold.amount_fen, cap_year: b.cap_year } : null;
  const terms = b.voucher_id ? (await voucherTerms(store, actor, input, offering, provider, gross_fen, now, held)).terms : null;
  if (terms?.zero_subsidy_reason) {
    throw conflict("no_subsidy_left", `创新券在更改后的预约上无可用补贴（${terms.zero_subsidy_reason}），不能更改 / The voucher leaves no subsidy on the changed booking (${terms.zero_subsidy_reason}); it cannot be changed`, {
      binding_limit: terms.zero_subsidy_reason,
    });
  }
  const capacity = await changeCapacity(store, b, r);
  const plan = { offering, provider, duration_units, gross_fen, terms, payable_org_id: null, capacity };
  return { kind: r.kind, before: b, offering, provider, gross_fen, terms, hold, capacity, quote: quoteBody(plan, input, now) };
}

export interface ChangeStatements {
  statements: SQLWrapper[];
  events: AuditInput[];
  after: Booking;
}

/** The whole change as statements for one batch (see the head of this file for its guards). */
export async function changeStatements(store: Store, p: ChangePlan, r: ChangeRequest, now: number): Promise<ChangeStatements> {
  const b = p.before;
  const token = randomBase32(8);
  const terms = p.terms;
  const after: Booking = {
    ...b,
    starts_at: r.starts_at,
    ends_at: r.ends_at,
    gross_fen: p.gross_fen,
    subsidy_fen: terms?.subsidy_fen ?? 0,
    copay_fen: p.gross_fen - (terms?.subsidy_fen ?? 0),
    programme_version: terms?.programme_version ?? b.programme_version,
    hold_transfer_id: terms ? `hold:${b.id}:${token}` : null,
    cap_year: terms?.cap_year ?? b.cap_year,
    quote_json: JSON.stringify(p.quote),
    // A request still waiting for the provider lapses by its start at the latest.
    confirm_by_at: b.confirm_by_at === null ? null : Math.min(b.confirm_by_at, r.starts_at),
    updated_at: now,
  };
  const unchanged = sql`${bookings.status} IN (${sql.join(
    CHANGEABLE[r.kind].map((s) => sql`${s}`),
    sql`, `,
  )}) AND ${bookings.starts_at} = ${b.starts_at} AND ${bookings.ends_at} = ${b.ends_at} AND ${bookings.hold_transfer_id} IS ${b.hold_transfer_id}`;
  const statements: SQLWrapper[] = [
    store.db
      .update(bookings)
      .set({
        // NULL (refused by NOT NULL) unless the booking is still as read: a cancel or another change got there first.
        status: sql`CASE WHEN ${unchanged} THEN ${bookings.status} ELSE NULL END` as never,
        starts_at: after.starts_at,
        ends_at: after.ends_at,
        gross_fen: after.gross_fen,
        subsidy_fen: after.subsidy_fen,
        copay_fen: after.copay_fen,
        programme_version: after.programme_version,
        hold_transfer_id: after.hold_transfer_id,
        cap_year: after.cap_year,
        quote_json: after.quote_json,
        confirm_by_at: after.confirm_by_at,
        updated_at: now,
        provider_org_id: providerWhileUnchanged(p) as never,
        voucher_id: terms ? (voucherWhileUsable(terms.voucher_id, terms.programme_version, b.provider_org_id, now) as never) : null,
      })
      .where(eq(bookings.id, b.id)),
  ];
  if (r.kind === "extend") {
    statements.push(reserveSlots({ offering_id: b.offering_id, quantity: b.quantity, starts_at: b.ends_at, ends_at: r.ends_at }, p.offering.slot_minutes));
  } else {
    statements.push(releaseSlots(b), reserveSlots(after, p.offering.slot_minutes));
  }
  if (p.hold) {
    const key = { programme_id: b.programme_id as string, sme_org_id: b.sme_org_id, year: b.cap_year as number };
    statements.push(...voidPendingTransfer(store, p.hold, `rehold:${b.id}:${token}`, r.kind, now), annualSubsidyChange(store, key, -p.hold.amount_fen, null));
  }
  if (terms) {
    statements.push(
      ...placeHold(
        store,
        {
          booking_id: b.id,
          transfer_id: after.hold_transfer_id as string,
          programme_id: terms.programme_id,
          voucher_id: terms.voucher_id,
          provider_org_id: b.provider_org_id,
          payable_org_id: await payableOrg(store, p.hold, b),
          sme_org_id: b.sme_org_id,
          subsidy_fen: terms.subsidy_fen,
          year: terms.cap_year,
          annual_subsidy_cap_fen: terms.annual_subsidy_cap_fen,
        },
        now,
      ),
    );
  }
  const summary = (x: Booking) => ({
    starts_at: toShanghaiIso(x.starts_at),
    ends_at: toShanghaiIso(x.ends_at),
    gross_fen: x.gross_fen,
    subsidy_fen: x.subsidy_fen,
    copay_fen: x.copay_fen,
    hold_transfer_id: x.hold_transfer_id,
  });
  const event: AuditInput = {
    action: r.kind === "extend" ? "booking.extended" : "booking.rescheduled",
    subject_type: "booking",
    subject_id: b.id,
    programme_id: b.programme_id,
    before: { status: b.status, ...summary(b) },
    after: { status: b.status, ...summary(after) },
  };
  return { statements, events: [event], after };
}

/** Who the hold owes stays as the booking was made (通兑: the provider, 通用: the enterprise). */
async function payableOrg(store: Store, hold: LedgerTransfer | null, b: Booking): Promise<string> {
  if (!hold) return b.provider_org_id;
  const [account] = await store.db.select({ org_id: ledger_accounts.org_id }).from(ledger_accounts).where(eq(ledger_accounts.id, hold.credit_account_id));
  return account?.org_id ?? b.provider_org_id;
}

/** The 409 for a change whose guard kept failing after re-reads. */
export function explainChangeGuard(v: ConstraintViolation): AppError {
  if (v.name === "bookings.status" || v.name === "ledger_transfers.pending_id") {
    return conflict("booking_state_changed", "预约刚被其他操作改变，请刷新后重新报价 / The booking was just changed by another request; reload and quote again");
  }
  return explainBookingGuard(v);
}
