// Pricing one prospective booking from a fresh read: the range against the offering's rules,
// the gross, the voucher's terms, and whether the slots look free. Quotes show the plan;
// bookings write it, guarded by constraints (the read here only explains a refusal).
import { evaluateVoucher, VOUCHER_PROBLEMS, type VoucherTerms } from "../domain/booking-subsidy";
import { ageInYears, grossFen } from "../domain/pricing";
import { findRelation } from "../domain/related-parties";
import { checkRange, parseWeeklyHours, type RangeProblem, type SlotRow } from "../domain/slots";
import type { Offering, Organisation } from "../db/schema";
import type { Store } from "../db/store";
import type { Actor } from "../lib/context";
import { AppError, conflict, notFound, unprocessable } from "../lib/errors";
import { shanghaiDate, shanghaiText, shanghaiYear, toShanghaiIso } from "../lib/time";
import { readPartyFacts, readVoucherFacts } from "./booking-facts";
import { readSlotRows } from "./capacity";
import { readVisibleOffering } from "./offerings";
import { readApprovingAgencies } from "./vetting";

export interface BookingInput {
  offering_id: string;
  quantity: number;
  starts_at: number;
  ends_at: number;
  voucher_id: string | null;
}

/** From the API's ISO instants (any offset) to UTC milliseconds. */
export function bookingInput(body: { offering_id: string; quantity: number; starts_at: string; ends_at: string; voucher_id?: string | undefined }): BookingInput {
  return {
    offering_id: body.offering_id,
    quantity: body.quantity,
    starts_at: Date.parse(body.starts_at),
    ends_at: Date.parse(body.ends_at),
    voucher_id: body.voucher_id ?? null,
  };
}

export const RANGE_MESSAGES: Record<RangeProblem, string> = {
  range_not_aligned: "开始时间须对齐到时段边界（整点或北京时间零点）/ The start must fall on a slot boundary (the hour, or 00:00 Asia/Shanghai for daily slots)",
  duration_not_whole_units: "时长须为计价单位的整数倍 / The duration must be a whole number of pricing units",
  duration_out_of_bounds: "时长超出该资源允许的最短或最长时长 / The duration is outside the offering's minimum and maximum",
  lead_time: "距开始时间太近，未满足提前预约要求 / Too close to the start: the offering needs more notice",
  beyond_horizon: "开始时间超出可预约范围（一年内）/ The start is beyond the booking horizon (one year)",
  outside_bookable_hours: "所选时段不在该资源的可预约时间内 / The range includes hours the offering is not bookable",
};

/** Problems with the shape of the request are 422; problems with the moment or the state are 409. */
export const SHAPE_PROBLEMS = new Set<RangeProblem>(["range_not_aligned", "duration_not_whole_units", "duration_out_of_bounds", "beyond_horizon"]);

export type CapacityCheck =
  | { available: true }
  | { available: false; problem: "slot_full" | "blacked_out"; slot_start_at: string; free_units: number };

export interface Plan {
  offering: Offering;
  provider: Organisation;
  duration_units: number;
  gross_fen: number;
  /** The voucher's terms when one was named (subsidy may be 0 when a cap is used up). */
  terms: VoucherTerms | null;
  /** Who the hold will owe, by the programme's settlement mode: the provider (通兑) or the enterprise (通用). */
  payable_org_id: string | null;
  capacity: CapacityCheck;
  /** What the booking stores and the quote answers: every term. */
  quote: ReturnType<typeof quoteBody>;
}

const slotText = (c: { slot_start_at: string }) => shanghaiText(Date.parse(c.slot_start_at));

export function capacityCheck(rows: readonly SlotRow[], quantity: number): CapacityCheck {
  for (const row of rows) {
    const slot_start_at = toShanghaiIso(row.slot_start_at);
    if (row.blocked) return { available: false, problem: "blacked_out", slot_start_at, free_units: 0 };
    const free_units = row.capacity_units - row.booked_units;
    if (free_units < quantity) return { available: false, problem: "slot_full", slot_start_at, free_units: Math.max(0, free_units) };
  }
  return { available: true };
}

export function safeGross(o: Offering, quantity: number, durationUnits: number): number {
  try {
    return grossFen(o.unit_price_fen, quantity, durationUnits);
  } catch {
    throw unprocessable("amount_out_of_range", "金额超出可处理范围，请缩短时长或减少数量 / The amount is too large: book fewer units or a shorter time");
  }
}

/**
 * A change to a booking re-prices it while its own hold still stands: `held` is that hold, counted
 * back into the voucher's balance and (when it counted in the same year) the annual cap's room.
 */
export interface HeldAlready {
  fen: number;
  cap_year: number;
}

