// Making a booking: ONE atomic batch inserts the booking, takes its units in every slot of its
// range (slot_capacity_exceeded guards each) and places the voucher hold (the voucher's
// overdraft and the annual-cap CHECKs guard it). Sub-selects make the booking row itself fail
// when the offering or the voucher changed since the read, so the caller re-reads and retries.
import { getTableColumns, sql, type SQLWrapper } from "drizzle-orm";
import { confirmBy } from "../domain/booking-lifecycle";
import type { AuditInput } from "../db/audit";
import type { ConstraintViolation } from "../db/constraints";
import { bookings, type Booking } from "../db/schema";
import { statementShape, type Placeholders, type Store } from "../db/store";
import { conflict, type AppError } from "../lib/errors";
import { toShanghaiIso } from "../lib/time";
import type { BookingInput, Plan, QuoteBody } from "./booking-plan";
import { reserveSlots } from "./capacity";
import { holdTransferId, placeHold } from "./holds";
import { providerIsPublished } from "./vetting";

/**
 * NULL (failing NOT NULL) unless the offering is still as read: active, same version, its
 * provider still published (approved by some agency, not suspended by the platform).
 */
export function providerWhileUnchanged(p: { offering: { id: unknown; updated_at: unknown } }) {
  return sql`(SELECT o.provider_org_id FROM offerings o JOIN organisations p ON p.id = o.provider_org_id
    WHERE o.id = ${p.offering.id} AND o.status = 'active' AND o.updated_at = ${p.offering.updated_at}
      AND ${providerIsPublished(sql`p.provider_status`, sql`p.id`)})`;
}

/**
 * NULL (failing bookings_hold_iff_voucher) unless, at write time, the voucher is still usable
 * under the rules priced AND the programme's agency still approves the provider: an agency's
 * suspension committed before this write leaves no subsidy from its programmes in it.
 */
export function voucherWhileUsable(voucherId: unknown, programmeVersion: unknown, providerOrgId: unknown, now: unknown) {
  return sql`(SELECT v.id FROM vouchers v JOIN programmes p ON p.id = v.programme_id
    JOIN provider_vettings pv ON pv.agency_org_id = p.agency_org_id AND pv.provider_org_id = ${providerOrgId} AND pv.status = 'approved'
    WHERE v.id = ${voucherId} AND v.status = 'active' AND v.expires_at > ${now} AND p.status = 'open' AND p.current_version = ${programmeVersion})`;
}

type BookingRow = Booking & { offering_updated_at: number };

/**
 * The booking's row; its provider is the sub-select that is NULL unless the offering is as read,
 * and with a voucher, its voucher_id the sub-select that is NULL unless the voucher is usable.
 */
function bookingRowValues(v: Placeholders<BookingRow>, withVoucher: boolean) {
  const row: Record<string, unknown> = {};
  for (const column of Object.keys(getTableColumns(bookings))) row[column] = v[column as keyof BookingRow];
  row.provider_org_id = providerWhileUnchanged({ offering: { id: v.offering_id, updated_at: v.offering_updated_at } });
  if (withVoucher) row.voucher_id = voucherWhileUsable(v.voucher_id, v.programme_version, v.provider_org_id, v.created_at);
  return row as never;
}

// Every booking inserts one of these two: compiled once, bound per booking (statementShape).
const bookingInsert = statementShape<BookingRow>((v, db) => db.insert(bookings).values(bookingRowValues(v, false)));
const subsidisedBookingInsert = statementShape<BookingRow>((v, db) => db.insert(bookings).values(bookingRowValues(v, true)));

export interface NewBooking {
  statements: SQLWrapper[];
  events: AuditInput[];
  booking: Booking;
}

