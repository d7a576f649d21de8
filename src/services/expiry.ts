// The expiry sweep (DESIGN §1: unused value lapses): every active voucher past its expires_at is
// ended, one voucher per batch (src/services/voucher-end.ts). Run by `npm run cli -- sweep` and by
// the Workers cron trigger (src/worker.ts runScheduled). Safe to run twice or concurrently: a
// voucher another sweep ended first fails this sweep's guarded batch, and the re-read skips it.
import { and, asc, eq, gt, lte, or, sql } from "drizzle-orm";
import { commitAs } from "../db/atomic";
import { vouchers } from "../db/schema";
import type { Store } from "../db/store";
import { validThroughOn } from "../domain/validity";
import { endVoucher } from "./voucher-end";

export const SWEEP_PAGE_SIZE = 100;
/** One run's bound; the next run (five minutes later on Workers) continues. */
export const MAX_SWEEP_VOUCHERS = 1000;

export interface SweepReport {
  expired: number;
  released_holds: number;
  returned_fen: number;
  /** Due, but a booking on it is in service: it expires once that booking is delivered. */
  deferred: { voucher_id: string; booking_ids: string[] }[];
  /** Could not be ended this run (still active; the next run retries). */
  failed: { voucher_id: string; error: string }[];
  /** True when the bound stopped the run: more may be due. */
  more: boolean;
}

export async function sweepExpiredVouchers(store: Store, now: number, maxVouchers = MAX_SWEEP_VOUCHERS): Promise<SweepReport> {
  const report: SweepReport = { expired: 0, released_holds: 0, returned_fen: 0, deferred: [], failed: [], more: false };
  const meta = { at: now, request_id: `sweep-${now}`, actor_user_id: null, actor_org_id: null };
  // Keyset pagination: vouchers left active (deferred, failed) are passed, never re-read.
  let after: { expires_at: number; id: string } | null = null;
  for (let seen = 0; seen < maxVouchers; ) {
    const due: { id: string; expires_at: number }[] = await store.db
      .select({ id: vouchers.id, expires_at: vouchers.expires_at })
      .from(vouchers)
      .where(and(eq(vouchers.status, "active"), lte(vouchers.expires_at, now), after ? or(gt(vouchers.expires_at, after.expires_at), and(eq(vouchers.expires_at, after.expires_at), gt(vouchers.id, after.id))) : sql`1 = 1`))
      .orderBy(asc(vouchers.expires_at), asc(vouchers.id))
      .limit(Math.min(SWEEP_PAGE_SIZE, maxVouchers - seen));
    if (due.length === 0) return report;
    for (const voucher of due) {
      seen++;
      after = voucher;
      await sweepOne(store, meta, voucher, now, report);
    }
  }
  report.more = true;
  return report;
}

async function sweepOne(store: Store, meta: Parameters<typeof commitAs>[1], voucher: { id: string; expires_at: number }, now: number, report: SweepReport) {
  const last = validThroughOn(voucher.expires_at);
  const reason = `有效期至${last}，已届满 / Valid through ${last}; expired`;
  try {
    const ended = await endVoucher(store, voucher.id, { status: "expired", reason }, now, async (step) => {
      await commitAs(store, meta, step.statements, step.events);
    });
    if (ended.kind === "deferred") report.deferred.push({ voucher_id: voucher.id, booking_ids: ended.booking_ids });
    if (ended.kind !== "ended") return;
    report.expired++;
    report.released_holds += ended.released_holds;
    report.returned_fen += ended.returned_fen;
  } catch (error) {
    report.failed.push({ voucher_id: voucher.id, error: error instanceof Error ? error.message : String(error) });
  }
}
