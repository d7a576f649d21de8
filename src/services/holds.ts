// A booking's subsidy in ledger terms, shared by bookings, voucher expiry and claims:
// place a hold (voucher → the payable of whoever is owed, pending) that also counts against the enterprise's
// annual cap; settle it for the delivered amount; or release it. Each returns statements for
// the caller's atomic batch, so the booking's own changes (status, capacity) commit with them.
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import { annualSubsidyChange, ensureAccount, pendingTransfer, postPendingTransfer, voidPendingTransfer, type AnnualKey } from "../db/ledger";
import { annual_subsidy, ledger_transfers, type Booking, type LedgerTransfer } from "../db/schema";
import type { Store } from "../db/store";

export const holdTransferId = (bookingId: string) => `hold:${bookingId}`;
export const settleTransferId = (bookingId: string) => `settle:${bookingId}`;
export const releaseTransferId = (bookingId: string) => `release:${bookingId}`;

export interface HoldInput {
  booking_id: string;
  programme_id: string;
  voucher_id: string;
  provider_org_id: string;
  /** Who is owed: the provider (通兑) or the enterprise (通用). Fixed from the booking on. */
  payable_org_id: string;
  sme_org_id: string;
  subsidy_fen: number;
  /** Calendar year (Asia/Shanghai) in which the hold is placed. */
  year: number;
  annual_subsidy_cap_fen: number | null;
  /** The pending transfer's id; default hold:<booking>. A changed booking's new hold takes its own. */
  transfer_id?: string;
}

/** Statements that place the hold. subsidy_fen must be > 0: a booking with no subsidy holds nothing. */
export function placeHold(store: Store, h: HoldInput, now: number): SQLWrapper[] {
  if (!(h.subsidy_fen > 0)) throw new Error("a hold needs a positive subsidy");
  const payable = accountIds.payable(h.programme_id, h.payable_org_id);
  return [
    ensureAccount(store, { id: payable, kind: "provider_payable", programme_id: h.programme_id, org_id: h.payable_org_id }, now),
    ...pendingTransfer(
      store,
      {
        id: h.transfer_id ?? holdTransferId(h.booking_id),
        debit_account_id: accountIds.voucher(h.voucher_id),
        credit_account_id: payable,
        amount_fen: h.subsidy_fen,
        code: "hold",
        subject_id: h.booking_id,
      },
      now,
    ),
    annualSubsidyChange(store, annualKey(h), h.subsidy_fen, h.annual_subsidy_cap_fen),
  ];
}

function annualKey(h: { programme_id: string; sme_org_id: string; year: number }): AnnualKey {
  return { programme_id: h.programme_id, sme_org_id: h.sme_org_id, year: h.year };
}

export interface HeldBooking {
  booking_id: string;
  programme_id: string;
  sme_org_id: string;
  /** The year the hold counted against (bookings.cap_year). */
  year: number;
  annual_subsidy_cap_fen: number | null;
}

/** Settles the hold for the delivered subsidy (≤ held); the remainder returns to the voucher and the annual cap. */
export function settleHold(store: Store, hold: LedgerTransfer, b: HeldBooking, deliveredSubsidyFen: number, now: number): SQLWrapper[] {
  const returned = hold.amount_fen - deliveredSubsidyFen;
  return [
    ...postPendingTransfer(store, hold, { id: settleTransferId(b.booking_id), amount_fen: deliveredSubsidyFen, code: "deliver" }, now),
    ...(returned > 0 ? [annualSubsidyChange(store, annualKey(b), -returned, b.annual_subsidy_cap_fen)] : []),
  ];
}

/** Voids the hold (cancel, reject, lapse, voucher expiry or revocation); gives the annual-cap room back. */
export function releaseHold(store: Store, hold: LedgerTransfer, b: HeldBooking, code: string, now: number): SQLWrapper[] {
  return [
    ...voidPendingTransfer(store, hold, releaseTransferId(b.booking_id), code, now),
    annualSubsidyChange(store, annualKey(b), -hold.amount_fen, b.annual_subsidy_cap_fen),
  ];
}

/** The pending transfer that `booking` holds, or null when it holds none. A hold it names that the ledger lacks (or that is no longer pending) is a broken invariant. */
export async function readBookingHold(store: Store, booking: Booking): Promise<LedgerTransfer | null> {
  if (!booking.hold_transfer_id) return null;
  const [hold] = await store.db.select().from(ledger_transfers).where(eq(ledger_transfers.id, booking.hold_transfer_id));
  if (!hold || hold.kind !== "pending") throw missingHold(booking);
  return hold;
}

/** The hold and the annual counter it counted against, as settleHold and releaseHold need them. */
export async function readHeldBooking(store: Store, booking: Booking): Promise<{ hold: LedgerTransfer; held: HeldBooking }> {
  const hold = await readBookingHold(store, booking);
  const [counter] = await store.db
    .select({ cap_fen: annual_subsidy.cap_fen })
    .from(annual_subsidy)
    .where(sql`${annual_subsidy.programme_id} = ${booking.programme_id} AND ${annual_subsidy.sme_org_id} = ${booking.sme_org_id} AND ${annual_subsidy.year} = ${booking.cap_year}`);
  if (!hold || !counter) throw missingHold(booking);
  const held: HeldBooking = {
    booking_id: booking.id,
    programme_id: booking.programme_id as string,
    sme_org_id: booking.sme_org_id,
    year: booking.cap_year as number,
    annual_subsidy_cap_fen: counter.cap_fen,
  };
  return { hold, held };
}

const missingHold = (booking: Booking) => new Error(`booking ${booking.id} names a hold the ledger does not have`);
