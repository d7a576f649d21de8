// The anomaly rules (docs/anomalies.md) as one sweep run checks them: SweepRun reads the touched
// bookings, vouchers and claims (with the organisations, offerings and facts it has read already
// cached for the run) and returns the flags each rule would raise. Raising them and moving the
// cursor is the sweep's (src/services/anomalies.ts).
import { and, asc, desc, eq, inArray, notInArray, or, sql } from "drizzle-orm";
import {
  bookings,
  claims,
  offerings,
  organisations,
  related_parties,
  usage_events,
  users,
  vouchers,
  type AnomalyFlag,
  type Booking,
  type Claim,
  type Organisation,
} from "../db/schema";
import type { Store } from "../db/store";
import {
  bunchedBeforeExpiry,
  concentrated,
  exceedsUnits,
  normaliseInvoiceNo,
  peakLoadMilli,
  sharedContacts,
  type AnomalyRule,
  type AnomalySettings,
  type ContactFacts,
} from "../domain/anomaly-rules";
import { findRelation, type Declaration, type PartyFacts, type Relation } from "../domain/related-parties";
import { HOUR_MS, shanghaiText } from "../lib/time";

const LIVE = ["cancelled", "rejected", "lapsed"] as const;
/** D1 binds at most 100 parameters per statement. */
const CHUNK = 80;
const MAX_EVIDENCE_ROWS = 20;
const MAX_USERS_COMPARED = 200;
const MAX_DECLARATIONS = 200;
const MAX_USAGE_SPANS = 1_000;

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

const orgRow = (org: { id: string; name: string }, role: string): EvidenceRow => ({ kind: "organisation", id: org.id, label: org.name, role });

/** The reads one run makes, with the organisations, offerings and facts it has already read. */
export class SweepRun {
  private orgs = new Map<string, Organisation | null>();
  private offeringNames = new Map<string, { name: string; unit_minutes: number; capacity_units: number }>();
  private facts = new Map<string, PartyFacts>();
  private contacts = new Map<string, ContactFacts>();

  constructor(
    private store: Store,
    private now: number,
    private settings: AnomalySettings,
  ) {}

  async bookings(ids: readonly string[]): Promise<Booking[]> {
    const out: Booking[] = [];
    for (const chunk of chunks([...new Set(ids)])) out.push(...(await this.store.db.select().from(bookings).where(inArray(bookings.id, chunk))));
    return out;
  }

  private async org(id: string): Promise<Organisation | null> {
    if (!this.orgs.has(id)) {
      const [row] = await this.store.db.select().from(organisations).where(eq(organisations.id, id));
      this.orgs.set(id, row ?? null);
    }
    return this.orgs.get(id) ?? null;
  }

  private async offering(id: string) {
    if (!this.offeringNames.has(id)) {
      const [row] = await this.store.db
        .select({ name: offerings.name, unit_minutes: offerings.unit_minutes, capacity_units: offerings.capacity_units })
        .from(offerings)
        .where(eq(offerings.id, id));
      this.offeringNames.set(id, row ?? { name: id, unit_minutes: 60, capacity_units: 0 });
    }
    return this.offeringNames.get(id)!;
  }

  private async bookingRow(b: Pick<Booking, "id" | "offering_id" | "starts_at">, role: string): Promise<EvidenceRow> {
    return { kind: "booking", id: b.id, label: `${(await this.offering(b.offering_id)).name} · ${shanghaiText(b.starts_at)}`, role };
  }

  private async partyFacts(org: Organisation): Promise<PartyFacts & { rows: { id: string; party_name: string }[] }> {
    const cached = this.facts.get(org.id) as (PartyFacts & { rows: { id: string; party_name: string }[] }) | undefined;
    if (cached) return cached;
    const rows = await this.store.db
      .select({ id: related_parties.id, relation: related_parties.relation, party_name: related_parties.party_name, party_credit_code: related_parties.party_credit_code })
      .from(related_parties)
      .where(eq(related_parties.org_id, org.id))
      .limit(MAX_DECLARATIONS);
    const facts = { name: org.name, credit_code: org.credit_code, legal_representative: org.legal_representative, declarations: rows as Declaration[], rows };
    this.facts.set(org.id, facts);
    return facts;
  }

  private async contactFacts(org: Organisation): Promise<ContactFacts> {
    let facts = this.contacts.get(org.id);
    if (!facts) {
      const people = await this.store.db
        .select({ id: users.id, email: users.email, display_name: users.display_name })
        .from(users)
        .where(eq(users.org_id, org.id))
        .limit(MAX_USERS_COMPARED);
      facts = { phone: org.contact_phone, address: org.address, legal_representative: org.legal_representative, users: people };
      this.contacts.set(org.id, facts);
    }
    return facts;
  }

