// One voucher's bookings over time: redemptions bunched before expiry, and cancelling and booking
// again to move a hold (docs/anomalies.md).
import { and, asc, desc, eq, notInArray, sql } from "drizzle-orm";
import { bookings, vouchers } from "../../db/schema";
import { bunchedBeforeExpiry } from "../../domain/anomaly-rules";
import { HOUR_MS } from "../../lib/time";
import { MAX_EVIDENCE_ROWS, type Candidate, type EvidenceRow } from "./evidence";
import type { SweepReads } from "./sweep-reads";

const LIVE = ["cancelled", "rejected", "lapsed"] as const;

/** Redemptions bunched before expiry; cancelled and rebooked to move a hold. */
export async function voucherRules(reads: SweepReads, voucherId: string): Promise<Candidate[]> {
  const { store, settings } = reads;
  const [voucher] = await store.db.select().from(vouchers).where(eq(vouchers.id, voucherId));
  if (!voucher) return [];
  const sme = await reads.org(voucher.sme_org_id);
  const voucherRow: EvidenceRow = { kind: "voucher", id: voucher.id, label: `${sme?.name ?? voucher.sme_org_id} · ¥${(voucher.face_value_fen / 100).toFixed(2)}`, role: "voucher" };
  const base = { subject_kind: "voucher" as const, subject_id: voucher.id, programme_id: voucher.programme_id };
  const out: Candidate[] = [];

  const windowStart = voucher.expires_at - settings.expiry_window_hours * HOUR_MS;
  const late = await store.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.voucher_id, voucher.id), notInArray(bookings.status, [...LIVE]), sql`${bookings.created_at} >= ${windowStart}`, sql`${bookings.created_at} < ${voucher.expires_at}`))
    .orderBy(asc(bookings.created_at))
    .limit(500);
  const lateFen = late.reduce((s, b) => s + b.subsidy_fen, 0);
  if (bunchedBeforeExpiry(lateFen, voucher.face_value_fen, settings.expiry_share_bp)) {
    const share = Math.round((lateFen * 10_000) / voucher.face_value_fen);
    out.push({
      ...base,
      rule: "expiry_bunching",
      evidence: {
        summary_zh: `到期前 ${settings.expiry_window_hours} 小时内的预约占用了券面额的 ${(share / 100).toFixed(1)}%`,
        summary_en: `Bookings made in the ${settings.expiry_window_hours} hours before expiry hold ${(share / 100).toFixed(1)}% of the face value`,
        rows: [voucherRow, ...(await Promise.all(late.slice(0, MAX_EVIDENCE_ROWS).map((b) => reads.bookingRow(b, "late"))))],
        figures: { late_fen: lateFen, face_value_fen: voucher.face_value_fen, share_bp: share, threshold_bp: settings.expiry_share_bp },
      },
    });
  }

  // Cancel-and-rebook: the newest booking, and those of the window before it.
  const [newest] = await store.db.select().from(bookings).where(eq(bookings.voucher_id, voucher.id)).orderBy(desc(bookings.created_at)).limit(1);
  if (newest) {
    const since = newest.created_at - settings.rebook_window_hours * HOUR_MS;
    const recent = await store.db
      .select()
      .from(bookings)
      .where(and(eq(bookings.voucher_id, voucher.id), sql`${bookings.created_at} >= ${since}`))
      .orderBy(asc(bookings.created_at))
      .limit(500);
    const cancelled = recent.filter((b) => b.status === "cancelled");
    const lastCancelled = cancelled[cancelled.length - 1];
    const rebooked = lastCancelled && recent.some((b) => b.created_at >= lastCancelled.created_at && b.id !== lastCancelled.id && b.status !== "cancelled");
    if (cancelled.length >= settings.rebook_cancellations && rebooked) {
      out.push({
        ...base,
        rule: "cancel_rebook",
        evidence: {
          summary_zh: `${settings.rebook_window_hours} 小时内同一张券取消 ${cancelled.length} 次预约后又重新预约`,
          summary_en: `${cancelled.length} bookings on this voucher cancelled and booked again within ${settings.rebook_window_hours} hours`,
          rows: [voucherRow, ...(await Promise.all(recent.slice(-MAX_EVIDENCE_ROWS).map((b) => reads.bookingRow(b, b.status))))],
          figures: { cancelled: cancelled.length, threshold: settings.rebook_cancellations },
        },
      });
    }
  }
  return out;
}
