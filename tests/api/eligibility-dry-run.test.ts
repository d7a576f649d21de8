// The dry run before the application form (GET /api/programmes/{id}/eligibility): the same rules
// the submission applies, for the signed-in enterprise, with no amount typed yet.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { DAY_MS, shanghaiDate } from "../../src/lib/time";
import { createAgency, signUpProvider, signUpSme } from "../support/fixtures";
import { createProgramme, issueVoucher } from "../support/programmes";

const harness = await createHarness();
const agency = await createAgency(harness);
const sme = await signUpSme(harness);

const dryRun = (client: typeof sme.client, id: string) => client.get(`/api/programmes/${id}/eligibility`);
const criterion = (body: any, name: string) => body.criteria.find((c: { name: string }) => c.name === name);
const failed = (body: any) => body.criteria.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name);

describe("the eligibility dry run before the form", () => {
  it("tells an eligible enterprise every criterion passed and the most it could be granted today, storing nothing", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 30_000_000, rules: { max_voucher_fen: 20_000_000, annual_issuance_quota_fen: 50_000_000 } });
    const res = await dryRun(sme.client, programme.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ eligible: true, max_grantable_fen: 20_000_000, programme_version: 1, checked_on: shanghaiDate(harness.clock.now) });
    expect(failed(res.body)).toEqual([]);
    expect(criterion(res.body, "per_draw_limit").reason).toContain("¥200,000.00");
    expect((await sme.client.get(`/api/voucher-applications?programme_id=${programme.id}`)).body.items).toEqual([]);
  });

  it("refuses an enterprise outside the region with the reason, and never names an amount beside the refusal", async () => {
    const programme = await createProgramme(harness, agency);
    const shanghai = await signUpSme(harness, { organisation: { region_code: "310104" } });
    const res = await dryRun(shanghai.client, programme.id);
    expect(res.status).toBe(200);
    expect(res.body.eligible).toBe(false);
    expect(failed(res.body)).toEqual(["region"]);
    expect(criterion(res.body, "region").reason).toContain("310104");
    expect(res.body.max_grantable_fen).toBe(0);
    // The submission agrees: the same criterion refuses it.
    const applied = await shanghai.client.post("/api/voucher-applications", { programme_id: programme.id, requested_fen: 1_000, purpose: "训练 Training" });
    expect(applied.status).toBe(422);
    expect(applied.body.error.details.eligibility.criteria.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name)).toEqual(["region"]);
    expect(applied.body.error.details.eligibility.max_grantable_fen).toBe(0);
  });

  it("refuses before the window opens, and a blacklisted enterprise, as the submission would", async () => {
    const tomorrow = shanghaiDate(harness.clock.now + DAY_MS);
    const later = await createProgramme(harness, agency, { rules: { application_opens_on: tomorrow, application_closes_on: tomorrow } });
    const early = await dryRun(sme.client, later.id);
    expect(failed(early.body)).toEqual(["application_window"]);
    expect(criterion(early.body, "application_window").reason).toContain(`open on ${tomorrow}`);
    const listed = await signUpSme(harness);
    await harness.store.batch([sql`UPDATE organisations SET credit_status = 'blacklisted' WHERE id = ${listed.org.id}`]);
    const open = await createProgramme(harness, agency);
    const res = await dryRun(listed.client, open.id);
    expect(failed(res.body)).toEqual(["credit_status"]);
    expect(res.body.max_grantable_fen).toBe(0);
  });

  it("refuses once this year's issuance quota is used up, and says what is left while some is", async () => {
    const programme = await createProgramme(harness, agency, { rules: { max_voucher_fen: 2_000_000, annual_issuance_quota_fen: 3_000_000 } });
    const enterprise = await signUpSme(harness);
    await issueVoucher(agency, enterprise, programme.id, 2_000_000);
    const partly = await dryRun(enterprise.client, programme.id);
    expect(partly.body).toMatchObject({ eligible: true, max_grantable_fen: 1_000_000 });
    expect(criterion(partly.body, "annual_issuance_quota").reason).toContain("¥10,000.00 left");
    await issueVoucher(agency, enterprise, programme.id, 1_000_000);
    const spent = await dryRun(enterprise.client, programme.id);
    expect(spent.body).toMatchObject({ eligible: false, max_grantable_fen: 0 });
    expect(failed(spent.body)).toEqual(["annual_issuance_quota"]);
  });

  it("refuses when the programme's budget is used up", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 1_000_000 });
    const first = await signUpSme(harness);
    await issueVoucher(agency, first, programme.id, 1_000_000);
    const res = await dryRun(sme.client, programme.id);
    expect(failed(res.body)).toEqual(["budget"]);
    expect(res.body.max_grantable_fen).toBe(0);
  });

  it("says a closed programme is not open; a draft or unknown one does not exist; only enterprises may ask", async () => {
    const closed = await createProgramme(harness, agency);
    expect((await agency.admin.client.post(`/api/programmes/${closed.id}/close`, {})).status).toBe(200);
    const res = await dryRun(sme.client, closed.id);
    expect(res.status).toBe(200);
    expect(failed(res.body)).toEqual(["programme_open"]);
    const draft = await createProgramme(harness, agency, { open: false });
    expect((await dryRun(sme.client, draft.id)).status).toBe(404);
    expect((await dryRun(sme.client, "prg_nosuchprogramme")).status).toBe(404);
    const provider = await signUpProvider(harness);
    expect((await dryRun(provider.client, closed.id)).status).toBe(403);
    expect((await dryRun(agency.admin.client, closed.id)).status).toBe(403);
  });
});