  /** Related parties and shared contacts between the two sides of a booking. */
  async partyRules(booking: Booking): Promise<Candidate[]> {
    const sme = await this.org(booking.sme_org_id);
    const provider = await this.org(booking.provider_org_id);
    if (!sme || !provider || !booking.programme_id) return [];
    const out: Candidate[] = [];
    const base = { subject_kind: "booking" as const, subject_id: booking.id, programme_id: booking.programme_id };
    const sides = [await this.bookingRow(booking, "booking"), orgRow(sme, "sme"), orgRow(provider, "provider")];

    const link = await this.relation(sme, provider);
    if (link) {
      const through = link.through ? ` 经由 ${link.through.name}` : "";
      const throughEn = link.through ? ` through ${link.through.name}` : "";
      out.push({
        ...base,
        rule: "related_parties",
        evidence: {
          summary_zh: `预约双方为关联方（${RELATION_ZH[link.relation.kind]}：${link.relation.party}${through}）`,
          summary_en: `The two sides of the booking are related parties (${RELATION_EN[link.relation.kind]}: ${link.relation.party}${throughEn})`,
          rows: [...sides, ...(link.through ? [orgRow(link.through, "third party")] : []), ...link.declarations],
          figures: { relation: link.relation.kind },
        },
      });
    }

    const shared = sharedContacts(await this.contactFacts(sme), await this.contactFacts(provider));
    if (shared.length > 0) {
      out.push({
        ...base,
        rule: "shared_contact",
        evidence: {
          summary_zh: `预约双方登记了相同的${shared.map((m) => CONTACT_ZH[m.kind]).join("、")}：${shared.map((m) => m.value).join("；")}`,
          summary_en: `Both sides of the booking registered the same ${shared.map((m) => m.kind).join(", ")}: ${shared.map((m) => m.value).join("; ")}`,
          rows: sides,
          figures: Object.fromEntries(shared.map((m) => [m.kind, m.value])),
        },
      });
    }
    return out;
  }

  /**
   * Direct links (findRelation), then one hop through a registered third organisation: a party
   * either side declared (by credit code) that is itself related to the other side, or an
   * organisation that declared both of them.
   */
  private async relation(sme: Organisation, provider: Organisation): Promise<{ relation: Relation; through: Organisation | null; declarations: EvidenceRow[] } | null> {
    const smeFacts = await this.partyFacts(sme);
    const providerFacts = await this.partyFacts(provider);
    const declared = (facts: typeof smeFacts, owner: Organisation): EvidenceRow[] =>
      facts.rows.slice(0, 5).map((r) => ({ kind: "related_party", id: r.id, label: r.party_name, role: `declared by ${owner.name}` }));
    const direct = findRelation(smeFacts, providerFacts);
    if (direct) return { relation: direct, through: null, declarations: [...declared(smeFacts, sme), ...declared(providerFacts, provider)] };

    for (const [side, other] of [
      [sme, provider],
      [provider, sme],
    ] as const) {
      const sideFacts = await this.partyFacts(side);
      const codes = [...new Set(sideFacts.declarations.map((d) => d.party_credit_code).filter((c): c is string => Boolean(c)))].slice(0, CHUNK);
      if (codes.length === 0) continue;
      const thirds = await this.store.db.select().from(organisations).where(inArray(organisations.credit_code, codes)).limit(20);
      for (const third of thirds) {
        if (third.id === sme.id || third.id === provider.id) continue;
        const hop = findRelation(await this.partyFacts(third), await this.partyFacts(other));
        if (hop) return { relation: hop, through: third, declarations: [...declared(sideFacts, side), ...declared(await this.partyFacts(third), third)] };
      }
    }

    const [both] = await this.store.all<{ org_id: string }>(sql`
      SELECT org_id FROM related_parties
      WHERE party_credit_code IN (${sme.credit_code}, ${provider.credit_code}) AND org_id NOT IN (${sme.id}, ${provider.id})
      GROUP BY org_id HAVING count(DISTINCT party_credit_code) = 2 LIMIT 1`);
    if (both) {
      const third = await this.org(both.org_id);
      if (third) return { relation: { kind: "common_party", party: third.name }, through: third, declarations: declared(await this.partyFacts(third), third) };
    }
    return null;
  }