export async function voucherTerms(store: Store, actor: Actor, input: BookingInput, o: Offering, provider: Organisation, gross_fen: number, now: number, held: HeldAlready | null = null): Promise<{ terms: VoucherTerms; payable_org_id: string }> {
  const cap_year = shanghaiYear(now);
  const read = await readVoucherFacts(store, actor.org.id, input.voucher_id as string, cap_year);
  if (!read) throw notFound("创新券", "Voucher");
  const facts = held
    ? {
        ...read,
        voucher_available_fen: read.voucher_available_fen + held.fen,
        annual_subsidy_used_fen: held.cap_year === cap_year ? Math.max(0, read.annual_subsidy_used_fen - held.fen) : read.annual_subsidy_used_fen,
      }
    : read;
  const relation = facts.rules.exclude_related_parties
    ? findRelation(await readPartyFacts(store, actor.org), await readPartyFacts(store, provider))
    : null;
  const evaluation = evaluateVoucher(facts, {
    sme_org_id: actor.org.id,
    gross_fen,
    ends_at: input.ends_at,
    now,
    cap_year,
    offering: { category: o.category, region_code: provider.region_code, domestic: o.domestic },
    tier: { enterprise_age_years: ageInYears(actor.org.founded_on, shanghaiDate(now)), enterprise_size_class: actor.org.size_class },
    relation,
    provider_approved_by: (await readApprovingAgencies(store, [provider.id])).get(provider.id) ?? new Set(),
  });
  if (!evaluation.ok) {
    const details = evaluation.relation ? { relation: evaluation.relation } : undefined;
    throw conflict(evaluation.problem, VOUCHER_PROBLEMS[evaluation.problem], details);
  }
  return { terms: evaluation.terms, payable_org_id: facts.rules.settlement_mode === "tongyong" ? actor.org.id : provider.id };
}

/** Reads and prices; throws the refusal a booking of this would get, except for capacity and a zero subsidy. */
/**
 * `refuseWhenFull` (making a booking, not quoting): the slots are read right after the offering and
 * a full or blacked-out range is refused there with capacityRefusal, before the voucher's four
 * reads, so a refusal under a burst costs the offering's read and the slots' read, nothing more.
 */
export async function planBooking(store: Store, actor: Actor, input: BookingInput, now: number, options: { refuseWhenFull?: boolean } = {}): Promise<Plan> {
  // What the caller may not see is "not found" before any state is told: a paused or retired
  // offering, or one whose provider is no longer approved anywhere, is as unknown as a missing
  // one (SMEs own no offerings, so every visible one is active and published).
  const { offering, provider } = await readVisibleOffering(store, actor, input.offering_id);
  const range = checkRange(offering, parseWeeklyHours(offering.weekly_hours_json), input.starts_at, input.ends_at, now);
  if (!range.ok) {
    const refuse = SHAPE_PROBLEMS.has(range.problem) ? unprocessable : conflict;
    throw refuse(range.problem, RANGE_MESSAGES[range.problem]);
  }
  if (input.quantity > offering.capacity_units) {
    throw conflict("exceeds_capacity", `数量超过该资源的总容量（${offering.capacity_units}）/ More units than the offering has (${offering.capacity_units})`);
  }
  const gross_fen = safeGross(offering, input.quantity, range.duration_units);
  const capacity = capacityCheck(await readSlotRows(store, offering.id, input.starts_at, input.ends_at), input.quantity);
  if (options.refuseWhenFull && !capacity.available) throw capacityRefusal(capacity);
  const subsidised = input.voucher_id ? await voucherTerms(store, actor, input, offering, provider, gross_fen, now) : null;
  const plan = { offering, provider, duration_units: range.duration_units, gross_fen, terms: subsidised?.terms ?? null, payable_org_id: subsidised?.payable_org_id ?? null, capacity };
  return { ...plan, quote: quoteBody(plan, input, now) };
}

export function quoteBody(p: Omit<Plan, "quote">, input: BookingInput, now: number) {
  const subsidy_fen = p.terms?.subsidy_fen ?? 0;
  return {
    offering_id: p.offering.id,
    offering_name: p.offering.name,
    provider_org_id: p.offering.provider_org_id,
    unit: p.offering.unit,
    unit_price_fen: p.offering.unit_price_fen,
    quantity: input.quantity,
    duration_units: p.duration_units,
    starts_at: toShanghaiIso(input.starts_at),
    ends_at: toShanghaiIso(input.ends_at),
    gross_fen: p.gross_fen,
    subsidy_fen,
    copay_fen: p.gross_fen - subsidy_fen,
    subsidy: p.terms && { ...p.terms, voucher_expires_at: toShanghaiIso(p.terms.voucher_expires_at) },
    capacity: p.capacity,
    quoted_at: toShanghaiIso(now),
  };
}

export type QuoteBody = Plan["quote"];

/** The refusal for a booking or change whose co-pay came out above the most the SME accepted (`max_copay_fen`). */
export function copayRefusal(quote: { copay_fen: number }, accepted: number): AppError {
  return conflict("quote_changed", `自付金额为${quote.copay_fen}分，高于您接受的${accepted}分 / The co-pay is ${quote.copay_fen} fen, above the ${accepted} you accepted`, { quote });
}

/** The refusal for a plan whose slots are taken or blacked out. */
export function capacityRefusal(c: Exclude<CapacityCheck, { available: true }>): AppError {
  return c.problem === "blacked_out"
    ? conflict("blacked_out", `北京时间${slotText(c)}起的时段处于维护停用期 / The slot at ${slotText(c)} Beijing time is blacked out for maintenance`, c)
    : conflict("slot_full", `北京时间${slotText(c)}起的时段仅剩${c.free_units}个单位 / Only ${c.free_units} units are free in the slot at ${slotText(c)} Beijing time`, c);
}
