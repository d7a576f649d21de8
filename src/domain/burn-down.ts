// A programme's budget burn-down, pure. "Burned" is what left the pool: voucher face value issued,
// less what expiry, revocation and upheld disputes returned to it. The run-out date extrapolates
// the net burn over a trailing window, so one big month long ago does not set today's rate.
import { DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDate } from "../lib/time";

export interface BurnEvent {
  at: number;
  /** Positive when money leaves the pool (issue), negative when it comes back (expire, revoke). */
  burned_fen: number;
}

export interface BurnMonth {
  /** 'YYYY-MM' in Asia/Shanghai. */
  month: string;
  burned_fen: number;
  /** Budget left at the end of the month. */
  remaining_fen: number;
}

export interface BurnDown {
  months: BurnMonth[];
  remaining_fen: number;
  /** Net burn per day over the window, in whole fen (rounded down); 0 when nothing net left the pool. */
  daily_rate_fen: number;
  /** The Shanghai date the budget runs out at that rate; null when the rate is not positive or nothing was budgeted yet. */
  runs_out_on: string | null;
}

export const shanghaiMonth = (at: number) => new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);

export function burnDown(input: { budget_fen: number; events: readonly BurnEvent[]; now: number; window_days: number }): BurnDown {
  if (!(input.window_days > 0)) throw new Error("the rate window must be positive");
  const byMonth = new Map<string, number>();
  let burned = 0;
  let inWindow = 0;
  const windowStart = input.now - input.window_days * DAY_MS;
  for (const e of input.events) {
    if (e.at > input.now) continue;
    const month = shanghaiMonth(e.at);
    byMonth.set(month, (byMonth.get(month) ?? 0) + e.burned_fen);
    burned += e.burned_fen;
    if (e.at > windowStart) inWindow += e.burned_fen;
  }
  let remaining = input.budget_fen;
  const months = [...byMonth.keys()].sort().map((month) => {
    const burned_fen = byMonth.get(month) ?? 0;
    remaining -= burned_fen;
    return { month, burned_fen, remaining_fen: remaining };
  });
  const remaining_fen = input.budget_fen - burned;
  const rate = inWindow / input.window_days;
  const daily_rate_fen = rate > 0 ? Math.floor(rate) : 0;
  let runs_out_on: string | null = null;
  // Nothing budgeted and nothing burned yet (a period before the programme): nothing runs out.
  const funded = input.budget_fen > 0 || months.length > 0;
  if (funded && remaining_fen <= 0) runs_out_on = shanghaiDate(input.now);
  else if (rate > 0) runs_out_on = shanghaiDate(input.now + Math.ceil(remaining_fen / rate) * DAY_MS);
  return { months, remaining_fen, daily_rate_fen, runs_out_on };
}