  /** More units in use at once than the booking booked, or than the offering physically has. */
  async usageRules(booking: Booking): Promise<Candidate[]> {
    if (!booking.programme_id) return [];
    const offering = await this.offering(booking.offering_id);
    const spans = await this.store.all<{ booking_id: string; provider_org_id: string; event_id: string; start: number; end: number; quantity_milli: number }>(sql`
      SELECT u.booking_id, u.provider_org_id, u.event_id, u.period_start_at AS start, u.period_end_at AS "end", u.quantity_milli
      FROM usage_events u JOIN bookings b ON b.id = u.booking_id
      WHERE b.offering_id = ${booking.offering_id} AND b.starts_at < ${booking.ends_at} AND b.ends_at > ${booking.starts_at}
        AND u.period_start_at < ${booking.ends_at} AND u.period_end_at > ${booking.starts_at}
      ORDER BY u.period_start_at LIMIT ${MAX_USAGE_SPANS}`);
    const typed = spans.map((s) => ({ ...s, start: Number(s.start), end: Number(s.end), quantity_milli: Number(s.quantity_milli) }));
    const own = typed.filter((s) => s.booking_id === booking.id);
    const out: Candidate[] = [];
    const base = { subject_kind: "booking" as const, subject_id: booking.id, programme_id: booking.programme_id };
    const eventRows = (list: typeof typed, at: number): EvidenceRow[] =>
      list
        .filter((s) => s.start <= at && s.end > at)
        .slice(0, MAX_EVIDENCE_ROWS)
        .map((s) => ({ kind: "usage_event", id: `${s.provider_org_id}/${s.event_id}`, label: `${s.event_id} · ${shanghaiText(s.start)}–${shanghaiText(s.end)} · ${s.quantity_milli / 1000}`, role: s.booking_id }));

    const ownPeak = peakLoadMilli(own, offering.unit_minutes);
    if (ownPeak && exceedsUnits(ownPeak.load_milli, booking.quantity)) {
      const units = Math.round(ownPeak.load_milli) / 1000;
      out.push({
        ...base,
        rule: "usage_above_booked",
        evidence: {
          summary_zh: `${shanghaiText(ownPeak.at)} 同时使用 ${units} 个单位，超过预约的 ${booking.quantity} 个`,
          summary_en: `${units} units in use at ${shanghaiText(ownPeak.at)}, more than the ${booking.quantity} booked`,
          rows: [await this.bookingRow(booking, "booking"), ...eventRows(own, ownPeak.at)],
          figures: { peak_units: units, booked_units: booking.quantity },
        },
      });
    }
    const allPeak = peakLoadMilli(typed, offering.unit_minutes);
    if (allPeak && own.some((s) => s.start <= allPeak.at && s.end > allPeak.at) && exceedsUnits(allPeak.load_milli, offering.capacity_units)) {
      const units = Math.round(allPeak.load_milli) / 1000;
      out.push({
        ...base,
        rule: "usage_above_capacity",
        evidence: {
          summary_zh: `${shanghaiText(allPeak.at)} ${offering.name} 同时使用 ${units} 个单位，超过其容量 ${offering.capacity_units}`,
          summary_en: `${units} units of ${offering.name} in use at ${shanghaiText(allPeak.at)}, more than its capacity of ${offering.capacity_units}`,
          rows: [await this.bookingRow(booking, "booking"), ...eventRows(typed, allPeak.at)],
          figures: { peak_units: units, capacity_units: offering.capacity_units },
        },
      });
    }
    return out;
  }

