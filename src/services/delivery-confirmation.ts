// After delivery the SME confirms or disputes within the programme's confirmation window
// (silence confirms: the sweep). A dispute blocks any claim on the booking until the agency
// resolves it: dismissed (confirmed as delivered) or upheld with a corrected metered quantity,
// which records a correction event for the provider's usage and redoes the settlement by
// reversal transfers (never edits): the subsidy no longer owed goes back to the voucher, or to
// the programme's pool if the voucher has ended, and the annual-cap room comes back.
import { eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import type { AuditInput } from "../db/audit";
import { annualSubsidyChange, postedTransfer } from "../db/ledger";
import { bookings, programmes, usage_events, vouchers, type Booking } from "../db/schema";
import type { Store } from "../db/store";
import { conflict, unprocessable } from "../lib/errors";
import { shanghaiText } from "../lib/time";
import type { MoveStatements } from "./booking-moves";
import { freezeUsage, readMeteredMilli, settlementFor } from "./delivery";
import { readHeldBooking } from "./holds";

export const reversalTransferId = (bookingId: string) => `reverse:${bookingId}`;
export const disputeEventId = (bookingId: string) => `dispute:${bookingId}`;
export const REVERSAL_CODE = "dispute_reversal";

type ConfirmationState = NonNullable<Booking["confirmation_state"]>;

/** `SET status = …` that keeps 'delivered' while the confirmation is in `state` (and `extra` holds), else NULL (NOT NULL fails). */
function whileConfirmation(state: ConfirmationState, extra: SQL = sql`1`): SQL {
  return sql`CASE WHEN ${bookings.status} = 'delivered' AND ${bookings.confirmation_state} = ${state} AND ${extra} THEN ${bookings.status} ELSE NULL END`;
}

function assertConfirmation(b: Booking, state: ConfirmationState) {
  if (b.status !== "delivered" || b.confirmation_state !== state) {
    const now = b.status !== "delivered" ? `预约当前为${b.status} / The booking is ${b.status}` : `交付确认状态为${b.confirmation_state} / The delivery is ${b.confirmation_state}`;
    throw conflict(state === "disputed" ? "not_disputed" : "not_awaiting_confirmation", now, { status: b.status, confirmation_state: b.confirmation_state });
  }
}

function event(b: Booking, action: string, before: unknown, after: unknown): AuditInput {
  return { action, subject_type: "booking", subject_id: b.id, programme_id: b.programme_id, before, after };
}

export function confirmDeliveryStatements(store: Store, b: Booking, now: number, by: "sme" | "sweep"): MoveStatements {
  assertConfirmation(b, "pending");
  const change = { confirmation_state: "confirmed" as const, updated_at: now };
  return {
    statements: [store.db.update(bookings).set({ ...change, status: whileConfirmation("pending") as never }).where(eq(bookings.id, b.id))],
    events: [event(b, "booking.delivery_confirmed", { confirmation_state: "pending" }, { confirmation_state: "confirmed", by })],
    after: { ...b, ...change },
  };
}

export function disputeDeliveryStatements(store: Store, b: Booking, reason: string, now: number): MoveStatements {
  assertConfirmation(b, "pending");
  if (b.confirm_delivery_by_at !== null && now > b.confirm_delivery_by_at) {
    throw conflict("confirmation_window_closed", `异议期已于${shanghaiText(b.confirm_delivery_by_at)}结束 / The window to dispute closed at ${shanghaiText(b.confirm_delivery_by_at)}`);
  }
  const change = { confirmation_state: "disputed" as const, dispute_reason: reason, updated_at: now };
  return {
    statements: [store.db.update(bookings).set({ ...change, status: whileConfirmation("pending", sql`${now} <= ${bookings.confirm_delivery_by_at}`) as never }).where(eq(bookings.id, b.id))],
    events: [event(b, "booking.delivery_disputed", { confirmation_state: "pending" }, change)],
    after: { ...b, ...change },
  };
}

export function dismissDisputeStatements(store: Store, b: Booking, note: string, now: number): MoveStatements {
  assertConfirmation(b, "disputed");
  const change = { confirmation_state: "confirmed" as const, dispute_resolution: "dismissed" as const, updated_at: now };
  return {
    statements: [store.db.update(bookings).set({ ...change, status: whileConfirmation("disputed") as never }).where(eq(bookings.id, b.id))],
    events: [event(b, "booking.dispute_dismissed", { confirmation_state: "disputed" }, { ...change, note })],
    after: { ...b, ...change },
  };
}

/** Upheld: usage corrected to `correctedMilli` (≤ delivered), settlement redone by reversal. */
export async function upholdDisputeStatements(store: Store, b: Booking, correctedMilli: number, note: string, userId: string, now: number): Promise<MoveStatements> {
  assertConfirmation(b, "disputed");
  const metered = await readMeteredMilli(store, b.id);
  if (correctedMilli > metered) {
    throw unprocessable("correction_above_metered", `更正后的用量不能高于已计量的${metered / 1000} / The corrected quantity cannot exceed the ${metered / 1000} metered`);
  }
  const s = settlementFor(b, correctedMilli);
  const deliveredSubsidy = b.delivered_subsidy_fen ?? 0;
  const returnedFen = deliveredSubsidy - s.subsidy_fen;
  if (returnedFen < 0) throw new Error(`booking ${b.id}: a lower quantity cannot raise the subsidy`);
  const statements: SQLWrapper[] = [...freezeUsage(store, b, metered, correctedMilli)];
  if (correctedMilli !== metered) {
    statements.push(
      store.db.insert(usage_events).values({
        provider_org_id: b.provider_org_id,
        event_id: disputeEventId(b.id),
        booking_id: b.id,
        period_start_at: b.starts_at,
        period_end_at: b.ends_at,
        quantity_milli: correctedMilli - metered,
        reason: note,
        source: "dispute",
        batch_id: `dispute-${b.id}`,
        recorded_by: userId,
        created_at: now,
      }),
    );
  }
  let voucherGuard: SQL = sql`1`;
  let returnedTo: "voucher" | "pool" | null = null;
  if (returnedFen > 0 && b.voucher_id && b.programme_id) {
    const [voucher] = await store.db.select({ status: vouchers.status }).from(vouchers).where(eq(vouchers.id, b.voucher_id));
    const [programme] = await store.db.select({ pool: programmes.pool_account_id }).from(programmes).where(eq(programmes.id, b.programme_id));
    if (!voucher || !programme) throw new Error(`booking ${b.id} lost its voucher or programme`);
    returnedTo = voucher.status === "active" ? "voucher" : "pool";
    // The voucher must still be as read: an expiry or revocation in between re-reads, so money
    // never lands on an ended voucher.
    voucherGuard = sql`(SELECT v.status FROM ${vouchers} v WHERE v.id = ${b.voucher_id}) = ${voucher.status}`;
    const { hold, held } = await readHeldBooking(store, b);
    statements.push(
      ...postedTransfer(
        store,
        {
          id: reversalTransferId(b.id),
          debit_account_id: hold.credit_account_id,
          credit_account_id: returnedTo === "voucher" ? accountIds.voucher(b.voucher_id) : programme.pool,
          amount_fen: returnedFen,
          code: REVERSAL_CODE,
          subject_id: b.id,
        },
        now,
      ),
      annualSubsidyChange(store, { programme_id: held.programme_id, sme_org_id: held.sme_org_id, year: held.year }, -returnedFen, held.annual_subsidy_cap_fen),
    );
  }
  const change = {
    confirmation_state: "confirmed" as const,
    dispute_resolution: "upheld" as const,
    delivered_quantity_milli: correctedMilli,
    delivered_gross_fen: s.gross_fen,
    delivered_subsidy_fen: s.subsidy_fen,
    delivered_copay_fen: s.copay_fen,
    updated_at: now,
  };
  statements.push(store.db.update(bookings).set({ ...change, status: whileConfirmation("disputed", voucherGuard) as never }).where(eq(bookings.id, b.id)));
  const before = { confirmation_state: "disputed", delivered_quantity_milli: metered, delivered_gross_fen: b.delivered_gross_fen, delivered_subsidy_fen: deliveredSubsidy, delivered_copay_fen: b.delivered_copay_fen };
  return { statements, events: [event(b, "booking.dispute_upheld", before, { ...change, note, returned_fen: returnedFen, returned_to: returnedTo })], after: { ...b, ...change } };
}