export function createBookingStatements(store: Store, plan: Plan, input: BookingInput, who: { user_id: string; org_id: string }, id: string, now: number): NewBooking {
  const terms = plan.terms && plan.terms.subsidy_fen > 0 ? plan.terms : null;
  const needsConfirmation = plan.offering.requires_confirmation;
  const booking: Booking = {
    id,
    offering_id: plan.offering.id,
    provider_org_id: plan.offering.provider_org_id,
    sme_org_id: who.org_id,
    created_by: who.user_id,
    quantity: input.quantity,
    starts_at: input.starts_at,
    ends_at: input.ends_at,
    status: needsConfirmation ? "requested" : "confirmed",
    status_reason: null,
    gross_fen: plan.gross_fen,
    subsidy_fen: terms?.subsidy_fen ?? 0,
    copay_fen: plan.gross_fen - (terms?.subsidy_fen ?? 0),
    voucher_id: terms?.voucher_id ?? null,
    programme_id: terms?.programme_id ?? null,
    programme_version: terms?.programme_version ?? null,
    hold_transfer_id: terms ? holdTransferId(id) : null,
    cap_year: terms?.cap_year ?? null,
    quote_json: JSON.stringify(plan.quote),
    confirm_by_at: needsConfirmation ? confirmBy(now, input.starts_at) : null,
    delivered_subsidy_fen: null,
    delivered_gross_fen: null,
    delivered_copay_fen: null,
    delivered_quantity_milli: null,
    delivered_at: null,
    confirmation_state: null,
    confirm_delivery_by_at: null,
    dispute_reason: null,
    dispute_resolution: null,
    slurm_account: null,
    created_at: now,
    updated_at: now,
  };
  const row = { ...booking, offering_updated_at: plan.offering.updated_at };
  const statements: SQLWrapper[] = [terms ? subsidisedBookingInsert(row) : bookingInsert(row), reserveSlots(booking, plan.offering.slot_minutes)];
  if (terms) {
    statements.push(
      ...placeHold(
        store,
        {
          booking_id: id,
          programme_id: terms.programme_id,
          voucher_id: terms.voucher_id,
          provider_org_id: booking.provider_org_id,
          payable_org_id: plan.payable_org_id ?? booking.provider_org_id,
          sme_org_id: who.org_id,
          subsidy_fen: terms.subsidy_fen,
          year: terms.cap_year,
          annual_subsidy_cap_fen: terms.annual_subsidy_cap_fen,
        },
        now,
      ),
    );
  }
  const event: AuditInput = {
    action: `booking.${booking.status}`,
    subject_type: "booking",
    subject_id: id,
    programme_id: booking.programme_id,
    after: { ...booking, quote_json: undefined },
  };
  return { statements, events: [event], booking };
}

/**
 * Guards whose failure a re-read cannot cure: units taken in a slot are not given back by reading
 * again (a cancellation in between is rare, and the client may simply book again). The other
 * booking guards (a changed offering, voucher, balance or cap) are stale reads: re-read, re-price.
 */
export const FINAL_BOOKING_GUARDS: ReadonlySet<string> = new Set(["slot_capacity_exceeded"]);

/** The 409 for a booking whose guard kept failing after re-reads (the world kept changing). */
export function explainBookingGuard(v: ConstraintViolation): AppError {
  switch (v.name) {
    case "slot_capacity_exceeded":
      return conflict("slot_full", "所选时段的剩余容量刚被其他预约占用 / The last free units in this range were just taken");
    case "ledger_account_overdrawn":
      return conflict("voucher_balance_changed", "创新券余额刚发生变化，请重新报价 / The voucher's balance just changed; quote again");
    case "annual_cap_exceeded":
      return conflict("annual_subsidy_cap_changed", "企业年度补贴上限刚被用去，请重新报价 / The enterprise's annual subsidy cap was just used up; quote again");
    case "bookings.provider_org_id":
      return conflict("offering_changed", "该资源刚被服务商修改，请重新报价 / The provider just changed this offering; quote again");
    case "bookings_hold_iff_voucher":
      return conflict("voucher_changed", "创新券、其项目规则或项目机构对服务商的审核刚发生变化 / The voucher, its programme's rules or the agency's approval of the provider just changed");
    default:
      return conflict("booking_conflict", `预约与当前状态冲突（${v.name}）/ The booking conflicts with the current state (${v.name})`);
  }
}

const iso = (at: number | null) => (at === null ? null : toShanghaiIso(at));

export function presentBooking(b: Booking) {
  const { quote_json, ...rest } = b;
  return {
    ...rest,
    starts_at: toShanghaiIso(b.starts_at),
    ends_at: toShanghaiIso(b.ends_at),
    confirm_by_at: iso(b.confirm_by_at),
    delivered_at: iso(b.delivered_at),
    confirm_delivery_by_at: iso(b.confirm_delivery_by_at),
    created_at: toShanghaiIso(b.created_at),
    updated_at: toShanghaiIso(b.updated_at),
    quote: upgradeStoredQuote(JSON.parse(quote_json)) as QuoteBody,
  };
}

/**
 * Quotes stored before the annual limits were separated named the subsidy cap `annual_cap`
 * (annual_cap_fen, annual_used_fen, annual_cap_remaining_fen): shown under today's names, since
 * the cap a quote met was always the one on subsidy used.
 */
function upgradeStoredQuote(quote: { subsidy?: Record<string, unknown> | null }) {
  const s = quote.subsidy;
  if (!s || !("annual_cap_fen" in s)) return quote;
  const { annual_cap_fen, annual_used_fen, annual_cap_remaining_fen, ...rest } = s;
  const renamed = (name: unknown) => (name === "annual_cap" ? "annual_subsidy_cap" : name);
  return {
    ...quote,
    subsidy: {
      ...rest,
      limits: (rest.limits as { name: string; fen: number }[]).map((l) => ({ ...l, name: renamed(l.name) })),
      binding_limit: renamed(rest.binding_limit),
      zero_subsidy_reason: renamed(rest.zero_subsidy_reason),
      annual_subsidy_cap_fen: annual_cap_fen,
      annual_subsidy_used_fen: annual_used_fen,
      annual_subsidy_remaining_fen: annual_cap_remaining_fen,
    },
  };
}
