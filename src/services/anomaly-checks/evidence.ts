// What an anomaly rule hands the sweep (docs/anomalies.md): a candidate flag with the evidence a
// person reads, and the limits every rule's reads keep to.
import type { AnomalyFlag } from "../../db/schema";
import type { AnomalyRule } from "../../domain/anomaly-rules";

/** D1 binds at most 100 parameters per statement. */
export const CHUNK = 80;
export const MAX_EVIDENCE_ROWS = 20;

export interface EvidenceRow {
  kind: "booking" | "voucher" | "claim" | "organisation" | "usage_event" | "related_party" | "user";
  id: string;
  /** What a person reads: a name, an offering and date, an invoice number. */
  label: string;
  /** The row's part in the pattern ("sme", "provider", "third party", "cancelled" …). */
  role?: string;
}

export interface Evidence {
  summary_zh: string;
  summary_en: string;
  rows: EvidenceRow[];
  /** Figures the rule computed (counts, shares, thresholds). */
  figures?: Record<string, number | string>;
}

export interface Candidate {
  rule: AnomalyRule;
  subject_kind: AnomalyFlag["subject_kind"];
  subject_id: string;
  programme_id: string;
  evidence: Evidence;
}

export function* chunks<T>(items: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export const orgRow = (org: { id: string; name: string }, role: string): EvidenceRow => ({ kind: "organisation", id: org.id, label: org.name, role });
