// The expiry sweep (DESIGN §1: unused value lapses): every active voucher past its expires_at is
// ended, one voucher per batch (src/services/voucher-end.ts). Run by `npm run cli -- sweep` and by
// the Workers cron trigger (src/worker.ts runScheduled). Safe to run twice or concurrently: a
// voucher another sweep ended first fails this sweep's guarded batch, and the re-read skips it.
import { and, asc, eq, lte, notInArray } from "drizzle-orm";
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
  /** Vouchers that could not be ended this run (still active; the next run retries them). */
  failed: { voucher_id: string; error: string }[];
  /** True when the bound stopped the run before every due voucher was seen. */
  more: boolean;
}

export async function sweepExpiredVouchers(store: Store, now: number, maxVouchers = MAX_SWEEP_VOUCHERS): Promise<SweepReport> {
  const report: SweepReport = { expired: 0, released_holds: 0, returned_fen: 0, failed: [], more: false };
  const meta = { at: now, request_id: `sweep-${now}`, actor_user_id: null, actor_org_id: null };
  let seen = 0;
  while (seen < maxVouchers) {
    const failedIds = report.failed.map((f) => f.voucher_id);
    const due = await store.db
      .select({ id: vouchers.id, expires_at: vouchers.expires_at })
      .from(vouchers)
      .where(and(eq(vouchers.status, "active"), lte(vouchers.expires_at, now), failedIds.length ? notInArray(vouchers.id, failedIds) : undefined))
      .orderBy(asc(vouchers.expires_at), asc(vouchers.id))
      .limit(Math.min(SWEEP_PAGE_SIZE, maxVouchers - seen));
    if (due.length === 0) return report;
    for (const { id, expires_at } of due) {
      seen++;
      const reason = `有效期至${validThroughOn(expires_at)}，已届满 / Validity ended after ${validThroughOn(expires_at)}`;
      try {
        const ended = await endVoucher(store, id, { status: "expired", reason }, now, (step) => commitAs(store, meta, step.statements, step.events).then(() => undefined));
        if (!ended) continue;
        report.expired++;
        report.released_holds += ended.released_holds;
        report.returned_fen += ended.returned_fen;
      } catch (error) {
        report.failed.push({ voucher_id: id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  report.more = true;
  return report;
}
