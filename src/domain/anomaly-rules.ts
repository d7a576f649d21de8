// The arithmetic and matching behind the anomaly rules (docs/anomalies.md). Pure: the sweep
// (src/services/anomalies.ts) reads the rows and asks these functions whether they are odd.
import type { AnomalyFlag } from "../db/schema";

export type AnomalyRule = AnomalyFlag["rule"];
export type Severity = AnomalyFlag["severity"];

export const RULE_SEVERITY: Record<AnomalyRule, Severity> = {
  related_parties: "high",
  shared_contact: "high",
  usage_above_booked: "high",
  usage_above_capacity: "high",
  expiry_bunching: "low",
  provider_concentration: "medium",
  invoice_reuse: "high",
  cancel_rebook: "medium",
};

/** Thresholds an installation may change (ANOMALY_* settings, docs/anomalies.md). */
export interface AnomalySettings {
  /** Redemptions made this many hours before the voucher's expiry count as "just before". */
  expiry_window_hours: number;
  /** …and raise a flag when they hold at least this share of the voucher's face value. */
  expiry_share_bp: number;
  /** A provider with at least this many live bookings in a programme … */
  concentration_min_bookings: number;
  /** … of which one SME holds at least this share. */
  concentration_share_bp: number;
  /** This many cancelled bookings of one voucher … */
  rebook_cancellations: number;
  /** … made within this many hours, followed by another booking of the same voucher. */
  rebook_window_hours: number;
  /** Audit events one sweep run reads at most. */
  events_per_run: number;
}

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  expiry_window_hours: 168,
  expiry_share_bp: 5_000,
  concentration_min_bookings: 10,
  concentration_share_bp: 9_000,
  rebook_cancellations: 3,
  rebook_window_hours: 168,
  events_per_run: 500,
};

const BOUNDS: Record<keyof AnomalySettings, [min: number, max: number]> = {
  expiry_window_hours: [1, 24 * 365],
  expiry_share_bp: [1, 10_000],
  concentration_min_bookings: [2, 100_000],
  concentration_share_bp: [1, 10_000],
  rebook_cancellations: [1, 1_000],
  rebook_window_hours: [1, 24 * 365],
  events_per_run: [10, 10_000],
};

const ENV_NAMES: Record<keyof AnomalySettings, string> = {
  expiry_window_hours: "ANOMALY_EXPIRY_WINDOW_HOURS",
  expiry_share_bp: "ANOMALY_EXPIRY_SHARE_BP",
  concentration_min_bookings: "ANOMALY_CONCENTRATION_MIN_BOOKINGS",
  concentration_share_bp: "ANOMALY_CONCENTRATION_SHARE_BP",
  rebook_cancellations: "ANOMALY_REBOOK_CANCELLATIONS",
  rebook_window_hours: "ANOMALY_REBOOK_WINDOW_HOURS",
  events_per_run: "ANOMALY_EVENTS_PER_RUN",
};

