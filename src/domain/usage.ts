// Judging reported usage (据实结算): which events of a batch count, which are replays, and which
// are refused and why. Pure: every booking, counter and earlier event is read beforehand. The
// write re-checks what can change under it (dedup key, counters, booking status) with constraints.
import { deliveredSubsidyFen } from "./booking-lifecycle";

/** Most events one request (or one chunk of an import) records in one atomic write. */
export const MAX_USAGE_BATCH = 1_000;
/** Quantities are thousandths of the offering's unit: 1.5 card-hours = 1500. */
export const MILLI = 1_000;
/** A bound on one event's quantity (a billion units). */
export const MAX_QUANTITY_MILLI = 1e12;

export interface UsageEventInput {
  event_id: string;
  booking_id: string;
  period_start_at: number;
  period_end_at: number;
  quantity_milli: number;
  reason: string | null;
}

export interface BookingForUsage {
  id: string;
  provider_org_id: string;
  status: string;
  starts_at: number;
  ends_at: number;
  quantity: number;
  booked_milli: number;
  /** What the counter holds now (0 when no usage yet). */
  metered_milli: number;
  capacity_units: number;
  unit_minutes: number;
}

export const USAGE_REFUSALS = {
  event_id_reused: "此事件编号已用于不同的用量记录 / This event id was already used for different usage",
  unknown_booking: "未找到本服务商的此预约 / No such booking of this provider",
  booking_not_started: "预约尚未开始 / The booking has not started",
  booking_cancelled: "预约已取消、拒绝或失效 / The booking was cancelled, rejected or lapsed",
  booking_delivered: "预约已交付结算，不再接受用量 / The booking is already delivered and settled on its usage",
  period_outside_booking: "用量时段不在预约时段内 / The period is outside the booking's window",
  period_in_future: "用量时段尚未结束 / The period has not ended yet",
  above_booked: "用量超过预约数量 / More usage than was booked",
  above_capacity: "用量超过该资源在此时段的容量 / More usage than the offering's capacity in that period",
  correction_needs_reason: "更正（负数用量）须说明原因 / A correction (negative quantity) needs a reason",
  below_zero: "更正后累计用量将小于零 / The correction would take the total below zero",
} as const;
export type UsageRefusal = keyof typeof USAGE_REFUSALS;

export type UsageOutcome =
  | { event_id: string; result: "accepted" | "duplicate" }
  | { event_id: string; result: "refused"; code: UsageRefusal; message: string };

export interface UsageJudgement {
  outcomes: UsageOutcome[];
  accepted: UsageEventInput[];
  /** Net accepted quantity per booking. */
  delta_by_booking: Map<string, number>;
}

export function samePayload(a: UsageEventInput, b: UsageEventInput): boolean {
  return (
    a.booking_id === b.booking_id &&
    a.period_start_at === b.period_start_at &&
    a.period_end_at === b.period_end_at &&
    a.quantity_milli === b.quantity_milli &&
    (a.reason ?? null) === (b.reason ?? null)
  );
}

/** Whole units in a period as a fraction: quantity_milli ≤ units × period_minutes / unit_minutes × 1000, in integers. */
function exceedsRate(quantityMilli: number, units: number, periodMs: number, unitMinutes: number): boolean {
  return BigInt(quantityMilli) * BigInt(unitMinutes) * 60_000n > BigInt(units) * BigInt(MILLI) * BigInt(periodMs);
}

function refusalOf(e: UsageEventInput, b: BookingForUsage | undefined, providerOrgId: string, runningMilli: number, now: number): UsageRefusal | null {
  if (!b || b.provider_org_id !== providerOrgId) return "unknown_booking";
  if (["cancelled", "rejected", "lapsed"].includes(b.status)) return "booking_cancelled";
  if (["delivered", "settled"].includes(b.status)) return "booking_delivered";
  if (b.status === "requested" || now < b.starts_at) return "booking_not_started";
  if (e.period_start_at < b.starts_at || e.period_end_at > b.ends_at || e.period_end_at <= e.period_start_at) return "period_outside_booking";
  if (e.period_end_at > now) return "period_in_future";
  if (e.quantity_milli < 0) {
    if (!e.reason) return "correction_needs_reason";
    if (runningMilli + e.quantity_milli < 0) return "below_zero";
    return null;
  }
  const periodMs = e.period_end_at - e.period_start_at;
  if (exceedsRate(e.quantity_milli, b.capacity_units, periodMs, b.unit_minutes)) return "above_capacity";
  if (exceedsRate(e.quantity_milli, b.quantity, periodMs, b.unit_minutes) || runningMilli + e.quantity_milli > b.booked_milli) return "above_booked";
  return null;
}

