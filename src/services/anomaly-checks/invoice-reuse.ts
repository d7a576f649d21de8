// One invoice number on more than one claim (docs/anomalies.md).
import { and, asc, eq, sql } from "drizzle-orm";
import { claims, type Claim } from "../../db/schema";
import type { Store } from "../../db/store";
import { normaliseInvoiceNo } from "../../domain/anomaly-rules";
import { MAX_EVIDENCE_ROWS, type Candidate, type EvidenceRow } from "./evidence";

/**
 * The same invoice number (as people retype it) on another claim, whatever that claim's state.
 * Each claim sharing it is flagged when swept, naming the others.
 */
export async function invoiceReuse(store: Store, claimId: string): Promise<Candidate | null> {
  const [claim] = await store.db.select().from(claims).where(eq(claims.id, claimId));
  if (!claim) return null;
  const key = normaliseInvoiceNo(claim.invoice_no);
  if (key.length === 0) return null;
  // The key squashed in SQL the way normaliseInvoiceNo does for the separators people type.
  const squashed = sql`upper(replace(replace(replace(replace(replace(replace(${claims.invoice_no}, '-', ''), ' ', ''), '/', ''), '_', ''), '.', ''), '#', ''))`;
  const others: Claim[] = await store.db
    .select()
    .from(claims)
    .where(and(sql`${squashed} = ${key}`, sql`${claims.id} <> ${claim.id}`))
    .orderBy(asc(claims.created_at))
    .limit(MAX_EVIDENCE_ROWS);
  const same = others.filter((o) => normaliseInvoiceNo(o.invoice_no) === key);
  if (same.length === 0) return null;
  const claimRow = (c: Claim, role: string): EvidenceRow =>
    // Another agency's claim is named by its invoice number and status only.
    c.programme_id === claim.programme_id
      ? { kind: "claim", id: c.id, label: `${c.invoice_no} · ¥${(c.amount_fen / 100).toFixed(2)} · ${c.status}`, role }
      : { kind: "claim", id: "", label: `${c.invoice_no} · ${c.status}（其他计划 / another programme）`, role };
  return {
    rule: "invoice_reuse",
    subject_kind: "claim",
    subject_id: claim.id,
    programme_id: claim.programme_id,
    evidence: {
      summary_zh: `发票号 ${claim.invoice_no} 已用于另外 ${same.length} 笔兑付申请`,
      summary_en: `Invoice number ${claim.invoice_no} was also used on ${same.length} other claim(s)`,
      rows: [claimRow(claim, "claim"), ...same.map((o) => claimRow(o, "same invoice"))],
      figures: { invoice_key: key, other_claims: same.length },
    },
  };
}
