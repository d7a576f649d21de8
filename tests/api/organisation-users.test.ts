// Organisation admins invite people by e-mail with a role, and remove them; agency staff page
// through providers. Both drivers; everything here is unique per test (the D1 database is shared).
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { audit_events, invitations, sessions, users } from "../../src/db/schema";
import { DAY_MS } from "../../src/lib/time";
import { createAgency, createOrganisation, logIn, newClient, signUpProvider, signUpSme, TEST_PASSWORD, uniqueEmail } from "../support/fixtures";

const harness = await createHarness();

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const accept = (token: string, password = TEST_PASSWORD) =>
  newClient(harness).post("/api/auth/accept-invitation", { token, display_name: "新同事 New colleague", password });

describe("inviting people into an organisation", () => {
  it("an SME admin invites a member, who joins with the one-time link and is signed in", async () => {
    const sme = await signUpSme(harness);
    const email = uniqueEmail("invitee");
    const invited = await sme.client.post(`/api/organisations/${sme.org.id}/invitations`, { email, role: "member" });
    expect(invited.status).toBe(201);
    expect(invited.body.invitation).toMatchObject({ email, role: "member", org_id: sme.org.id });
    expect(Date.parse(invited.body.invitation.expires_at)).toBe(harness.clock.now + 7 * DAY_MS);
    const token: string = invited.body.token;
    const [row] = await harness.store.db.select().from(invitations).where(eq(invitations.id, invited.body.invitation.id));
    expect(row?.token_hash, "only SHA-256 of the token is stored").toBe(await sha256Hex(token));

    const client = newClient(harness);
    const joined = await client.post("/api/auth/accept-invitation", { token, display_name: "新同事 New colleague", password: TEST_PASSWORD });
    expect(joined.status).toBe(201);
    expect(joined.body.user).toMatchObject({ email, role: "member", org_id: sme.org.id });
    expect((await client.get("/api/me")).body.organisation.id).toBe(sme.org.id);

    expect((await accept(token)).body.error.code, "a link works once").toBe("invitation_invalid");
    const list = await sme.client.get(`/api/organisations/${sme.org.id}/users`);
    expect(list.body.items.map((u: { email: string }) => u.email).sort()).toEqual([sme.user.email, email].sort());
    expect(list.body.total).toBe(2);
    const actions = await harness.store.db.select({ action: audit_events.action }).from(audit_events).where(eq(audit_events.subject_id, sme.org.id));
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["organisation.user_invited", "invitation.accepted"]));
  });

  it("two people racing with one link: exactly one joins", async () => {
    const sme = await signUpSme(harness);
    const { body } = await sme.client.post(`/api/organisations/${sme.org.id}/invitations`, { email: uniqueEmail("race"), role: "member" });
    const results = await Promise.all([accept(body.token), accept(body.token), accept(body.token)]);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const members = await harness.store.db.select().from(users).where(eq(users.org_id, sme.org.id));
    expect(members).toHaveLength(2);
  });

  it("refuses an expired link, and roles the kind of organisation does not have", async () => {
    const agency = await createAgency(harness);
    const sme = await signUpSme(harness);
    expect((await sme.client.post(`/api/organisations/${sme.org.id}/invitations`, { email: uniqueEmail(), role: "finance" })).status).toBe(400);
    const invited = await agency.admin.client.post(`/api/organisations/${agency.org.id}/invitations`, { email: uniqueEmail("auditor"), role: "auditor" });
    expect(invited.status).toBe(201);
    harness.clock.now += 7 * DAY_MS;
    try {
      const late = await accept(invited.body.token);
      expect(late.status).toBe(400);
      expect(late.body.error.code).toBe("invitation_invalid");
    } finally {
      harness.clock.now = Date.now();
    }
    expect((await agency.admin.client.post(`/api/organisations/${agency.org.id}/invitations`, { email: agency.reviewer.user.email, role: "reviewer" })).status).toBe(409);
  });

  it("only the organisation's own admins manage its people", async () => {
    const sme = await signUpSme(harness);
    const other = await signUpSme(harness);
    const team = await createOrganisation(harness, "sme", ["member"]);
    expect((await other.client.post(`/api/organisations/${sme.org.id}/invitations`, { email: uniqueEmail(), role: "member" })).status).toBe(404);
    expect((await other.client.get(`/api/organisations/${sme.org.id}/users`)).status).toBe(404);
    expect((await team.member.client.post(`/api/organisations/${team.org.id}/invitations`, { email: uniqueEmail(), role: "admin" })).status).toBe(403);
    expect((await other.client.post(`/api/organisations/${sme.org.id}/users/${sme.user.id}/disable`, {})).status).toBe(404);
  });
});