  /** Redemptions bunched before expiry; cancelled and rebooked to move a hold. */
  async voucherRules(voucherId: string): Promise<Candidate[]> {
    const [voucher] = await this.store.db.select().from(vouchers).where(eq(vouchers.id, voucherId));
    if (!voucher) return [];
    const sme = await this.org(voucher.sme_org_id);
    const voucherRow: EvidenceRow = { kind: "voucher", id: voucher.id, label: `${sme?.name ?? voucher.sme_org_id} · ¥${(voucher.face_value_fen / 100).toFixed(2)}`, role: "voucher" };
    const base = { subject_kind: "voucher" as const, subject_id: voucher.id, programme_id: voucher.programme_id };
    const out: Candidate[] = [];

    const windowStart = voucher.expires_at - this.settings.expiry_window_hours * HOUR_MS;
    const late = await this.store.db
      .select()
      .from(bookings)
      .where(and(eq(bookings.voucher_id, voucher.id), notInArray(bookings.status, [...LIVE]), sql`${bookings.created_at} >= ${windowStart}`, sql`${bookings.created_at} < ${voucher.expires_at}`))
      .orderBy(asc(bookings.created_at))
      .limit(500);
    const lateFen = late.reduce((s, b) => s + b.subsidy_fen, 0);
    if (bunchedBeforeExpiry(lateFen, voucher.face_value_fen, this.settings.expiry_share_bp)) {
      const share = Math.round((lateFen * 10_000) / voucher.face_value_fen);
      out.push({
        ...base,
        rule: "expiry_bunching",
        evidence: {
          summary_zh: `到期前 ${this.settings.expiry_window_hours} 小时内的预约占用了券面额的 ${(share / 100).toFixed(1)}%`,
          summary_en: `Bookings made in the ${this.settings.expiry_window_hours} hours before expiry hold ${(share / 100).toFixed(1)}% of the face value`,
          rows: [voucherRow, ...(await Promise.all(late.slice(0, MAX_EVIDENCE_ROWS).map((b) => this.bookingRow(b, "late"))))],
          figures: { late_fen: lateFen, face_value_fen: voucher.face_value_fen, share_bp: share, threshold_bp: this.settings.expiry_share_bp },
        },
      });
    }

    // Cancel-and-rebook: the newest booking, and those of the window before it.
    const [newest] = await this.store.db.select().from(bookings).where(eq(bookings.voucher_id, voucher.id)).orderBy(desc(bookings.created_at)).limit(1);
    if (newest) {
      const since = newest.created_at - this.settings.rebook_window_hours * HOUR_MS;
      const recent = await this.store.db
        .select()
        .from(bookings)
        .where(and(eq(bookings.voucher_id, voucher.id), sql`${bookings.created_at} >= ${since}`))
        .orderBy(asc(bookings.created_at))
        .limit(500);
      const cancelled = recent.filter((b) => b.status === "cancelled");
      const lastCancelled = cancelled[cancelled.length - 1];
      const rebooked = lastCancelled && recent.some((b) => b.created_at >= lastCancelled.created_at && b.id !== lastCancelled.id && b.status !== "cancelled");
      if (cancelled.length >= this.settings.rebook_cancellations && rebooked) {
        out.push({
          ...base,
          rule: "cancel_rebook",
          evidence: {
            summary_zh: `${this.settings.rebook_window_hours} 小时内同一张券取消 ${cancelled.length} 次预约后又重新预约`,
            summary_en: `${cancelled.length} bookings on this voucher cancelled and booked again within ${this.settings.rebook_window_hours} hours`,
            rows: [voucherRow, ...(await Promise.all(recent.slice(-MAX_EVIDENCE_ROWS).map((b) => this.bookingRow(b, b.status))))],
            figures: { cancelled: cancelled.length, threshold: this.settings.rebook_cancellations },
          },
        });
      }
    }
    return out;
  }

  /** One provider whose live bookings in a programme are nearly all with one SME. */
  async concentration(programmeId: string, providerId: string): Promise<Candidate | null> {
    const counts = await this.store.all<{ sme_org_id: string; n: number }>(sql`
      SELECT sme_org_id, count(*) AS n FROM bookings
      WHERE provider_org_id = ${providerId} AND programme_id = ${programmeId} AND status NOT IN ('cancelled', 'rejected', 'lapsed')
      GROUP BY sme_org_id ORDER BY n DESC LIMIT 1000`);
    const total = counts.reduce((s, r) => s + Number(r.n), 0);
    const top = counts[0];
    if (!top || !concentrated(Number(top.n), total, this.settings)) return null;
    const provider = await this.org(providerId);
    const sme = await this.org(top.sme_org_id);
    const sample = await this.store.db
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
          ...(await Promise.all(sample.map((b) => this.bookingRow(b, "booking")))),
        ],
        figures: { top_bookings: Number(top.n), total_bookings: total, share_bp: share, threshold_bp: this.settings.concentration_share_bp },
      },
    };
  }

  /**
   * The same invoice number (as people retype it) on another claim, whatever that claim's state.
   * Each claim sharing it is flagged when swept, naming the others.
   */
  async invoiceReuse(claimId: string): Promise<Candidate | null> {
    const [claim] = await this.store.db.select().from(claims).where(eq(claims.id, claimId));
    if (!claim) return null;
    const key = normaliseInvoiceNo(claim.invoice_no);
    if (key.length === 0) return null;
    // The key squashed in SQL the way normaliseInvoiceNo does for the separators people type.
    const squashed = sql`upper(replace(replace(replace(replace(replace(replace(${claims.invoice_no}, '-', ''), ' ', ''), '/', ''), '_', ''), '.', ''), '#', ''))`;
    const others: Claim[] = await this.store.db
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
}

const RELATION_ZH: Record<Relation["kind"], string> = {
  declared_by_sme: "企业申报",
  declared_by_provider: "服务商申报",
  common_party: "共同股东或关联方",
  same_legal_representative: "同一法定代表人",
};
const RELATION_EN: Record<Relation["kind"], string> = {
  declared_by_sme: "declared by the SME",
  declared_by_provider: "declared by the provider",
  common_party: "a common shareholder or party",
  same_legal_representative: "the same legal representative",
};
const CONTACT_ZH = { phone: "电话", email: "电子邮箱", address: "地址", person: "人员" } as const;
