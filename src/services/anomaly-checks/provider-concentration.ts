// A provider whose bookings in a programme are nearly all with one SME (docs/anomalies.md).
import { and, desc, eq, sql } from "drizzle-orm";
import { bookings } from "../../db/schema";
import { concentrated } from "../../domain/anomaly-rules";
import { MAX_EVIDENCE_ROWS, orgRow, type Candidate } from "./evidence";
import type { SweepReads } from "./sweep-reads";

/** One provider whose live bookings in a programme are nearly all with one SME. */
export async function providerConcentration(reads: SweepReads, programmeId: string, providerId: string): Promise<Candidate | null> {
  const { store, settings } = reads;
  const counts = await store.all<{ sme_org_id: string; n: number }>(sql`
    SELECT sme_org_id, count(*) AS n FROM bookings
    WHERE provider_org_id = ${providerId} AND programme_id = ${programmeId} AND status NOT IN ('cancelled', 'rejected', 'lapsed')
    GROUP BY sme_org_id ORDER BY n DESC LIMIT 1000`);
  const total = counts.reduce((s, r) => s + Number(r.n), 0);
  const top = counts[0];
  if (!top || !concentrated(Number(top.n), total, settings)) return null;
  const provider = await reads.org(providerId);
  const sme = await reads.org(top.sme_org_id);
  const sample = await store.db
    .select()
    .from(bookings)
    .where(and(eq(bookings.provider_org_id, providerId), eq(bookings.programme_id, programmeId), eq(bookings.sme_org_id, top.sme_org_id)))
    .orderBy(desc(bookings.created_at))
    .limit(MAX_EVIDENCE_ROWS);
  const share = Math.round((Number(top.n) * 10_000) / total);
  return {
    rule: "provider_concentration",
    subject_kind: "organisation",
    subject_id: providerId,
    programme_id: programmeId,
    evidence: {
      summary_zh: `${provider?.name ?? providerId} 在本计划的 ${total} 个预约中有 ${top.n} 个（${(share / 100).toFixed(1)}%）来自 ${sme?.name ?? top.sme_org_id}`,
      summary_en: `${top.n} of ${provider?.name ?? providerId}'s ${total} bookings in this programme (${(share / 100).toFixed(1)}%) are with ${sme?.name ?? top.sme_org_id}`,
      rows: [
        ...(provider ? [orgRow(provider, "provider")] : []),
        ...(sme ? [orgRow(sme, "sme")] : []),
        ...(await Promise.all(sample.map((b) => reads.bookingRow(b, "booking")))),
      ],
      figures: { top_bookings: Number(top.n), total_bookings: total, share_bp: share, threshold_bp: settings.concentration_share_bp },
    },
  };
}
