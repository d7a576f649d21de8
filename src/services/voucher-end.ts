// Ending a voucher (expiry or revocation, DESIGN §4): its pending holds are voided (each gives
// its annual-cap room back) and its whole remaining balance returns to the pool, in the same
// batch that moves the voucher out of 'active'. Guards: the status transition, the return
// transfer's id (once per voucher), each void's unique pending_id, and the voucher's overdraft
// CHECK (a hold placed after the read leaves too little to return, so the batch fails and the
// caller re-reads). A voucher with more holds than fit one batch has them voided in chunks first.
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import { accountIds } from "../db/accounts";
import { retryOnGuard } from "../db/atomic";
import type { AuditInput } from "../db/audit";
import { transition } from "../db/guards";
import { postedTransfer } from "../db/ledger";
import { vouchers, type LedgerTransfer, type Voucher } from "../db/schema";
import type { Store } from "../db/store";
import { conflict, type AppError } from "../lib/errors";
import { shanghaiYear } from "../lib/time";
import { releaseHold } from "./holds";
import { POOL_CODES } from "./programmes";
import { readVoucherWithBalance, returnTransferId } from "./vouchers";

export interface VoucherEnd {
  status: "expired" | "revoked";
  reason: string;
}

/** releaseHold writes 4 statements; 40 holds leave room for the rest within MAX_BATCH_STATEMENTS. */
export const HOLDS_PER_BATCH = 40;
/** A voucher with more live holds than this is a bug somewhere else; refuse rather than loop on. */
export const MAX_HOLD_CHUNKS = 50;

export interface VoucherEndStep {
  voucher: Voucher;
  statements: SQLWrapper[];
  events: AuditInput[];
  /** False while holds are still being voided in chunks; true for the batch that ends the voucher. */
  final: boolean;
  released_holds: number;
  returned_fen: number;
}

type LiveHold = LedgerTransfer & { cap_year: number | null; cap_fen: number | null };

/** Pending holds on an account that nothing has posted or voided yet (at most `limit`). */
export async function liveHolds(store: Store, accountId: string, limit: number): Promise<LiveHold[]> {
  return store.all<LiveHold>(sql`
    SELECT h.*, b.cap_year AS cap_year, s.cap_fen AS cap_fen
    FROM ledger_transfers h
    LEFT JOIN bookings b ON b.id = h.subject_id
    LEFT JOIN vouchers v ON v.account_id = h.debit_account_id
    LEFT JOIN annual_subsidy s ON s.programme_id = v.programme_id AND s.sme_org_id = v.sme_org_id
      AND s.year = coalesce(b.cap_year, CAST(strftime('%Y', (h.created_at + 28800000) / 1000, 'unixepoch') AS INTEGER))
    WHERE h.debit_account_id = ${accountId} AND h.kind = 'pending'
      AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.pending_id = h.id)
    ORDER BY h.created_at, h.id
    LIMIT ${limit}`);
}

function releaseStatements(store: Store, voucher: Voucher, holds: readonly LiveHold[], code: string, now: number): SQLWrapper[] {
  return holds.flatMap((hold) =>
    releaseHold(
      store,
      hold,
      {
        booking_id: hold.subject_id ?? hold.id,
        programme_id: voucher.programme_id,
        sme_org_id: voucher.sme_org_id,
        // The year the hold counted against: the booking's, or (no booking row) the hold's own.
        year: hold.cap_year ?? shanghaiYear(hold.created_at),
        annual_cap_fen: hold.cap_fen ?? 0,
      },
      code,
      now,
    ),
  );
}

/** The next batch towards ending the voucher, or null when it is no longer active. */
export async function planVoucherEnd(store: Store, voucherId: string, end: VoucherEnd, now: number): Promise<VoucherEndStep | null> {
  const row = await readVoucherWithBalance(store, voucherId);
  if (!row || row.voucher.status !== "active") return null;
  const { voucher, account } = row;
  const code = end.status === "expired" ? POOL_CODES.expire : POOL_CODES.revoke;
  const holds = await liveHolds(store, voucher.account_id, HOLDS_PER_BATCH + 1);
  const chunk = holds.slice(0, HOLDS_PER_BATCH);
  const statements = releaseStatements(store, voucher, chunk, code, now);
  const events: AuditInput[] = chunk.map((hold) => ({
    action: "voucher.hold_voided",
    subject_type: "voucher",
    subject_id: voucher.id,
    programme_id: voucher.programme_id,
    after: { hold_transfer_id: hold.id, booking_id: hold.subject_id, amount_fen: hold.amount_fen, because: end.status },
  }));
  if (holds.length > HOLDS_PER_BATCH) {
    return { voucher, statements, events, final: false, released_holds: chunk.length, returned_fen: 0 };
  }
  // With every hold voided, what is left is everything credited minus everything settled.
  const returned_fen = account.credits_posted_fen - account.debits_posted_fen;
  if (returned_fen > 0) {
    statements.push(
      ...postedTransfer(store, { id: returnTransferId(voucher.id), debit_account_id: voucher.account_id, credit_account_id: accountIds.programmePool(voucher.programme_id), amount_fen: returned_fen, code, subject_id: voucher.id }, now),
    );
  }
  statements.push(
    store.db
      .update(vouchers)
      .set({ status: transition(vouchers.status, ["active"], end.status), status_reason: end.reason })
      .where(eq(vouchers.id, voucher.id)),
  );
  const after = { ...voucher, status: end.status, status_reason: end.reason };
  events.push({ action: `voucher.${end.status}`, subject_type: "voucher", subject_id: voucher.id, programme_id: voucher.programme_id, before: voucher, after: { ...after, returned_fen } });
  return { voucher: after, statements, events, final: true, released_holds: chunk.length, returned_fen };
}

export interface VoucherEndResult {
  voucher: Voucher;
  released_holds: number;
  returned_fen: number;
}

const endConflict = (): AppError =>
  conflict("voucher_busy", "代金券正被其他操作修改，请稍后重试 / The voucher is being changed by another request; retry shortly");

/**
 * Ends the voucher, committing each step with `commitStep` (the caller adds its audit metadata,
 * and for the final step whatever else belongs in that batch). Returns null if it was no longer
 * active (already ended, perhaps by a concurrent sweep or revocation).
 */
export async function endVoucher(
  store: Store,
  voucherId: string,
  end: VoucherEnd,
  now: number,
  commitStep: (step: VoucherEndStep) => Promise<void>,
): Promise<VoucherEndResult | null> {
  let released = 0;
  for (let chunk = 0; chunk < MAX_HOLD_CHUNKS; chunk++) {
    const step = await retryOnGuard(async () => {
      const planned = await planVoucherEnd(store, voucherId, end, now);
      if (planned) await commitStep(planned);
      return planned;
    }, endConflict);
    if (!step) return null;
    released += step.released_holds;
    if (step.final) return { voucher: step.voucher, released_holds: released, returned_fen: step.returned_fen };
  }
  throw new Error(`voucher ${voucherId} has more than ${MAX_HOLD_CHUNKS * HOLDS_PER_BATCH} live holds`);
}
