// The most a voucher could pay towards a booking of a given gross, before anything about the
// booking but its gross is known: capacity search ranks options by this bound on their co-pay and
// prices (evaluateVoucher, src/domain/booking-subsidy.ts) only those that can still be shown. Pure.
import type { VoucherFacts } from "./booking-subsidy";
import { applyRatioFloor, FULL_RATIO_BP } from "./pricing";

/**
 * The most any of the SME's vouchers could pay towards a booking of this gross, whatever the
 * provider, its approval, the relation or the expiry: each voucher's subsidy is the least of a
 * list whose ratio term is at most gross × its highest ratio (full coverage's 100 % at or below
 * the threshold; otherwise the base ratio or the best tier, whichever the booking qualifies for),
 * and whose other terms are its caps, all included here. So gross − this is a lower bound on the
 * co-pay of any option with this gross (no usable voucher: co-pay = gross).
 */
export function subsidyBound(bounds: readonly VoucherBound[], gross: number): number {
  let most = 0;
  for (const b of bounds) {
    const ratio = b.threshold > 0 && gross <= b.threshold ? FULL_RATIO_BP : b.ratio_bp;
    // In doubles while gross × ratio is a safe integer: then the quotient by 10,000 rounds to
    // within 2^-13 of the true one, never across a whole number, so the floor is exact.
    const product = gross * ratio;
    const byRatio = product <= Number.MAX_SAFE_INTEGER ? Math.floor(product / FULL_RATIO_BP) : applyRatioFloor(gross, ratio);
    const bound = Math.min(byRatio, b.caps_fen);
    if (bound > most) most = bound;
  }
  return most;
}

export interface VoucherBound {
  threshold: number;
  /** The highest ratio any booking could get: the base or the best tier. */
  ratio_bp: number;
  /** The least of the per-booking cap, the annual cap left and the voucher's balance (each as quoteSubsidy takes it). */
  caps_fen: number;
}

export function voucherBounds(vouchers: readonly VoucherFacts[]): VoucherBound[] {
  return vouchers.map((v) => {
    const cap = v.rules.annual_subsidy_cap_fen;
    let caps_fen = Math.max(0, v.voucher_available_fen);
    if (v.rules.per_booking_cap_fen !== null) caps_fen = Math.min(caps_fen, v.rules.per_booking_cap_fen);
    if (cap !== null) caps_fen = Math.min(caps_fen, Math.max(0, cap - v.annual_subsidy_used_fen));
    return { threshold: v.rules.full_coverage_threshold_fen, ratio_bp: Math.max(v.rules.subsidy_ratio_bp, ...v.rules.tiers.map((t) => t.ratio_bp)), caps_fen };
  });
}
