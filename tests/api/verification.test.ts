// Sign-up abuse (issue 7 item 5): sign-ups are rate-limited per address, SMEs start unverified
// and cannot be approved until an agency verifies their facts from the business licence, a
// credit code can be registered by several but verified for one, and uploaded files are typed
// by their bytes. Runs on better-sqlite3 + a blob directory and on D1 + R2.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { sha256Hex } from "../../src/blobs/blob-store";
import { constraintViolation } from "../../src/db/constraints";
import { audit_events, files, organisations, voucher_applications } from "../../src/db/schema";
import { stillVerifiedStatement } from "../../src/services/verification";
import { TEST_ADDRESS_HEADER } from "../support/build-harness";
import { TestClient } from "../support/client";
import { createAgency, signupBody, signUpSme, uniqueAddress, uniqueCreditCode, type SignedIn } from "../support/fixtures";
import { createProgramme, moneyPost } from "../support/programmes";

const harness = await createHarness();
const agency = await createAgency(harness);
const otherAgency = await createAgency(harness);
const programme = await createProgramme(harness, agency);

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

const upload = (sme: SignedIn, bytes: Uint8Array, name: string, contentType = "application/pdf") =>
  sme.client.call("POST", `/api/organisations/${sme.org.id}/files?purpose=business_licence`, bytes, { "Content-Type": contentType, "X-File-Name": encodeURIComponent(name) });