describe("removing people", () => {
  it("disabling a user ends their sessions and refuses their sign-in; the last admin cannot be removed", async () => {
    const sme = await signUpSme(harness);
    const { body } = await sme.client.post(`/api/organisations/${sme.org.id}/invitations`, { email: uniqueEmail("colleague"), role: "admin" });
    const colleague = newClient(harness);
    const joined = await colleague.post("/api/auth/accept-invitation", { token: body.token, display_name: "同事 Colleague", password: TEST_PASSWORD });
    expect(joined.status).toBe(201);
    const colleagueId: string = joined.body.user.id;

    const disabled = await sme.client.post(`/api/organisations/${sme.org.id}/users/${colleagueId}/disable`, {});
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: colleagueId, disabled: true });
    expect(await harness.store.db.select().from(sessions).where(eq(sessions.user_id, colleagueId))).toEqual([]);
    expect((await colleague.get("/api/me")).status).toBe(401);
    await expect(logIn(harness, joined.body.user.email)).rejects.toThrow(/401/);

    const last = await sme.client.post(`/api/organisations/${sme.org.id}/users/${sme.user.id}/disable`, {});
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe("last_admin");
    const [self] = await harness.store.db.select().from(users).where(and(eq(users.id, sme.user.id)));
    expect(self?.disabled).toBe(false);
    const events = await harness.store.db.select({ action: audit_events.action }).from(audit_events).where(eq(audit_events.subject_id, colleagueId));
    expect(events.map((e) => e.action)).toContain("user.disabled");
  });

  it("two admins removing each other at once: one of them stays", async () => {
    const sme = await signUpSme(harness);
    const { body } = await sme.client.post(`/api/organisations/${sme.org.id}/invitations`, { email: uniqueEmail("second"), role: "admin" });
    const second = newClient(harness);
    const joined = await second.post("/api/auth/accept-invitation", { token: body.token, display_name: "二号 Second", password: TEST_PASSWORD });
    const results = await Promise.all([
      sme.client.post(`/api/organisations/${sme.org.id}/users/${joined.body.user.id}/disable`, {}),
      second.post(`/api/organisations/${sme.org.id}/users/${sme.user.id}/disable`, {}),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, expect.any(Number)]);
    const [{ n }] = (await harness.store.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM users WHERE org_id = ${sme.org.id} AND role = 'admin' AND disabled = 0`,
    )) as [{ n: number }];
    expect(n).toBe(1);
  });
});

describe("the provider list", () => {
  it("is paged with a bound and says how many match", async () => {
    const agency = await createAgency(harness);
    for (let i = 0; i < 3; i++) await signUpProvider(harness);
    const [{ n }] = (await harness.store.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM provider_vettings WHERE agency_org_id = ${agency.org.id} AND status = 'pending'`,
    )) as [{ n: number }];
    const first = await agency.reviewer.client.get("/api/providers?status=pending&limit=2");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ limit: 2, offset: 0 });
    expect(first.body.items).toHaveLength(2);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(first.body.total).toBe(n);
    const second = await agency.reviewer.client.get("/api/providers?status=pending&limit=2&offset=2");
    const ids = [...first.body.items, ...second.body.items].map((p: { id: string }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const unbounded = await agency.reviewer.client.get("/api/providers");
    expect(unbounded.body.limit).toBe(50);
    expect(unbounded.body.items.length).toBeLessThanOrEqual(50);
    expect((await agency.reviewer.client.get("/api/providers?limit=1000")).status).toBe(400);
  });
});
