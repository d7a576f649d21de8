// Are an SME and a provider related parties (关联方)? Programmes that exclude related parties
// (Beijing 算力券, Shanghai 语料券, DESIGN §1) refuse subsidy on such bookings. Pure.
//
// They are related when either declares the other (by credit code, or by exact name), when
// they declare a common party (the same credit code, or the same natural person or company
// name), or when their registered legal representatives are the same person.

export interface Declaration {
  relation: string;
  party_name: string;
  party_credit_code: string | null;
}

export interface PartyFacts {
  name: string;
  credit_code: string;
  legal_representative: string | null;
  declarations: readonly Declaration[];
}

export interface Relation {
  kind: "declared_by_sme" | "declared_by_provider" | "common_party" | "same_legal_representative";
  /** Who or what links them, for the refusal message. */
  party: string;
}

const normalise = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

function names(declaration: Declaration, other: PartyFacts): boolean {
  if (declaration.party_credit_code && declaration.party_credit_code === other.credit_code) return true;
  return normalise(declaration.party_name) === normalise(other.name);
}

function commonParty(a: readonly Declaration[], b: readonly Declaration[]): string | null {
  const codes = new Set(a.map((d) => d.party_credit_code).filter((code): code is string => Boolean(code)));
  const partyNames = new Set(a.map((d) => normalise(d.party_name)));
  for (const d of b) {
    if (d.party_credit_code && codes.has(d.party_credit_code)) return d.party_credit_code;
    if (partyNames.has(normalise(d.party_name))) return d.party_name;
  }
  return null;
}

/** The first link found between the two, or null when they are unrelated. */
export function findRelation(sme: PartyFacts, provider: PartyFacts): Relation | null {
  const bySme = sme.declarations.find((d) => names(d, provider));
  if (bySme) return { kind: "declared_by_sme", party: provider.name };
  const byProvider = provider.declarations.find((d) => names(d, sme));
  if (byProvider) return { kind: "declared_by_provider", party: sme.name };
  const common = commonParty(sme.declarations, provider.declarations);
  if (common) return { kind: "common_party", party: common };
  const smeRep = sme.legal_representative && normalise(sme.legal_representative);
  if (smeRep && provider.legal_representative && smeRep === normalise(provider.legal_representative)) {
    return { kind: "same_legal_representative", party: sme.legal_representative as string };
  }
  return null;
}
