// Creating an organisation with its first user outside sign-up: agencies (by the CLI, the
// demo seed and tests), since agencies never sign themselves up.
import { commitAs } from "../db/atomic";
import type { AuditMeta } from "../db/audit";
import { organisations, users, type Organisation, type User } from "../db/schema";
import type { Store } from "../db/store";
import { hashPassword } from "../auth/password";
import { newId } from "../lib/ids";
import { operatorVerified } from "../services/verification-facts";

export interface NewOrganisation {
  kind: Organisation["kind"];
  name: string;
  credit_code: string;
  region_code: string;
  size_class?: Organisation["size_class"];
  founded_on?: string;
  provider_status?: Organisation["provider_status"];
}

export interface NewUser {
  email: string;
  display_name: string;
  password: string;
  role: User["role"];
}

export async function createOrganisationWithUsers(
  store: Store,
  meta: AuditMeta,
  input: NewOrganisation,
  people: NewUser[],
): Promise<{ org: Organisation; users: User[] }> {
  const org: Organisation = {
    id: newId("org"),
    size_class: "large",
    founded_on: "2000-01-01",
    credit_status: "good",
    address: null,
    legal_representative: null,
    contact_phone: null,
    provider_status: input.kind === "provider" ? "active" : null,
    provider_status_reason: null,
    ...operatorVerified(meta.at),
    created_at: meta.at,
    ...input,
  };
  const rows: User[] = [];
  for (const person of people) {
    rows.push({
      id: newId("usr"),
      org_id: org.id,
      email: person.email.toLowerCase(),
      display_name: person.display_name,
      password_hash: await hashPassword(person.password),
      role: person.role,
      disabled: false,
      created_at: meta.at,
    });
  }
  await commitAs(
    store,
    meta,
    [store.db.insert(organisations).values(org), ...rows.map((user) => store.db.insert(users).values(user))],
    [
      { action: "organisation.registered", subject_type: "organisation", subject_id: org.id, after: org },
      ...rows.map((user) => ({ action: "user.created", subject_type: "user", subject_id: user.id, after: user })),
    ],
  );
  return { org, users: rows };
}
