// Related parties and shared contacts between the two sides of a booking (docs/anomalies.md).
import { inArray, sql } from "drizzle-orm";
import { organisations, type Booking, type Organisation } from "../../db/schema";
import { sharedContacts } from "../../domain/anomaly-rules";
import { findRelation, type Relation } from "../../domain/related-parties";
import { CHUNK, orgRow, type Candidate, type EvidenceRow } from "./evidence";
import type { DeclaredFacts, SweepReads } from "./sweep-reads";

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

/** Related parties and shared contacts between the two sides of a booking. */
export async function partyRules(reads: SweepReads, booking: Booking): Promise<Candidate[]> {
  const sme = await reads.org(booking.sme_org_id);
  const provider = await reads.org(booking.provider_org_id);
  if (!sme || !provider || !booking.programme_id) return [];
  const out: Candidate[] = [];
  const base = { subject_kind: "booking" as const, subject_id: booking.id, programme_id: booking.programme_id };
  const sides = [await reads.bookingRow(booking, "booking"), orgRow(sme, "sme"), orgRow(provider, "provider")];

  const link = await relation(reads, sme, provider);
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

  const shared = sharedContacts(await reads.contactFacts(sme), await reads.contactFacts(provider));
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
async function relation(reads: SweepReads, sme: Organisation, provider: Organisation): Promise<{ relation: Relation; through: Organisation | null; declarations: EvidenceRow[] } | null> {
  const smeFacts = await reads.partyFacts(sme);
  const providerFacts = await reads.partyFacts(provider);
  const declared = (facts: DeclaredFacts, owner: Organisation): EvidenceRow[] =>
    facts.rows.slice(0, 5).map((r) => ({ kind: "related_party", id: r.id, label: r.party_name, role: `declared by ${owner.name}` }));
  const direct = findRelation(smeFacts, providerFacts);
  if (direct) return { relation: direct, through: null, declarations: [...declared(smeFacts, sme), ...declared(providerFacts, provider)] };

  for (const [side, other] of [
    [sme, provider],
    [provider, sme],
  ] as const) {
    const sideFacts = await reads.partyFacts(side);
    const codes = [...new Set(sideFacts.declarations.map((d) => d.party_credit_code).filter((c): c is string => Boolean(c)))].slice(0, CHUNK);
    if (codes.length === 0) continue;
    const thirds = await reads.store.db.select().from(organisations).where(inArray(organisations.credit_code, codes)).limit(20);
    for (const third of thirds) {
      if (third.id === sme.id || third.id === provider.id) continue;
      const hop = findRelation(await reads.partyFacts(third), await reads.partyFacts(other));
      if (hop) return { relation: hop, through: third, declarations: [...declared(sideFacts, side), ...declared(await reads.partyFacts(third), third)] };
    }
  }

  const [both] = await reads.store.all<{ org_id: string }>(sql`
    SELECT org_id FROM related_parties
    WHERE party_credit_code IN (${sme.credit_code}, ${provider.credit_code}) AND org_id NOT IN (${sme.id}, ${provider.id})
    GROUP BY org_id HAVING count(DISTINCT party_credit_code) = 2 LIMIT 1`);
  if (both) {
    const third = await reads.org(both.org_id);
    if (third) return { relation: { kind: "common_party", party: third.name }, through: third, declarations: declared(await reads.partyFacts(third), third) };
  }
  return null;
}
