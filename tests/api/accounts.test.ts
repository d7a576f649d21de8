// Account basics (docs/accounts.md): changing a password, resetting a forgotten one through a
// one-time link, an organisation's admin editing its details, and the installation admin managing
// agencies and people. Both drivers; everything is unique per test (the D1 database is shared).
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { audit_events, organisations, password_resets } from "../../src/db/schema";
import { MINUTE_MS } from "../../src/lib/time";
import { agencyChange } from "../../src/routes/account/installation.handlers";
import { createAgency, createOrganisation, logIn, newClient, signUpSme, TEST_PASSWORD, uniqueCreditCode, uniqueEmail } from "../support/fixtures";

const harness = await createHarness();
const NEW_PASSWORD = "a-brand-new-password-2026";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const actions = async (subjectId: string) =>
  (await harness.store.db.select({ action: audit_events.action }).from(audit_events).where(eq(audit_events.subject_id, subjectId))).map((a) => a.action);

/** The reset token mailed to `email` most recently, read from the link's path. */
function mailedToken(email: string): string | undefined {
  const message = harness.outbox.filter((m) => m.to === email).at(-1);
  return message ? new URL(message.path, "http://x").searchParams.get("token") ?? undefined : undefined;
}

const signInStatus = async (email: string, password: string) =>
  (await newClient(harness).post("/api/auth/login", { email, password })).status;

