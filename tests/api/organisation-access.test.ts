// Who may read an organisation and its related-party declarations, on both drivers: its own
// people; an agency only when the organisation is related to its programmes (applied, holds a
// voucher, vetted by it, booked under them); the platform admin only providers and agencies.
// Everyone else gets 404, which tells nothing about whether the organisation exists.
import { beforeEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { createAgency, createOrganisation, signUpProvider, signUpSme } from "../support/fixtures";
import { createProgramme, issueVoucher } from "../support/programmes";
import { computeBody, expectRefusal, MONDAY_8AM, publish, range } from "../support/bookings";

const harness = await createHarness();
harness.clock.now = MONDAY_8AM;
const agency = await createAgency(harness);
const programme = await createProgramme(harness, agency);
const platform = await createOrganisation(harness, "platform", ["admin"]);

beforeEach(() => {
  harness.clock.now = MONDAY_8AM;
});

async function smeWithDeclaration() {
  const sme = await signUpSme(harness);
  const declared = await sme.client.post(`/api/organisations/${sme.org.id}/related-parties`, { relation: "shareholder", party_name: "张三 Zhang San" });
  expect(declared.status, JSON.stringify(declared.body)).toBe(201);
  return sme;
}

describe("reading an enterprise", () => {
  it("a brand-new agency and its auditor get 404 for an SME with nothing in their programmes; so does the platform admin", async () => {
    const sme = await smeWithDeclaration();
    await issueVoucher(agency, sme, programme.id, 100_000);
    const stranger = await createAgency(harness);
    for (const outsider of [stranger.auditor, stranger.reviewer, stranger.admin, platform.admin]) {
      expectRefusal(await outsider.client.get(`/api/organisations/${sme.org.id}`), 404, "not_found");
      expectRefusal(await outsider.client.get(`/api/organisations/${sme.org.id}/related-parties`), 404, "not_found");
    }
    // The same answer as for an organisation that does not exist.
    expectRefusal(await stranger.auditor.client.get("/api/organisations/org_aaaaaaaaaaaaaaaa/related-parties"), 404, "not_found");
  });

  it("the agency whose programme the SME applied to reads its facts and declarations, auditor included", async () => {
    const sme = await smeWithDeclaration();
    const applied = await sme.client.post("/api/voucher-applications", { programme_id: programme.id, requested_fen: 100_000, purpose: "模型训练 Model training" });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    for (const staff of [agency.auditor, agency.reviewer]) {
      const org = await staff.client.get(`/api/organisations/${sme.org.id}`);
      expect(org.status).toBe(200);
      expect(org.body).toMatchObject({ id: sme.org.id, credit_code: sme.org.credit_code });
      const parties = await staff.client.get(`/api/organisations/${sme.org.id}/related-parties`);
      expect(parties.body.items.map((p: { party_name: string }) => p.party_name)).toEqual(["张三 Zhang San"]);
    }
    // Another SME, and the SME itself.
    expectRefusal(await (await signUpSme(harness)).client.get(`/api/organisations/${sme.org.id}/related-parties`), 404, "not_found");
    expect((await sme.client.get(`/api/organisations/${sme.org.id}/related-parties`)).status).toBe(200);
  });
});

describe("reading a provider", () => {
  it("an agency that vetted it reads it, an agency created after it registered does not, the platform admin does", async () => {
    const provider = await signUpProvider(harness);
    expect((await agency.auditor.client.get(`/api/organisations/${provider.org.id}`)).body).toMatchObject({ id: provider.org.id, provider_status: "pending" });
    const later = await createAgency(harness);
    expectRefusal(await later.auditor.client.get(`/api/organisations/${provider.org.id}/related-parties`), 404, "not_found");
    expect((await platform.admin.client.get(`/api/organisations/${provider.org.id}`)).body).toMatchObject({ installation_status: "active" });
  });
});

describe("probing offerings", () => {
  it("another provider's paused offering answers 404 to a quote, as a missing one does, not its state", async () => {
    const provider = await signUpProvider(harness, { approvedBy: [agency] });
    const offering = await publish(provider, computeBody());
    expect((await provider.client.patch(`/api/offerings/${offering.id}`, { status: "paused" })).status).toBe(200);
    const sme = await signUpSme(harness);
    const body = { offering_id: offering.id, quantity: 1, ...range("2026-03-03T10:00", "2026-03-03T11:00") };
    expectRefusal(await sme.client.post("/api/quotes", body), 404, "not_found");
    expectRefusal(await sme.client.post("/api/quotes", { ...body, offering_id: "off_aaaaaaaaaaaaaaaa" }), 404, "not_found");
  });
});