/** Settings from the environment (Node or Workers); a bad value fails loudly at start. */
export function anomalySettingsFrom(env: Record<string, unknown>): AnomalySettings {
  const settings = { ...DEFAULT_ANOMALY_SETTINGS };
  for (const key of Object.keys(BOUNDS) as (keyof AnomalySettings)[]) {
    const raw = env[ENV_NAMES[key]];
    if (raw === undefined || raw === "") continue;
    const n = Number(raw);
    const [min, max] = BOUNDS[key];
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${ENV_NAMES[key]} must be an integer ${min}..${max}`);
    settings[key] = n;
  }
  return settings;
}

/** Phone numbers compare on their digits, without a leading +86 / 0086. */
export function normalisePhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, "").replace(/^(0086|86)(?=1\d{10}$)/, "");
  return digits.length >= 5 ? digits : null;
}

/** E-mail mailboxes: lower case, without a "+tag" (boss+sme@… and boss+provider@… are one mailbox). */
export function normaliseEmail(email: string): string {
  const [local = "", domain = ""] = email.trim().toLowerCase().split("@");
  return `${local.split("+")[0]}@${domain}`;
}

/** Addresses and names: without spaces and punctuation, lower case (full-width forms folded). */
export function normaliseText(value: string | null): string | null {
  if (!value) return null;
  const folded = value.normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]/gu, "");
  return folded.length >= 2 ? folded : null;
}

/** Invoice numbers as people retype them: "FP-2026/001" and "fp 2026001" are the same invoice. */
export function normaliseInvoiceNo(invoiceNo: string): string {
  return invoiceNo.normalize("NFKC").toUpperCase().replace(/[^0-9A-Z]/g, "");
}

export interface ContactFacts {
  phone: string | null;
  address: string | null;
  legal_representative: string | null;
  users: readonly { id: string; email: string; display_name: string }[];
}

export interface ContactMatch {
  kind: "phone" | "email" | "address" | "person";
  /** What both sides share, as written on the first side. */
  value: string;
}

/**
 * What the two sides share: a telephone, a mailbox, an address, or a person (one side's legal
 * representative is a user of the other, or is the other's legal representative too).
 */
export function sharedContacts(a: ContactFacts, b: ContactFacts): ContactMatch[] {
  const found: ContactMatch[] = [];
  const phoneA = normalisePhone(a.phone);
  if (phoneA && phoneA === normalisePhone(b.phone)) found.push({ kind: "phone", value: a.phone as string });
  const mailboxesB = new Set(b.users.map((u) => normaliseEmail(u.email)));
  const sharedMail = a.users.find((u) => mailboxesB.has(normaliseEmail(u.email)));
  if (sharedMail) found.push({ kind: "email", value: normaliseEmail(sharedMail.email) });
  const addressA = normaliseText(a.address);
  if (addressA && addressA === normaliseText(b.address)) found.push({ kind: "address", value: a.address as string });
  const person = samePerson(a, b) ?? samePerson(b, a);
  if (person) found.push({ kind: "person", value: person });
  return found;
}

function samePerson(a: ContactFacts, b: ContactFacts): string | null {
  const rep = normaliseText(a.legal_representative);
  if (!rep) return null;
  if (rep === normaliseText(b.legal_representative)) return a.legal_representative;
  return b.users.some((u) => normaliseText(u.display_name) === rep) ? a.legal_representative : null;
}

/** Whether the late share of a voucher's face value reaches the threshold. */
export function bunchedBeforeExpiry(lateFen: number, faceValueFen: number, shareBp: number): boolean {
  return lateFen > 0 && faceValueFen > 0 && lateFen * 10_000 >= shareBp * faceValueFen;
}

/** Whether one SME's share of a provider's bookings reaches the threshold. */
export function concentrated(topCount: number, totalCount: number, settings: Pick<AnomalySettings, "concentration_min_bookings" | "concentration_share_bp">): boolean {
  return totalCount >= settings.concentration_min_bookings && topCount * 10_000 >= settings.concentration_share_bp * totalCount;
}

export interface UsageSpan {
  start: number;
  end: number;
  quantity_milli: number;
}

/**
 * The most units in use at any one instant, in thousandths, taking each event's quantity as
 * spread evenly over its period. The peak is always at some event's start, so only those are tried.
 */
export function peakLoadMilli(spans: readonly UsageSpan[], unitMinutes: number): { at: number; load_milli: number } | null {
  let best: { at: number; load_milli: number } | null = null;
  for (const probe of spans) {
    let load = 0;
    for (const s of spans) {
      if (s.start <= probe.start && s.end > probe.start) load += (s.quantity_milli * unitMinutes * 60_000) / (s.end - s.start);
    }
    if (!best || load > best.load_milli) best = { at: probe.start, load_milli: load };
  }
  return best;
}

/** Above `units` whole units, allowing for rounding in the division above. */
export const exceedsUnits = (loadMilli: number, units: number) => loadMilli > units * 1_000 + 1e-6;