describe("changing one's password", () => {
  it("needs the current password, keeps this session and ends the others", async () => {
    const sme = await signUpSme(harness);
    const elsewhere = await logIn(harness, sme.user.email);
    const wrong = await sme.client.post("/api/auth/password", { current_password: "not-the-password", new_password: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe("wrong_password");
    expect(wrong.body.error.message).toMatch(/当前密码不正确 \/ The current password is wrong/);
    const short = await sme.client.post("/api/auth/password", { current_password: TEST_PASSWORD, new_password: "short" });
    expect(short.status).toBe(400);
    const same = await sme.client.post("/api/auth/password", { current_password: TEST_PASSWORD, new_password: TEST_PASSWORD });
    expect(same.body.error.code).toBe("same_password");

    const changed = await sme.client.post("/api/auth/password", { current_password: TEST_PASSWORD, new_password: NEW_PASSWORD });
    expect(changed.status).toBe(204);
    expect((await sme.client.get("/api/me")).status, "this session stays").toBe(200);
    expect((await elsewhere.get("/api/me")).status, "the other session ended").toBe(401);
    expect(await signInStatus(sme.user.email, TEST_PASSWORD)).toBe(401);
    expect(await signInStatus(sme.user.email, NEW_PASSWORD)).toBe(200);
    expect(await actions(sme.user.id)).toContain("user.password_changed");
  });

  it("is throttled like sign-in: the sixth try in 15 minutes is refused even with the right password", async () => {
    const sme = await signUpSme(harness);
    for (let i = 0; i < 5; i++) {
      expect((await sme.client.post("/api/auth/password", { current_password: `wrong-${i}-password`, new_password: NEW_PASSWORD })).status).toBe(400);
    }
    const sixth = await sme.client.post("/api/auth/password", { current_password: TEST_PASSWORD, new_password: NEW_PASSWORD });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("too_many_attempts");
    expect(Number(sixth.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await signInStatus(sme.user.email, TEST_PASSWORD), "the password did not change").toBe(200);
  });

  it("two changes racing with the same current password: exactly one wins", async () => {
    const sme = await signUpSme(harness);
    const other = await logIn(harness, sme.user.email);
    const [a, b] = await Promise.all([
      sme.client.post("/api/auth/password", { current_password: TEST_PASSWORD, new_password: "first-new-password-1" }),
      other.post("/api/auth/password", { current_password: TEST_PASSWORD, new_password: "second-new-password-2" }),
    ]);
    expect([a.status, b.status].filter((s) => s === 204)).toHaveLength(1);
    const winner = a.status === 204 ? "first-new-password-1" : "second-new-password-2";
    const loser = a.status === 204 ? "second-new-password-2" : "first-new-password-1";
    expect(await signInStatus(sme.user.email, winner)).toBe(200);
    expect(await signInStatus(sme.user.email, loser)).toBe(401);
  });
});

describe("resetting a forgotten password", () => {
  it("mails a one-time link whose token is stored only as its SHA-256; using it sets the password and ends every session", async () => {
    const sme = await signUpSme(harness);
    const requested = await newClient(harness).post("/api/auth/password-reset/request", { email: sme.user.email.toUpperCase() });
    expect(requested.status).toBe(202);
    const token = mailedToken(sme.user.email);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const [row] = await harness.store.db.select().from(password_resets).where(eq(password_resets.token_hash, await sha256Hex(token!)));
    expect(row?.user_id).toBe(sme.user.id);
    expect(row?.expires_at).toBe(harness.clock.now + 30 * MINUTE_MS);

    const reset = await newClient(harness).post("/api/auth/password-reset", { token, new_password: NEW_PASSWORD });
    expect(reset.status).toBe(204);
    expect((await sme.client.get("/api/me")).status, "every session ended").toBe(401);
    expect(await signInStatus(sme.user.email, TEST_PASSWORD)).toBe(401);
    expect(await signInStatus(sme.user.email, NEW_PASSWORD)).toBe(200);
    const again = await newClient(harness).post("/api/auth/password-reset", { token, new_password: "yet-another-password" });
    expect(again.status, "a link works once").toBe(400);
    expect(again.body.error.code).toBe("reset_link_invalid");
    expect(await actions(sme.user.id)).toContain("user.password_reset");
  });

  it("answers an unknown address exactly as a known one, and mails nothing", async () => {
    const sme = await signUpSme(harness);
    const unknown = uniqueEmail("nobody");
    const known = await newClient(harness).post("/api/auth/password-reset/request", { email: sme.user.email });
    const stranger = await newClient(harness).post("/api/auth/password-reset/request", { email: unknown });
    expect(stranger.status).toBe(known.status);
    expect(stranger.body).toEqual(known.body);
    expect(harness.outbox.filter((m) => m.to === unknown)).toHaveLength(0);
  });

  it("refuses an expired link, and one of an account disabled since", async () => {
    const team = await createOrganisation(harness, "sme", ["admin", "member"]);
    await newClient(harness).post("/api/auth/password-reset/request", { email: team.member.user.email });
    const token = mailedToken(team.member.user.email);
    harness.clock.now += 30 * MINUTE_MS;
    try {
      const late = await newClient(harness).post("/api/auth/password-reset", { token, new_password: NEW_PASSWORD });
      expect(late.status).toBe(400);
      expect(late.body.error.code).toBe("reset_link_invalid");
    } finally {
      harness.clock.now = Date.now();
    }
    await newClient(harness).post("/api/auth/password-reset/request", { email: team.member.user.email });
    const fresh = mailedToken(team.member.user.email);
    expect(fresh).not.toBe(token);
    expect((await team.admin.client.post(`/api/organisations/${team.org.id}/users/${team.member.user.id}/disable`, {})).status).toBe(200);
    expect((await newClient(harness).post("/api/auth/password-reset", { token: fresh, new_password: NEW_PASSWORD })).status).toBe(400);
  });

  it("three requests racing with one link: exactly one sets the password", async () => {
    const sme = await signUpSme(harness);
    await newClient(harness).post("/api/auth/password-reset/request", { email: sme.user.email });
    const token = mailedToken(sme.user.email);
    const passwords = ["racing-password-one", "racing-password-two", "racing-password-three"];
    const results = await Promise.all(passwords.map((p) => newClient(harness).post("/api/auth/password-reset", { token, new_password: p })));
    expect(results.filter((r) => r.status === 204)).toHaveLength(1);
    const winner = passwords[results.findIndex((r) => r.status === 204)]!;
    expect(await signInStatus(sme.user.email, winner)).toBe(200);
    for (const p of passwords.filter((p) => p !== winner)) expect(await signInStatus(sme.user.email, p)).toBe(401);
  });

  it("is throttled per account asked about (known or not) and per client address", async () => {
    const sme = await signUpSme(harness);
    for (const email of [sme.user.email, uniqueEmail("nobody")]) {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await newClient(harness).post("/api/auth/password-reset/request", { email })).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
    }
    expect(harness.outbox.filter((m) => m.to === sme.user.email)).toHaveLength(3);
    const one = newClient(harness);
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await one.post("/api/auth/password-reset/request", { email: uniqueEmail("spray") })).status);
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe("editing an organisation's details", () => {
  it("the admin changes contact details without touching verification; the change is audited", async () => {
    const sme = await signUpSme(harness);
    const [{ name } = { name: "" }] = await harness.store.db.select().from(organisations).where(eq(organisations.id, sme.org.id));
    // The web form sends the name unchanged with every edit: that is not a rename.
    const res = await sme.client.patch(`/api/organisations/${sme.org.id}`, { name, address: "北京市海淀区中关村大街1号", contact_phone: "+86 10 1234 5678" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name, address: "北京市海淀区中关村大街1号", contact_phone: "+86 10 1234 5678", verification_state: "verified" });
    const cleared = await sme.client.patch(`/api/organisations/${sme.org.id}`, { address: null });
    expect(cleared.body.address).toBeNull();
    expect(cleared.body.verification_state).toBe("verified");
    expect(await actions(sme.org.id)).toContain("organisation.details_changed");
    expect(await actions(sme.org.id)).not.toContain("organisation.eligibility_changed");
  });

  it("an enterprise's rename goes back to agency verification (its name is what notices, claims and reports show); an agency's does not", async () => {
    for (const kind of ["sme", "provider"] as const) {
      const team = await createOrganisation(harness, kind, ["admin"]);
      const [was] = await harness.store.db.select().from(organisations).where(eq(organisations.id, team.org.id));
      expect(was?.verification_state).toBe("verified");
      const res = await team.admin.client.patch(`/api/organisations/${team.org.id}`, { name: "新名称企业 Renamed Ltd" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "新名称企业 Renamed Ltd", verification_state: "unverified" });
      expect(res.body.verification.missing).toContain("submission");
      const [row] = await harness.store.db.select().from(organisations).where(eq(organisations.id, team.org.id));
      expect([row?.verified_at, row?.verified_by]).toEqual([null, null]);
      expect(row?.verification_reason).toContain("Name or eligibility facts changed");
      const [event] = await harness.store.db.select().from(audit_events).where(and(eq(audit_events.subject_id, team.org.id), eq(audit_events.action, "organisation.eligibility_changed")));
      expect(JSON.parse(event!.before_json!)).toEqual({ name: was!.name, verification_state: "verified" });
      expect(JSON.parse(event!.after_json!)).toMatchObject({ name: "新名称企业 Renamed Ltd", verification_state: "unverified" });
    }
    const agency = await createAgency(harness);
    const renamed = await agency.admin.client.patch(`/api/organisations/${agency.org.id}`, { name: "测试科技局（更名）" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "测试科技局（更名）", verification_state: "verified" });
    expect(await actions(agency.org.id)).toContain("organisation.details_changed");
    expect(await actions(agency.org.id)).not.toContain("organisation.eligibility_changed");
  });

  it("a changed eligibility fact goes back to agency verification instead of changing eligibility silently", async () => {
    const sme = await signUpSme(harness);
    const res = await sme.client.patch(`/api/organisations/${sme.org.id}`, { region_code: "310101", size_class: "medium" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ region_code: "310101", size_class: "medium", verification_state: "unverified" });
    expect(res.body.verification.missing).toContain("submission");
    const [row] = await harness.store.db.select().from(organisations).where(eq(organisations.id, sme.org.id));
    expect(row?.verified_at).toBeNull();
    const [event] = await harness.store.db.select().from(audit_events).where(and(eq(audit_events.subject_id, sme.org.id), eq(audit_events.action, "organisation.eligibility_changed")));
    expect(JSON.parse(event!.before_json!)).toMatchObject({ region_code: "110108", size_class: "small", verification_state: "verified" });
  });

  it("only the organisation's own admin; limits on every field; agencies' facts stay the operator's", async () => {
    const team = await createOrganisation(harness, "sme", ["admin", "member"]);
    const other = await signUpSme(harness);
    expect((await team.member.client.patch(`/api/organisations/${team.org.id}`, { name: "x公司" })).status).toBe(403);
    expect((await other.client.patch(`/api/organisations/${team.org.id}`, { name: "x公司" })).status).toBe(404);
    expect((await team.admin.client.patch(`/api/organisations/${team.org.id}`, { name: "长".repeat(201) })).status).toBe(400);
    expect((await team.admin.client.patch(`/api/organisations/${team.org.id}`, {})).status).toBe(400);
    expect((await team.admin.client.patch(`/api/organisations/${team.org.id}`, { credit_code: "91110108MA01W2B46X" })).status).toBe(400);
    expect((await team.admin.client.patch(`/api/organisations/${team.org.id}`, { contact_phone: "call me" })).status).toBe(400);
    const agency = await createAgency(harness);
    const moved = await agency.admin.client.patch(`/api/organisations/${agency.org.id}`, { region_code: "310101" });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe("operator_managed");
    expect((await agency.admin.client.patch(`/api/organisations/${agency.org.id}`, { address: "上海市黄浦区" })).status).toBe(200);
  });
});

describe("the installation admin manages agencies and people", () => {
  it("creates an agency whose first admin joins through the invitation link; lists agencies", async () => {
    const platform = await createOrganisation(harness, "platform", ["admin"]);
    const email = uniqueEmail("agency-admin");
    const name = `测试科技局 ${crypto.randomUUID().slice(0, 8)}`;
    const created = await platform.admin.client.post("/api/installation/agencies", { name, credit_code: uniqueCreditCode("330100"), region_code: "330100", admin_email: email });
    expect(created.status).toBe(201);
    expect(created.body.organisation).toMatchObject({ kind: "agency", name, verification_state: "verified" });
    expect(created.body.invitation).toMatchObject({ email, role: "admin" });
    const joined = await newClient(harness).post("/api/auth/accept-invitation", { token: created.body.token, display_name: "局管理员", password: TEST_PASSWORD });
    expect(joined.status).toBe(201);
    expect(joined.body.user).toMatchObject({ role: "admin", org_id: created.body.organisation.id });

    const listed = await platform.admin.client.get("/api/installation/agencies?limit=100");
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((a: { id: string }) => a.id === created.body.organisation.id)).toMatchObject({ name, users: 1, enabled_admins: 1, pending_invitations: 0 });
    expect((await platform.admin.client.post("/api/installation/agencies", { name, credit_code: uniqueCreditCode(), region_code: "330100", admin_email: email })).body.error.code).toBe("email_taken");
    expect(await actions(created.body.organisation.id)).toEqual(expect.arrayContaining(["organisation.registered", "organisation.user_invited"]));
  });

  it("an agency's region is a real province, city or district: six digits naming none are refused, a whole province is taken", async () => {
    const platform = await createOrganisation(harness, "platform", ["admin"]);
    const post = (region_code: string) => platform.admin.client.post("/api/installation/agencies", { name: `测试局 ${crypto.randomUUID().slice(0, 8)}`, credit_code: uniqueCreditCode("330100"), region_code, admin_email: uniqueEmail("agency-admin") });
    // No province 99; Beijing has no district 99; Hangzhou (3301) has no city 99 beside it in Zhejiang.
    for (const unknown of ["990000", "110199", "339900"]) {
      const refused = await post(unknown);
      expect(refused.status, unknown).toBe(400);
      expect(JSON.stringify(refused.body), unknown).toContain("Not a known region code");
    }
    const short = await post("3301");
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain("A region code is 6 digits");
    expect(JSON.stringify(short.body)).not.toContain("Not a known region code");
    for (const known of ["330000", "330100", "330106"]) expect((await post(known)).status, known).toBe(201);
  });

  it("edits an agency's name, region and contact details; the change is audited with the values before", async () => {
    const platform = await createOrganisation(harness, "platform", ["admin"]);
    const agency = await createAgency(harness);
    const path = `/api/installation/agencies/${agency.org.id}`;
    const name = `杭州市科技局 ${crypto.randomUUID().slice(0, 8)}`;
    const edited = await platform.admin.client.patch(path, { name: `  ${name}  `, region_code: "330100", address: "杭州市上城区解放东路18号", contact_phone: "0571-8888 0000" });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ id: agency.org.id, name, region_code: "330100", address: "杭州市上城区解放东路18号", contact_phone: "0571-8888 0000", credit_code: agency.org.credit_code, users: 4, enabled_admins: 1 });
    const [row] = await harness.store.db.select().from(organisations).where(eq(organisations.id, agency.org.id));
    expect(row).toMatchObject({ name, region_code: "330100", address: "杭州市上城区解放东路18号", contact_phone: "0571-8888 0000", verification_state: "verified" });
    const listed = await platform.admin.client.get("/api/installation/agencies?limit=100");
    expect(listed.body.items.find((a: { id: string }) => a.id === agency.org.id)).toMatchObject({ name, region_code: "330100", address: "杭州市上城区解放东路18号" });
    const [event] = await harness.store.db.select().from(audit_events).where(and(eq(audit_events.subject_id, agency.org.id), eq(audit_events.action, "organisation.details_changed")));
    expect(event).toMatchObject({ actor_user_id: platform.admin.user.id, actor_org_id: platform.org.id, subject_type: "organisation" });
    expect(JSON.parse(event!.before_json!)).toEqual({ name: agency.org.name, region_code: "110000", address: null, contact_phone: null });
    expect(JSON.parse(event!.after_json!)).toEqual({ name, region_code: "330100", address: "杭州市上城区解放东路18号", contact_phone: "0571-8888 0000" });

    // null clears a contact detail; the same values again change nothing and write no event.
    expect((await platform.admin.client.patch(path, { contact_phone: null })).body.contact_phone).toBeNull();
    const events = (await actions(agency.org.id)).length;
    expect((await platform.admin.client.patch(path, { name, region_code: "330100" })).status).toBe(200);
    expect((await actions(agency.org.id)).length).toBe(events);
  });

  it("refuses an agency edit with an unknown region code, over-long or empty input, or another verified organisation's credit code", async () => {
    const platform = await createOrganisation(harness, "platform", ["admin"]);
    const agency = await createAgency(harness);
    const other = await createAgency(harness);
    const patch = (body: Record<string, unknown>) => platform.admin.client.patch(`/api/installation/agencies/${agency.org.id}`, body);
    for (const unknown of ["990000", "110199", "339900"]) {
      const refused = await patch({ region_code: unknown });
      expect(refused.status, unknown).toBe(400);
      expect(JSON.stringify(refused.body), unknown).toContain("Not a known region code");
    }
    expect(JSON.stringify((await patch({ region_code: "3301" })).body)).toContain("A region code is 6 digits");
    for (const body of [{}, { name: "" }, { name: "局".repeat(201) }, { address: "路".repeat(301) }, { contact_phone: "call me" }, { contact_phone: "1".repeat(31) }, { credit_code: "not-a-code" }, { kind: "sme" }]) {
      const refused = await patch(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    const taken = await patch({ credit_code: other.org.credit_code });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("credit_code_taken");
    const [row] = await harness.store.db.select().from(organisations).where(eq(organisations.id, agency.org.id));
    expect(row).toMatchObject({ name: agency.org.name, credit_code: agency.org.credit_code, region_code: "110000" });
    const fresh = uniqueCreditCode("110000");
    expect((await patch({ credit_code: fresh.toLowerCase() })).body.credit_code).toBe(fresh);
  });

  it("edits only agencies: an enterprise's, a provider's or an unknown id is 404", async () => {
    const platform = await createOrganisation(harness, "platform", ["admin"]);
    const sme = await signUpSme(harness);
    const provider = await createOrganisation(harness, "provider", ["admin"]);
    for (const id of [sme.org.id, provider.org.id, platform.org.id, "org_aaaaaaaaaaaaaaaa"]) {
      expect((await platform.admin.client.patch(`/api/installation/agencies/${id}`, { name: "改名" })).status, id).toBe(404);
    }
    const [row] = await harness.store.db.select().from(organisations).where(eq(organisations.id, provider.org.id));
    expect(row?.name).not.toBe("改名");
  });

  it("an agency edit planned on a stale read (its admin changed the address meanwhile) fails in the write", async () => {
    const agency = await createAgency(harness);
    const [stale] = await harness.store.db.select().from(organisations).where(eq(organisations.id, agency.org.id));
    expect((await agency.admin.client.patch(`/api/organisations/${agency.org.id}`, { address: "北京市海淀区" })).status).toBe(200);
    await expect(harness.store.batch([agencyChange(harness.store, stale!, { name: "过时的改名" })])).rejects.toThrow(/NOT NULL constraint failed: organisations\.name/);
    const [row] = await harness.store.db.select().from(organisations).where(eq(organisations.id, agency.org.id));
    expect(row).toMatchObject({ name: agency.org.name, address: "北京市海淀区" });
    // Read again, the same change goes through.
    const [fresh] = await harness.store.db.select().from(organisations).where(eq(organisations.id, agency.org.id));
    await harness.store.batch([agencyChange(harness.store, fresh!, { name: "新名称" })]);
    const [after] = await harness.store.db.select().from(organisations).where(eq(organisations.id, agency.org.id));
    expect(after?.name).toBe("新名称");
  });

  it("disables and enables agency staff; never the last admin, never an enterprise's people", async () => {
    const platform = await createOrganisation(harness, "platform", ["admin"]);
    const agency = await createAgency(harness);
    const sme = await signUpSme(harness);
    const people = await platform.admin.client.get(`/api/installation/organisations/${agency.org.id}/users`);
    expect(people.body.items.map((u: { email: string }) => u.email).sort()).toEqual([agency.admin, agency.reviewer, agency.finance, agency.auditor].map((p) => p.user.email).sort());

    const disabled = await platform.admin.client.post(`/api/installation/users/${agency.reviewer.user.id}/disable`, {});
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect((await agency.reviewer.client.get("/api/me")).status, "their sessions ended").toBe(401);
    expect(await signInStatus(agency.reviewer.user.email, TEST_PASSWORD)).toBe(401);
    expect((await platform.admin.client.post(`/api/installation/users/${agency.reviewer.user.id}/disable`, {})).body.error.code).toBe("already_disabled");
    const enabled = await platform.admin.client.post(`/api/installation/users/${agency.reviewer.user.id}/enable`, {});
    expect(enabled.body.disabled).toBe(false);
    expect(await signInStatus(agency.reviewer.user.email, TEST_PASSWORD)).toBe(200);

    const last = await platform.admin.client.post(`/api/installation/users/${agency.admin.user.id}/disable`, {});
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe("last_admin");
    expect((await platform.admin.client.post(`/api/installation/users/${sme.user.id}/disable`, {})).status).toBe(404);
    expect((await platform.admin.client.get(`/api/installation/organisations/${sme.org.id}/users`)).status).toBe(404);
    expect(await actions(agency.reviewer.user.id)).toEqual(expect.arrayContaining(["user.disabled", "user.enabled"]));
  });

  it("is the installation admin's alone", async () => {
    const agency = await createAgency(harness);
    const sme = await signUpSme(harness);
    for (const client of [agency.admin.client, sme.client]) {
      expect((await client.get("/api/installation/agencies")).status).toBe(403);
      expect((await client.post("/api/installation/agencies", { name: "假机构", credit_code: uniqueCreditCode(), region_code: "110000", admin_email: uniqueEmail() })).status).toBe(403);
      expect((await client.post(`/api/installation/users/${agency.reviewer.user.id}/disable`, {})).status).toBe(403);
      expect((await client.patch(`/api/installation/agencies/${agency.org.id}`, { name: "假名称" })).status).toBe(403);
    }
    expect((await newClient(harness).get("/api/installation/agencies")).status).toBe(401);
    expect((await newClient(harness).patch(`/api/installation/agencies/${agency.org.id}`, { name: "假名称" })).status).toBe(401);
    const [row] = await harness.store.db.select().from(organisations).where(eq(organisations.id, agency.org.id));
    expect(row?.name).toBe(agency.org.name);
  });
});
