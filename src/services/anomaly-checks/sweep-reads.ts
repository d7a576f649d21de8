// The reads one sweep run makes for its rules, with the organisations, offerings and facts it has
// read already cached for the run.
import { eq, inArray } from "drizzle-orm";
import { bookings, offerings, organisations, related_parties, users, type Booking, type Organisation } from "../../db/schema";
import type { Store } from "../../db/store";
import type { AnomalySettings, ContactFacts } from "../../domain/anomaly-rules";
import type { Declaration, PartyFacts } from "../../domain/related-parties";
import { shanghaiText } from "../../lib/time";
import { chunks, type EvidenceRow } from "./evidence";

const MAX_USERS_COMPARED = 200;
const MAX_DECLARATIONS = 200;

export type DeclaredFacts = PartyFacts & { rows: { id: string; party_name: string }[] };

export class SweepReads {
  private orgs = new Map<string, Organisation | null>();
  private offeringNames = new Map<string, { name: string; unit_minutes: number; capacity_units: number }>();
  private facts = new Map<string, PartyFacts>();
  private contacts = new Map<string, ContactFacts>();

  constructor(
    readonly store: Store,
    readonly settings: AnomalySettings,
  ) {}

  async bookings(ids: readonly string[]): Promise<Booking[]> {
    const out: Booking[] = [];
    for (const chunk of chunks([...new Set(ids)])) out.push(...(await this.store.db.select().from(bookings).where(inArray(bookings.id, chunk))));
    return out;
  }

  async org(id: string): Promise<Organisation | null> {
    if (!this.orgs.has(id)) {
      const [row] = await this.store.db.select().from(organisations).where(eq(organisations.id, id));
      this.orgs.set(id, row ?? null);
    }
    return this.orgs.get(id) ?? null;
  }

  async offering(id: string) {
    if (!this.offeringNames.has(id)) {
      const [row] = await this.store.db
        .select({ name: offerings.name, unit_minutes: offerings.unit_minutes, capacity_units: offerings.capacity_units })
        .from(offerings)
        .where(eq(offerings.id, id));
      this.offeringNames.set(id, row ?? { name: id, unit_minutes: 60, capacity_units: 0 });
    }
    return this.offeringNames.get(id)!;
  }

  async bookingRow(b: Pick<Booking, "id" | "offering_id" | "starts_at">, role: string): Promise<EvidenceRow> {
    return { kind: "booking", id: b.id, label: `${(await this.offering(b.offering_id)).name} · ${shanghaiText(b.starts_at)}`, role };
  }

  async partyFacts(org: Organisation): Promise<DeclaredFacts> {
    const cached = this.facts.get(org.id) as DeclaredFacts | undefined;
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

  async contactFacts(org: Organisation): Promise<ContactFacts> {
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
}