const apply = async (sme: SignedIn) => {
  const res = await sme.client.post("/api/voucher-applications", { programme_id: programme.id, requested_fen: 1_000_000, purpose: "大模型训练 LLM training" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
const approve = (applicationId: string) => moneyPost(agency.reviewer.client, `/api/voucher-applications/${applicationId}/approve`, {});

/** The facts on the licence, as the verifier confirms them. */
const factsOf = (org: { credit_code: string; name?: string }, overrides: Record<string, unknown> = {}) => ({
  credit_code: org.credit_code,
  name: org.name ?? "核验企业 Verified Co",
  region_code: "110108",
  size_class: "small",
  founded_on: "2023-03-01",
  ...overrides,
});

async function uploadAndSubmit(sme: SignedIn) {
  expect((await upload(sme, PDF, "营业执照.pdf")).status).toBe(201);
  const submitted = await sme.client.post(`/api/organisations/${sme.org.id}/verification/submit`, {});
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  return submitted.body;
}

describe(`sign-up is rate-limited per client address (${harness.driver})`, () => {
  it("allows 5 sign-ups an hour from one address, refuses the 6th with 429 and Retry-After, and creates nothing for it", async () => {
    const address = uniqueAddress();
    const client = () => new TestClient(harness.app, { [TEST_ADDRESS_HEADER]: address });
    for (let i = 0; i < 5; i++) expect((await client().post("/api/auth/signup", signupBody("sme"))).status).toBe(201);
    const sixth = signupBody("sme");
    const res = await client().post("/api/auth/signup", sixth);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe("rate_limited");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(Number(res.headers.get("Retry-After"))).toBeLessThanOrEqual(3600);
    const rows = await harness.store.db.select().from(organisations).where(eq(organisations.credit_code, sixth.organisation.credit_code));
    expect(rows).toEqual([]);
    // Another address is not held back by this one.
    expect((await new TestClient(harness.app, { [TEST_ADDRESS_HEADER]: uniqueAddress() }).post("/api/auth/signup", signupBody("sme"))).status).toBe(201);
  });
});

describe(`uploads are typed by their bytes, bounded and hashed (${harness.driver})`, () => {
  it("stores PNG bytes named .pdf and sent as application/pdf as a PNG, with its SHA-256, and the blob holds exactly those bytes", async () => {
    const sme = await signUpSme(harness, { unverified: true });
    const res = await upload(sme, PNG, "C:\\scans\\营业执照\u202e.pdf", "application/pdf");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const sha256 = await sha256Hex(PNG);
    expect(res.body).toMatchObject({ org_id: sme.org.id, content_type: "image/png", size_bytes: PNG.length, sha256, purpose: "business_licence", original_name: "营业执照.pdf", uploaded_by: sme.user.id });
    const [row] = await harness.store.db.select().from(files).where(eq(files.id, res.body.id));
    expect(row).toMatchObject({ sha256, content_type: "image/png", size_bytes: PNG.length });
    expect(await harness.blobs.head(sha256)).toEqual({ size_bytes: PNG.length, content_type: "image/png" });
    const download = await sme.client.getBytes(`/api/files/${res.body.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("image/png");
    expect(download.headers.get("Content-Disposition")).toContain("attachment");
    expect([...download.body]).toEqual([...PNG]);
    expect((await upload(sme, JPEG, "licence.jpg", "image/jpeg")).body.content_type).toBe("image/jpeg");
  });

  it("refuses a text file whatever its name or declared type, storing no row", async () => {
    const sme = await signUpSme(harness, { unverified: true });
    const res = await upload(sme, new TextEncoder().encode("just some text, not a licence"), "licence.pdf", "application/pdf");
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_file_type");
    expect(await harness.store.db.select().from(files).where(eq(files.org_id, sme.org.id))).toEqual([]);
    const asJson = await sme.client.call("POST", `/api/organisations/${sme.org.id}/files`, JSON.stringify({ a: 1 }), { "Content-Type": "application/json" });
    expect(asJson.status).toBe(415);
    expect(asJson.body.error.code).toBe("unsupported_media_type");
  });

  it("accepts a file over the API's 1 MiB body limit, up to 10 MiB, and refuses one over 10 MiB with 413", async () => {
    const sme = await signUpSme(harness, { unverified: true });
    const big = new Uint8Array(3 * 1024 * 1024);
    big.set(PNG);
    const accepted = await upload(sme, big, "scan.png", "image/png");
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body).toMatchObject({ size_bytes: big.length, sha256: await sha256Hex(big) });
    const tooBig = new Uint8Array(10 * 1024 * 1024 + 1);
    tooBig.set(PNG);
    const refused = await upload(sme, tooBig, "huge.png", "image/png");
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe("payload_too_large");
    expect(await harness.store.db.select().from(files).where(eq(files.org_id, sme.org.id))).toHaveLength(1);
  });

  it("lets only the owner and an agency it applied to download a file; others get 404", async () => {
    const sme = await signUpSme(harness, { unverified: true });
    const stranger = await signUpSme(harness);
    const file = (await upload(sme, PDF, "licence.pdf")).body;
    expect((await agency.reviewer.client.getBytes(`/api/files/${file.id}`)).status, "before applying, the agency has no business with it").toBe(404);
    await apply(sme);
    const byReviewer = await agency.reviewer.client.getBytes(`/api/files/${file.id}`);
    expect(byReviewer.status).toBe(200);
    expect([...byReviewer.body]).toEqual([...PDF]);
    expect((await otherAgency.reviewer.client.getBytes(`/api/files/${file.id}`)).status).toBe(404);
    expect((await stranger.client.getBytes(`/api/files/${file.id}`)).status).toBe(404);
  });
});

describe(`an SME must be verified before its first voucher is approved (${harness.driver})`, () => {
  it("starts unverified, says what is missing, refuses approval with 409 organisation_not_verified, and approves once an agency verified it", async () => {
    const sme = await signUpSme(harness, { unverified: true });
    expect((await sme.client.get("/api/me")).body.verification).toMatchObject({ state: "unverified", missing: ["business_licence", "submission"] });
    const applicationId = await apply(sme);
    const refused = await approve(applicationId);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("organisation_not_verified");
    const [pending] = await harness.store.db.select().from(voucher_applications).where(eq(voucher_applications.id, applicationId));
    expect(pending?.status).toBe("pending");

    const early = await sme.client.post(`/api/organisations/${sme.org.id}/verification/submit`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("business_licence_missing");
    await uploadAndSubmit(sme);
    expect((await sme.client.get(`/api/organisations/${sme.org.id}`)).body.verification).toMatchObject({ state: "submitted", missing: ["agency_review"] });
    expect((await approve(applicationId)).body.error.code, "submitted is not verified").toBe("organisation_not_verified");
    expect((await agency.reviewer.client.get("/api/verification-requests")).body.items.map((o: { id: string }) => o.id)).toContain(sme.org.id);
    expect((await otherAgency.reviewer.client.get("/api/verification-requests")).body.items.map((o: { id: string }) => o.id)).not.toContain(sme.org.id);
    expect((await otherAgency.reviewer.client.post(`/api/organisations/${sme.org.id}/verification/verify`, factsOf(sme.org))).status).toBe(404);

    // The reviewer corrects the size class the SME declared.
    const verified = await agency.reviewer.client.post(`/api/organisations/${sme.org.id}/verification/verify`, factsOf(sme.org, { size_class: "micro", note: "按营业执照更正 corrected from the licence" }));
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.organisation).toMatchObject({ verification_state: "verified", size_class: "micro" });
    expect(verified.body.verified_by).toBe(agency.reviewer.user.id);
    expect((await sme.client.get("/api/me")).body.verification).toMatchObject({ state: "verified", missing: [] });

    const approved = await approve(applicationId);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.application.status).toBe("approved");
    const events = await harness.store.db.select().from(audit_events).where(eq(audit_events.subject_id, sme.org.id));
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["organisation.verification_submitted", "organisation.verified"]));
  });

  it("a rejected verification says why, and the SME may submit again", async () => {
    const sme = await signUpSme(harness, { unverified: true });
    await apply(sme);
    await uploadAndSubmit(sme);
    const rejected = await agency.reviewer.client.post(`/api/organisations/${sme.org.id}/verification/reject`, { reason: "执照模糊 / The scan is unreadable" });
    expect(rejected.status).toBe(200);
    expect((await sme.client.get("/api/me")).body.verification).toMatchObject({ state: "rejected", reason: "执照模糊 / The scan is unreadable", missing: ["submission"] });
    expect((await sme.client.post(`/api/organisations/${sme.org.id}/verification/submit`, { size_class: "micro" })).body.organisation).toMatchObject({ verification_state: "submitted", size_class: "micro" });
  });

  it("the approval batch's own guard fails for an SME that is no longer verified (a demotion after the approver read)", async () => {
    const sme = await signUpSme(harness, { unverified: true });
    const error = await harness.store.batch([stillVerifiedStatement(harness.store, sme.org.id)]).catch((e: unknown) => e);
    expect(constraintViolation(error)).toEqual({ kind: "not_null", name: "organisations.verification_state" });
    const verified = await signUpSme(harness);
    await harness.store.batch([stillVerifiedStatement(harness.store, verified.org.id)]);
  });
});

describe(`a squatted credit code (${harness.driver})`, () => {
  it("the real owner registers second and is verified; the verifier saw both and who came first; the squatter is rejected and cannot be approved", async () => {
    const code = uniqueCreditCode();
    const squatter = await signUpSme(harness, { unverified: true, organisation: { credit_code: code, name: "抢注公司 Squatter" } });
    harness.clock.now += 1000;
    const owner = await signUpSme(harness, { unverified: true, organisation: { credit_code: code, name: "真实企业 Real Owner" } });
    harness.clock.now += 1000;
    const squatterApplication = await apply(squatter);
    const ownerApplication = await apply(owner);
    await uploadAndSubmit(squatter);
    await uploadAndSubmit(owner);

    const seen = await agency.reviewer.client.get(`/api/organisations/${owner.org.id}/verification`);
    expect(seen.status).toBe(200);
    expect(seen.body.registrants).toEqual([
      expect.objectContaining({ id: squatter.org.id, name: "抢注公司 Squatter", registered_first: true, verification_state: "submitted" }),
      expect.objectContaining({ id: owner.org.id, name: "真实企业 Real Owner", registered_first: false, verification_state: "submitted" }),
    ]);
    expect(Date.parse(seen.body.registrants[0].created_at)).toBeLessThan(Date.parse(seen.body.registrants[1].created_at));
    expect(seen.body.licences).toHaveLength(1);
    expect((await owner.client.get(`/api/organisations/${owner.org.id}/verification`)).body.registrants, "an SME is not shown who else registered its code").toBeNull();

    const verified = await agency.reviewer.client.post(`/api/organisations/${owner.org.id}/verification/verify`, factsOf({ credit_code: code, name: "真实企业 Real Owner" }));
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const rows = await harness.store.db.select().from(organisations).where(eq(organisations.credit_code, code));
    const stateOf = (id: string) => rows.find((r) => r.id === id);
    expect(stateOf(owner.org.id)?.verification_state).toBe("verified");
    expect(stateOf(squatter.org.id)).toMatchObject({ verification_state: "rejected", verified_by: agency.reviewer.user.id });
    expect(stateOf(squatter.org.id)?.verification_reason).toContain("Another organisation was verified");

    expect((await approve(squatterApplication)).body.error.code).toBe("organisation_not_verified");
    expect((await approve(ownerApplication)).status).toBe(200);

    // The squatter submits again; verifying it now is refused by the one-verified-per-code index.
    expect((await squatter.client.post(`/api/organisations/${squatter.org.id}/verification/submit`, {})).status).toBe(200);
    const second = await agency.reviewer.client.post(`/api/organisations/${squatter.org.id}/verification/verify`, factsOf({ credit_code: code }));
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: "credit_code_verified_elsewhere", details: { verified_organisation_id: owner.org.id } });
    const after = await harness.store.db.select().from(organisations).where(eq(organisations.credit_code, code));
    expect(after.filter((r) => r.verification_state === "verified").map((r) => r.id)).toEqual([owner.org.id]);
  });

  it("a squatter verified by mistake is demoted when the real owner is verified with supersede", async () => {
    const code = uniqueCreditCode();
    const squatter = await signUpSme(harness, { unverified: true, organisation: { credit_code: code } });
    const owner = await signUpSme(harness, { unverified: true, organisation: { credit_code: code } });
    await apply(squatter);
    await apply(owner);
    await uploadAndSubmit(squatter);
    expect((await agency.reviewer.client.post(`/api/organisations/${squatter.org.id}/verification/verify`, factsOf({ credit_code: code }))).status).toBe(200);
    await uploadAndSubmit(owner);
    const superseding = await agency.reviewer.client.post(`/api/organisations/${owner.org.id}/verification/verify`, { ...factsOf({ credit_code: code }), supersede: true });
    expect(superseding.status, JSON.stringify(superseding.body)).toBe(200);
    const rows = await harness.store.db.select().from(organisations).where(eq(organisations.credit_code, code));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.verification_state]))).toEqual({ [squatter.org.id]: "rejected", [owner.org.id]: "verified" });
  });
});

describe(`the blob store (${harness.blobs.driver})`, () => {
  it("puts, heads, gets and deletes by SHA-256, and refuses a key that is not the bytes' hash", async () => {
    const bytes = crypto.getRandomValues(new Uint8Array(1000));
    const key = await sha256Hex(bytes);
    expect(await harness.blobs.head(key)).toBeNull();
    expect(await harness.blobs.get(key)).toBeNull();
    await harness.blobs.put(key, bytes, "application/pdf");
    await harness.blobs.put(key, bytes, "application/pdf");
    expect(await harness.blobs.head(key)).toEqual({ size_bytes: 1000, content_type: "application/pdf" });
    const blob = await harness.blobs.get(key);
    expect([...(blob?.bytes ?? [])]).toEqual([...bytes]);
    await harness.blobs.delete(key);
    expect(await harness.blobs.head(key)).toBeNull();
    await expect(harness.blobs.put(key.replace(/^./, key[0] === "0" ? "1" : "0"), bytes, "image/png")).rejects.toThrow(/not the SHA-256/);
    await expect(harness.blobs.get("../../etc/passwd")).rejects.toThrow(/blob key/);
  });
});