/**
 * Judges events in order. An event id seen before (stored, or accepted earlier in this batch)
 * is a duplicate when its payload is the same and refused (event_id_reused) when it differs.
 * Running totals per booking make a batch that overshoots refuse exactly the events past the line.
 */
export function judgeUsage(
  events: readonly UsageEventInput[],
  ctx: { provider_org_id: string; bookings: ReadonlyMap<string, BookingForUsage>; prior: ReadonlyMap<string, UsageEventInput>; now: number },
): UsageJudgement {
  const outcomes: UsageOutcome[] = [];
  const accepted: UsageEventInput[] = [];
  const seen = new Map<string, UsageEventInput>(ctx.prior);
  const running = new Map<string, number>();
  const delta_by_booking = new Map<string, number>();
  for (const e of events) {
    const earlier = seen.get(e.event_id);
    if (earlier) {
      outcomes.push(samePayload(earlier, e) ? { event_id: e.event_id, result: "duplicate" } : refused(e, "event_id_reused"));
      continue;
    }
    const booking = ctx.bookings.get(e.booking_id);
    const runningMilli = running.get(e.booking_id) ?? booking?.metered_milli ?? 0;
    const problem = refusalOf(e, booking, ctx.provider_org_id, runningMilli, ctx.now);
    if (problem) {
      outcomes.push(refused(e, problem));
      continue;
    }
    seen.set(e.event_id, e);
    running.set(e.booking_id, runningMilli + e.quantity_milli);
    delta_by_booking.set(e.booking_id, (delta_by_booking.get(e.booking_id) ?? 0) + e.quantity_milli);
    accepted.push(e);
    outcomes.push({ event_id: e.event_id, result: "accepted" });
  }
  return { outcomes, accepted, delta_by_booking };
}

function refused(e: UsageEventInput, code: UsageRefusal): UsageOutcome {
  return { event_id: e.event_id, result: "refused", code, message: USAGE_REFUSALS[code] };
}

/** "1", "1.5", "-0.25", "12.345" → thousandths; null for anything else (more decimals, exponents, blanks). */
export function parseQuantityMilli(text: string): number | null {
  const match = /^(-)?(\d{1,12})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  const milli = Number(match[2]) * MILLI + Number((match[3] ?? "").padEnd(3, "0"));
  return match[1] ? -milli : milli;
}

/** What a booking may meter in all: booked units × booked duration in units, in thousandths. */
export function bookedMilli(quantity: number, durationUnits: number): number {
  return quantity * durationUnits * MILLI;
}

export interface UsageSettlement {
  metered_milli: number;
  gross_fen: number;
  subsidy_fen: number;
  copay_fen: number;
}

/**
 * The settlement on metered usage: gross = unit price × metered quantity, rounded down to the
 * fen; subsidy = the quote's ratio on that gross, rounded down, never above the hold (the hold
 * already respected every cap of the quote's rule version); co-pay = gross − subsidy.
 */
export function settleOnUsage(i: { unit_price_fen: number; metered_milli: number; ratio_bp: number; held_fen: number }): UsageSettlement {
  const gross = (BigInt(i.unit_price_fen) * BigInt(i.metered_milli)) / BigInt(MILLI);
  if (gross > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("metered gross out of range");
  const gross_fen = Number(gross);
  const subsidy_fen = i.held_fen > 0 ? deliveredSubsidyFen(gross_fen, i.ratio_bp, i.held_fen) : 0;
  return { metered_milli: i.metered_milli, gross_fen, subsidy_fen, copay_fen: gross_fen - subsidy_fen };
}
