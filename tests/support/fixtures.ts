// Setup every API test shares: unique organisations and people, signed in through the real API.
// On D1 the database may be shared between test files, so everything here is unique per call
// (credit codes, emails, client addresses) and nothing depends on another file's rows.
import { eq, sql } from "drizzle-orm";
import { organisations, type Organisation, type User } from "../../src/db/schema";
import { creditCodeCheckCharacter } from "../../src/domain/credit-code";
import { randomBase32 } from "../../src/lib/ids";
import { createOrganisationWithUsers } from "../../src/seed/accounts";
import { operatorVerified } from "../../src/services/verification-facts";
import { TEST_ADDRESS_HEADER } from "./build-harness";
import { TestClient } from "./client";
import type { Harness } from "./harness-types";

export const TEST_PASSWORD = "test-password-2026";

const CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** Random base32, long enough that two test runs never collide. */
export const uniqueSuffix = () => randomBase32(8);

/** A valid 统一社会信用代码 nobody has used: "91" (enterprise), the region, 9 random characters, check. */
export function uniqueCreditCode(regionCode = "110108"): string {
  const random = crypto.getRandomValues(new Uint8Array(9));
  const body = `91${regionCode}${[...random].map((b) => CODE_ALPHABET[b % 31]).join("")}`;
  return body + creditCodeCheckCharacter(body);
}

export const uniqueEmail = (label = "user") => `${label}-${uniqueSuffix()}@test.example`;

/** A client address of its own, so one test's failed logins never throttle another's. */
export const uniqueAddress = () => `2001:db8::${randomBase32(6)}`;

/** A cookie-keeping client with an address of its own. */
export function newClient(harness: Harness, headers: Record<string, string> = {}): TestClient {
  return new TestClient(harness.app, { [TEST_ADDRESS_HEADER]: uniqueAddress(), ...headers });
}

export interface SignedIn {
  client: TestClient;
  user: Pick<User, "id" | "email" | "role" | "org_id">;
  org: Pick<Organisation, "id" | "kind" | "credit_code" | "provider_status">;
}

export interface SignupOverrides {
  organisation?: Record<string, unknown>;
  user?: Record<string, unknown>;
  /** SMEs only: leave the SME unverified, as sign-up does (default: verified, see markVerified). */
  unverified?: boolean;
}

/**
 * Marks an organisation verified as the operator's seed does, so tests of applications, vouchers
 * and bookings start from an SME an agency may approve. tests/api/verification.test.ts goes
 * through the real verification API instead.
 */
export async function markVerified(harness: Harness, orgId: string): Promise<void> {
  await harness.store.batch([harness.store.db.update(organisations).set(operatorVerified(harness.clock.now)).where(eq(organisations.id, orgId))]);
}

/** A complete, valid sign-up body; pass overrides to vary one field. */
export function signupBody(kind: "sme" | "provider", overrides: SignupOverrides = {}) {
  return {
    organisation: {
      kind,
      name: `${kind === "sme" ? "测试企业" : "测试算力"} ${uniqueSuffix()}`,
      credit_code: uniqueCreditCode(),
      region_code: "110108",
      size_class: "small",
      founded_on: "2023-03-01",
      ...overrides.organisation,
    },
    user: { email: uniqueEmail(kind), display_name: "测试用户 Test User", password: TEST_PASSWORD, ...overrides.user },
  };
}

async function signUp(harness: Harness, kind: "sme" | "provider", overrides?: SignupOverrides): Promise<SignedIn> {
  const client = newClient(harness);
  const res = await client.post("/api/auth/signup", signupBody(kind, overrides));
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (kind === "sme" && !overrides?.unverified) {
    await markVerified(harness, res.body.organisation.id);
    return { client, user: res.body.user, org: { ...res.body.organisation, verification_state: "verified" } };
  }
  return { client, user: res.body.user, org: res.body.organisation };
}

export const signUpSme = (harness: Harness, overrides?: SignupOverrides) => signUp(harness, "sme", overrides);

/** An agency whose reviewer can decide on providers (createAgency's result fits). */
export interface Approver {
  reviewer: SignedIn;
}

