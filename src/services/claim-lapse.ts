// The claim-deadline sweep (Workers cron, the Node timer): a delivered, confirmed booking that no
// claim covers within its programme's claim deadline (default 90 days after delivery) gives its
// subsidy back by a reversal transfer (claim-return:<booking id>, the same id a rejected claim's
// return uses, so a booking's subsidy comes back at most once): to its voucher, or to the
// programme's pool if the voucher has ended; the enterprise's annual-cap room comes back with it.
// Each booking is its own batch. Its guard (no claim covers it) fails the batch if a claim
// committed first; a claim's own guard refuses a booking whose subsidy already went back.
import { sql } from "drizzle-orm";
import { commitAs } from "../db/atomic";
import type { AuditMeta } from "../db/audit";
import { constraintViolation } from "../db/constraints";
import { bookings, type Booking } from "../db/schema";
import type { Store } from "../db/store";
import { DEFAULT_CLAIM_DEADLINE_DAYS } from "../domain/working-days";
import { AppError } from "../lib/errors";
import { DAY_MS } from "../lib/time";
import { claimReversalId, returnSubsidy } from "./claim-moves";

export const CLAIM_LAPSE_LIMIT = 100;
export const CLAIM_LAPSED_REASON = "兑付期限已过，未申请兑付的补贴已退回 / The claim deadline passed with no claim: the subsidy went back";

export interface ClaimLapseResult {
  lapsed: number;
  /** Claimed (or moved) by someone else between the read and the write. */
  skipped: number;
}

/** SQL: the booking's subsidy is still unclaimed and not yet returned. */
export const unclaimedAndUnreturned = (bookingId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM claim_bookings cb WHERE cb.booking_id = ${bookingId}) AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = ${claimReversalId(bookingId)})`;

export async function sweepLapsedClaims(store: Store, now: number): Promise<ClaimLapseResult> {
  const result: ClaimLapseResult = { lapsed: 0, skipped: 0 };
  const deadline = sql`(b.delivered_at + coalesce(json_extract(pv.rules_json, '$.claim_deadline_days'), ${DEFAULT_CLAIM_DEADLINE_DAYS}) * ${DAY_MS})`;
  const due = await store.all<{ id: string; pool: string; deadline_at: number }>(sql`
    SELECT b.id, p.pool_account_id AS pool, ${deadline} AS deadline_at
    FROM bookings b
    JOIN programmes p ON p.id = b.programme_id
    JOIN programme_versions pv ON pv.programme_id = p.id AND pv.version = p.current_version
    WHERE b.status = 'delivered' AND b.confirmation_state = 'confirmed' AND b.hold_transfer_id IS NOT NULL
      AND b.delivered_subsidy_fen > 0 AND ${deadline} < ${now}
      AND NOT EXISTS (SELECT 1 FROM claim_bookings cb WHERE cb.booking_id = b.id)
      AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = 'claim-return:' || b.id)
    ORDER BY b.delivered_at, b.id
    LIMIT ${CLAIM_LAPSE_LIMIT}`);
  for (const row of due) {
    const meta: AuditMeta = { at: now, request_id: `claim-lapse-${now}`, actor_user_id: null, actor_org_id: null };
    try {
      const [b] = await store.db.select().from(bookings).where(sql`${bookings.id} = ${row.id}`);
      if (!b) continue;
      const returned: { booking_id: string; amount_fen: number; to: "voucher" | "pool" }[] = [];
      const statements = await returnSubsidy(store, b as Booking, row.pool, now, returned, sql`${bookings.confirmation_state} = 'confirmed' AND ${unclaimedAndUnreturned(b.id)}`);
      statements.push(store.db.update(bookings).set({ status_reason: CLAIM_LAPSED_REASON }).where(sql`${bookings.id} = ${b.id}`));
      await commitAs(store, meta, statements, [
        {
          action: "booking.claim_lapsed",
          subject_type: "booking",
          subject_id: b.id,
          programme_id: b.programme_id,
          before: { status: b.status, delivered_subsidy_fen: b.delivered_subsidy_fen },
          after: { status: b.status, claim_deadline_at: Number(row.deadline_at), returned },
        },
      ]);
      result.lapsed++;
    } catch (error) {
      if (constraintViolation(error) || error instanceof AppError) result.skipped++;
      else throw error;
    }
  }
  return result;
}

