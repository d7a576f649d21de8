// Ending a voucher (expiry or revocation, DESIGN §4): its pending holds are voided (each gives
// its annual-cap room back) and its whole remaining balance returns to the pool, in the same
// batch that moves the voucher out of 'active'. Guards: the status transition, the return
// transfer's id (once per voucher), each void's unique pending_id, and the voucher's overdraft
// CHECK (a hold placed after the read leaves too little to return, so the batch fails and the
// caller re-reads). A voucher with more holds than fit one batch has them voided in chunks first.
//
// Bookings behind the holds: one not yet started is released through the bookings service
// (capacity back, status lapsed on expiry or cancelled on revocation). One already in service
// keeps its subsidy (it was committed while the voucher was good, and voiding it would strand the
// booking's delivery): the voucher waits until the booking is delivered. The sweep retries on its
// next run; a revocation is refused, naming the bookings, and succeeds after their delivery.
import { eq, inArray, sql, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import { retryOnGuard } from "../db/atomic";
import type { AuditInput } from "../db/audit";
import { transition } from "../db/guards";
import { postedTransfer } from "../db/ledger";
import { bookings, vouchers, type Booking, type LedgerTransfer, type Voucher } from "../db/schema";
import type { Store } from "../db/store";
import { RELEASABLE } from "../domain/booking-lifecycle";
import { conflict, type AppError } from "../lib/errors";
import { shanghaiYear } from "../lib/time";
import { bookingNews } from "./booking-news";
import { releaseBookingStatements, releaseEvent, type Release } from "./bookings-release";
import { releaseHold } from "./holds";
import { POOL_CODES } from "./programmes";
import { voucherNews } from "./voucher-news";
import { readVoucherWithBalance, returnTransferId } from "./vouchers";

export interface VoucherEnd {
  status: "expired" | "revoked";
  reason: string;
}

/**
 * A released booking writes about 13 statements (its move, slots, the hold's void and cap room: 6;
 * telling the enterprise and the provider: 6; its audit event): 12 leave room for the rest of a
 * batch (the return transfer, the voucher's move and its announcement) under MAX_BATCH_STATEMENTS.
 */
export const HOLDS_PER_BATCH = 12;
/** A voucher with more live holds than this is a bug somewhere else; refuse rather than loop on. */
export const MAX_HOLD_CHUNKS = 80;

export interface VoucherEndStep {
  voucher: Voucher;
  statements: SQLWrapper[];
  events: AuditInput[];
  /** False while holds are still being voided in chunks; true for the batch that ends the voucher. */
  final: boolean;
  released_holds: number;
  returned_fen: number;
}

export type VoucherEndPlan =
  | { kind: "inactive" }
  | { kind: "deferred"; booking_ids: string[] }
  | { kind: "step"; step: VoucherEndStep };

type LiveHold = LedgerTransfer & { cap_year: number | null; cap_fen: number | null; booking_status: Booking["status"] | null };

const ACCOUNT_YEAR = sql`coalesce(b.cap_year, CAST(strftime('%Y', (h.created_at + 28800000) / 1000, 'unixepoch') AS INTEGER))`;

/** Pending holds on an account that nothing has posted or voided yet (at most `limit`), with their booking's state. */
async function liveHolds(store: Store, accountId: string, limit: number): Promise<LiveHold[]> {
  return store.all<LiveHold>(sql`
    SELECT h.*, b.cap_year AS cap_year, s.cap_fen AS cap_fen, b.status AS booking_status
    FROM ledger_transfers h
    LEFT JOIN bookings b ON b.id = h.subject_id AND b.hold_transfer_id = h.id
    LEFT JOIN vouchers v ON v.account_id = h.debit_account_id
    LEFT JOIN annual_subsidy s ON s.programme_id = v.programme_id AND s.sme_org_id = v.sme_org_id AND s.year = ${ACCOUNT_YEAR}
    WHERE h.debit_account_id = ${accountId} AND h.kind = 'pending'
      AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = h.id)
    ORDER BY h.created_at, h.id
    LIMIT ${limit}`);
}

/** Bookings in service (started, not delivered) holding on the account: expiry waits for them. */
async function bookingsInService(store: Store, accountId: string): Promise<string[]> {
  const rows = await store.all<{ id: string }>(sql`
    SELECT b.id FROM ledger_transfers h JOIN bookings b ON b.id = h.subject_id AND b.hold_transfer_id = h.id
    WHERE h.debit_account_id = ${accountId} AND h.kind = 'pending'
      AND b.status NOT IN (${sql.join(RELEASABLE.map((s) => sql`${s}`), sql`, `)})
      AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = h.id)
    LIMIT 10`);
  return rows.map((r) => r.id);
}

function bookingRelease(end: VoucherEnd, code: string, now: number): Release {
  return end.status === "expired"
    ? { to: "lapsed", from: RELEASABLE, reason: "创新券已过期 / The voucher expired", ledger_code: code, now }
    : { to: "cancelled", from: RELEASABLE, reason: `创新券已撤销：${end.reason} / The voucher was revoked: ${end.reason}`, ledger_code: code, now };
}

/** Statements and events voiding `holds`, releasing the bookings behind them that have not started. */
async function releaseHolds(store: Store, voucher: Voucher, holds: readonly LiveHold[], end: VoucherEnd, code: string, now: number) {
  const statements: SQLWrapper[] = [];
  const events: AuditInput[] = [];
  const bookingIds = holds.filter((h) => h.booking_status !== null).map((h) => h.subject_id as string);
  const held = bookingIds.length ? await store.db.select().from(bookings).where(inArray(bookings.id, bookingIds)) : [];
  for (const hold of holds) {
    const booking = held.find((b) => b.hold_transfer_id === hold.id);
    if (booking) {
      // Bookings in service were ruled out before; one that started since fails the release's guard.
      const release = bookingRelease(end, code, now);
      statements.push(...(await releaseBookingStatements(store, booking, release)));
      statements.push(...(await bookingNews(booking, { ...booking, status: release.to, status_reason: release.reason }, { user_id: null, org_id: null }, now)));
      events.push(releaseEvent(booking, release));
      continue;
    }
    // A hold with no booking row behind it (placed directly on the ledger): void it alone.
    const year = hold.cap_year ?? shanghaiYear(hold.created_at);
    const bookingId = hold.subject_id ?? hold.id;
    statements.push(...releaseHold(store, hold, { booking_id: bookingId, programme_id: voucher.programme_id, sme_org_id: voucher.sme_org_id, year, annual_subsidy_cap_fen: hold.cap_fen }, code, now));
    events.push({ action: "voucher.hold_voided", subject_type: "voucher", subject_id: voucher.id, programme_id: voucher.programme_id, after: { hold_transfer_id: hold.id, booking_id: bookingId, amount_fen: hold.amount_fen, because: end.status } });
  }
  return { statements, events };
}

/** The next batch towards ending the voucher. */
export async function planVoucherEnd(store: Store, voucherId: string, end: VoucherEnd, now: number): Promise<VoucherEndPlan> {
  const row = await readVoucherWithBalance(store, voucherId);
  if (!row || row.voucher.status !== "active") return { kind: "inactive" };
  const { voucher, account } = row;
  const inService = await bookingsInService(store, voucher.account_id);
  if (inService.length > 0) return { kind: "deferred", booking_ids: inService };
  const code = end.status === "expired" ? POOL_CODES.expire : POOL_CODES.revoke;
  const holds = await liveHolds(store, voucher.account_id, HOLDS_PER_BATCH + 1);
  const chunk = holds.slice(0, HOLDS_PER_BATCH);
  const { statements, events } = await releaseHolds(store, voucher, chunk, end, code, now);
  if (holds.length > HOLDS_PER_BATCH) {
    return { kind: "step", step: { voucher, statements, events, final: false, released_holds: chunk.length, returned_fen: 0 } };
  }
  // With every hold voided, what is left is everything credited minus everything settled.
  const returned_fen = account.credits_posted_fen - account.debits_posted_fen;
  if (returned_fen > 0) {
    const pool = accountIds.programmePool(voucher.programme_id);
    statements.push(...postedTransfer(store, { id: returnTransferId(voucher.id), debit_account_id: voucher.account_id, credit_account_id: pool, amount_fen: returned_fen, code, subject_id: voucher.id }, now));
  }
  statements.push(store.db.update(vouchers).set({ status: transition(vouchers.status, ["active"], end.status), status_reason: end.reason }).where(eq(vouchers.id, voucher.id)));
  const after = { ...voucher, status: end.status, status_reason: end.reason };
  // The enterprise hears in the batch that ends the voucher, never before and never twice (the transition guards it).
  statements.push(...(await voucherNews(after, end.status === "expired" ? { kind: "voucher.expired", returned_fen } : { kind: "voucher.revoked", reason: end.reason, returned_fen }, now)));
  events.push({ action: `voucher.${end.status}`, subject_type: "voucher", subject_id: voucher.id, programme_id: voucher.programme_id, before: voucher, after: { ...after, returned_fen } });
  return { kind: "step", step: { voucher: after, statements, events, final: true, released_holds: chunk.length, returned_fen } };
}

export type VoucherEndResult =
  | { kind: "ended"; voucher: Voucher; released_holds: number; returned_fen: number }
  | { kind: "inactive" }
  | { kind: "deferred"; booking_ids: string[] };

const endConflict = (): AppError =>
  conflict("voucher_busy", "创新券正被其他操作修改，请稍后重试 / The voucher is being changed by another request; retry shortly");

/**
 * Ends the voucher, committing each step with `commitStep` (the caller adds its audit metadata,
 * and for the final step whatever else belongs in that batch). "inactive" when it was no longer
 * active (already ended, perhaps by a concurrent sweep or revocation).
 */
export async function endVoucher(
  store: Store,
  voucherId: string,
  end: VoucherEnd,
  now: number,
  commitStep: (step: VoucherEndStep) => Promise<void>,
): Promise<VoucherEndResult> {
  let released = 0;
  for (let chunk = 0; chunk < MAX_HOLD_CHUNKS; chunk++) {
    const plan = await retryOnGuard(async () => {
      const planned = await planVoucherEnd(store, voucherId, end, now);
      if (planned.kind === "step") await commitStep(planned.step);
      return planned;
    }, endConflict);
    if (plan.kind !== "step") return plan;
    released += plan.step.released_holds;
    if (plan.step.final) return { kind: "ended", voucher: plan.step.voucher, released_holds: released, returned_fen: plan.step.returned_fen };
  }
  throw new Error(`voucher ${voucherId} has more than ${MAX_HOLD_CHUNKS * HOLDS_PER_BATCH} live holds`);
}