/**
 * A provider through sign-up; `approved` has an agency reviewer approve it through the API:
 * each agency in `approvedBy` (vetting is per agency), or by default one agency per harness.
 */
export async function signUpProvider(
  harness: Harness,
  options: { approved?: boolean; approvedBy?: readonly Approver[] } & SignupOverrides = {},
): Promise<SignedIn> {
  const approvers = options.approvedBy ?? (options.approved ? [await agencyFor(harness)] : []);
  const provider = await signUp(harness, "provider", options);
  let org = provider.org;
  for (const { reviewer } of approvers) {
    const res = await reviewer.client.post(`/api/providers/${provider.org.id}/approve`, {});
    if (res.status !== 200) throw new Error(`approval failed: ${res.status} ${JSON.stringify(res.body)}`);
    org = res.body;
  }
  return { ...provider, org };
}

/** Signs in through the API with a fresh client. */
export async function logIn(harness: Harness, email: string, password = TEST_PASSWORD): Promise<TestClient> {
  const client = newClient(harness);
  const res = await client.post("/api/auth/login", { email, password });
  if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}

/**
 * An organisation created outside sign-up (as the CLI and the seed do), one user per role,
 * each signed in. Agencies and the platform can only come into being this way.
 */
export async function createOrganisation<R extends User["role"]>(
  harness: Harness,
  kind: Organisation["kind"],
  roles: readonly R[],
): Promise<{ org: Organisation } & Record<R, SignedIn>> {
  const { org, users } = await createOrganisationWithUsers(
    harness.store,
    { at: harness.clock.now, request_id: "test-fixture", actor_user_id: null, actor_org_id: null },
    { kind, name: `测试${kind} ${uniqueSuffix()}`, credit_code: uniqueCreditCode("110000"), region_code: "110000" },
    roles.map((role) => ({ email: uniqueEmail(`${kind}-${role}`), display_name: `${kind} ${role}`, password: TEST_PASSWORD, role })),
  );
  const signedIn = {} as Record<R, SignedIn>;
  for (const [index, role] of roles.entries()) {
    const user = users[index] as User;
    signedIn[role] = { client: await logIn(harness, user.email), user, org };
  }
  return { org, ...signedIn };
}

export const AGENCY_ROLES = ["admin", "reviewer", "finance", "auditor"] as const;

/** A funding agency with an admin, a reviewer, a finance officer and an auditor, all signed in. */
export const createAgency = (harness: Harness) => createOrganisation(harness, "agency", AGENCY_ROLES);

const agencies = new WeakMap<Harness, ReturnType<typeof createAgency>>();
/** One agency per harness for fixtures that need an approver; tests that study agencies make their own. */
function agencyFor(harness: Harness) {
  let agency = agencies.get(harness);
  if (!agency) {
    agency = createAgency(harness);
    agencies.set(harness, agency);
  }
  return agency;
}

export interface Actor extends SignedIn {
  /** "kind:role", as grants in src/auth/access.ts name it. */
  grant: `${Organisation["kind"]}:${User["role"]}`;
}

/** One signed-in person of every kind and role that access rules distinguish. */
export async function createCast(harness: Harness): Promise<Actor[]> {
  const sme = await signUpSme(harness);
  const smeMember = await createOrganisation(harness, "sme", ["member"]);
  const provider = await signUpProvider(harness, { approved: true });
  const pendingProvider = await createOrganisation(harness, "provider", ["member"]);
  const agency = await createAgency(harness);
  const platform = await createOrganisation(harness, "platform", ["admin"]);
  const people: SignedIn[] = [
    sme,
    smeMember.member,
    provider,
    pendingProvider.member,
    ...AGENCY_ROLES.map((role) => agency[role]),
    platform.admin,
  ];
  return people.map((person) => ({ ...person, grant: `${person.org.kind}:${person.user.role}` }));
}

/** An organisation's registered name, read straight from the database (what the API should show). */
export async function organisationName(harness: Harness, orgId: string): Promise<string> {
  const [row] = await harness.store.all<{ name: string }>(sql`SELECT name FROM organisations WHERE id = ${orgId}`);
  if (!row) throw new Error(`no organisation ${orgId}`);
  return row.name;
}
