import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { constraintViolation } from "../../src/db/constraints";
import { DAY_MS, shanghaiDate } from "../../src/lib/time";
import { createAgency, organisationName, signUpSme } from "../support/fixtures";
import { createProgramme, expectLedgerConsistent, idempotencyKey, issueVoucher, moneyPost, testRules } from "../support/programmes";

const harness = await createHarness();
const agency = await createAgency(harness);
const otherAgency = await createAgency(harness);
const sme = await signUpSme(harness);

afterEach(() => expectLedgerConsistent(harness));

const apply = (client: typeof sme.client, programme_id: string, requested_fen: number) =>
  client.post("/api/voucher-applications", { programme_id, requested_fen, purpose: "大模型训练 LLM training" });

const criterion = (body: any, name: string) => body.error?.details?.eligibility.criteria.find((c: { name: string }) => c.name === name) ?? body.eligibility.criteria.find((c: { name: string }) => c.name === name);

describe("applying: eligibility checked and explained", () => {
  it("stores an eligible application as pending, with every criterion passed and explained in both languages", async () => {
    const programme = await createProgramme(harness, agency);
    const res = await apply(sme.client, programme.id, 1_000_000);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "pending", requested_fen: 1_000_000, programme_version: 1, sme_org_id: sme.org.id });
    expect(res.body.eligibility.eligible).toBe(true);
    expect(res.body.eligibility.criteria.map((c: { name: string }) => c.name)).toEqual(["programme_open", "application_window", "region", "size_class", "credit_status", "per_draw_limit", "annual_issuance_quota", "budget"]);
    for (const c of res.body.eligibility.criteria) {
      expect(c.ok).toBe(true);
      expect(c.reason).toMatch(/[\u4e00-\u9fff].* \/ .*[A-Za-z]{3}/);
    }
    expect(criterion(res.body, "region").reason).toContain("110108");
    expect((await sme.client.get(`/api/voucher-applications/${res.body.id}`)).body.eligibility).toEqual(res.body.eligibility);
  });

  it("refuses an enterprise outside the programme's regions, naming its region and the eligible ones, and stores nothing", async () => {
    const programme = await createProgramme(harness, agency);
    const shanghai = await signUpSme(harness, { organisation: { region_code: "310104" } });
    const res = await apply(shanghai.client, programme.id, 1_000);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("not_eligible");
    expect(criterion(res.body, "region")).toMatchObject({ ok: false, reason: expect.stringContaining("310104") });
    expect(criterion(res.body, "region").reason).toContain("11");
    // The places by name in the Chinese half, and the codes as facts a reader names in its own language.
    expect(criterion(res.body, "region")).toMatchObject({ region_code: "310104", eligible_region_prefixes: ["11"], reason: expect.stringContaining("注册地上海市 徐汇区（310104）不在适用地区内，适用地区为北京市（11）") });
    // The message keeps the languages apart: every failed reason's Chinese half, then its English half.
    const [chinese, english] = (criterion(res.body, "region").reason as string).split(" / ");
    expect(res.body.error.message).toBe(`不符合申领条件：${chinese} / Not eligible: ${english}`);
    expect((await shanghai.client.get("/api/voucher-applications")).body.items).toEqual([]);
  });

  it("accepts any region when the programme is cross-region", async () => {
    const programme = await createProgramme(harness, agency, { rules: { cross_region: true, eligible_region_prefixes: [] } });
    const shanghai = await signUpSme(harness, { organisation: { region_code: "310104" } });
    expect((await apply(shanghai.client, programme.id, 1_000)).status).toBe(201);
  });

  it("refuses a large enterprise and a blacklisted one, each with its reason", async () => {
    const programme = await createProgramme(harness, agency);
    const large = await signUpSme(harness, { organisation: { size_class: "large" } });
    // The size classes by name in both halves, and as facts.
    expect(criterion((await apply(large.client, programme.id, 1_000)).body, "size_class")).toMatchObject({
      ok: false,
      size_class: "large",
      eligible_size_classes: ["micro", "small", "medium"],
      reason: "企业规模为大型企业，不在适用范围（微型企业、小型企业、中型企业）内 / Enterprise size large is not among those eligible (micro, small, medium)",
    });
    const listed = await signUpSme(harness);
    await harness.store.batch([sql`UPDATE organisations SET credit_status = 'blacklisted' WHERE id = ${listed.org.id}`]);
    const res = await apply(listed.client, programme.id, 1_000);
    expect(res.status).toBe(422);
    expect(criterion(res.body, "credit_status")).toMatchObject({ ok: false, reason: expect.stringContaining("blacklist") });
  });

  it("accepts applications on the window's first and last days, not the day before or after", async () => {
    const today = shanghaiDate(harness.clock.now);
    const tomorrow = shanghaiDate(harness.clock.now + DAY_MS);
    const yesterday = shanghaiDate(harness.clock.now - DAY_MS);
    const opensToday = await createProgramme(harness, agency, { rules: { application_opens_on: today, application_closes_on: tomorrow } });
    const closesToday = await createProgramme(harness, agency, { rules: { application_opens_on: yesterday, application_closes_on: today } });
    const opensTomorrow = await createProgramme(harness, agency, { rules: { application_opens_on: tomorrow, application_closes_on: tomorrow } });
    const closedYesterday = await createProgramme(harness, agency, { rules: { application_opens_on: yesterday, application_closes_on: yesterday } });
    expect((await apply(sme.client, opensToday.id, 1_000)).status).toBe(201);
    expect((await apply(sme.client, closesToday.id, 1_000)).status).toBe(201);
    const early = await apply(sme.client, opensTomorrow.id, 1_000);
    expect(criterion(early.body, "application_window")).toMatchObject({ ok: false, reason: expect.stringContaining(`open on ${tomorrow}`) });
    const late = await apply(sme.client, closedYesterday.id, 1_000);
    expect(criterion(late.body, "application_window")).toMatchObject({ ok: false, reason: expect.stringContaining(`closed on ${yesterday}`) });
  });

  it("holds each draw to the per-draw limit: at it is accepted, one fen above is refused", async () => {
    const programme = await createProgramme(harness, agency, { rules: { max_voucher_fen: 2_000_000 } });
    const above = await apply(sme.client, programme.id, 2_000_001);
    expect(criterion(above.body, "per_draw_limit")).toMatchObject({ ok: false, reason: expect.stringContaining("¥20,000.00") });
    expect((await apply(sme.client, programme.id, 2_000_000)).status).toBe(201);
  });

  it("counts vouchers already issued this year against the annual cap, and says how much is left", async () => {
    const programme = await createProgramme(harness, agency, { rules: { max_voucher_fen: 2_000_000, annual_issuance_quota_fen: 3_000_000 } });
    const enterprise = await signUpSme(harness);
    await issueVoucher(agency, enterprise, programme.id, 2_000_000);
    const over = await apply(enterprise.client, programme.id, 1_000_001);
    expect(over.status).toBe(422);
    expect(criterion(over.body, "annual_issuance_quota")).toMatchObject({ ok: false, reason: expect.stringContaining("¥10,000.00 left") });
    expect(over.body.error.details.eligibility.max_grantable_fen).toBe(1_000_000);
    expect((await apply(enterprise.client, programme.id, 1_000_000)).status).toBe(201);
  });

  it("refuses more than the budget left, and one open application per programme at a time", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 1_500_000 });
    const over = await apply(sme.client, programme.id, 1_500_001);
    expect(criterion(over.body, "budget")).toMatchObject({ ok: false, reason: expect.stringContaining("¥15,000.00") });
    expect((await apply(sme.client, programme.id, 1_500_000)).status).toBe(201);
    const second = await apply(sme.client, programme.id, 1_000);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("application_pending");
  });

  it("does not reveal a draft programme to enterprises", async () => {
    const draft = await createProgramme(harness, agency, { open: false });
    expect((await apply(sme.client, draft.id, 1_000)).status).toBe(404);
  });
});

describe("reading applications", () => {
  it("shows the reviewer which enterprise applied and the enterprise which programme, in lists and details", async () => {
    const applicant = await signUpSme(harness);
    const programme = await createProgramme(harness, agency);
    const applied = await apply(applicant.client, programme.id, 1_000_000);
    expect(applied.status).toBe(201);
    const names = { sme_name: await organisationName(harness, applicant.org.id), programme_name: programme.name };

    const queue = (await agency.reviewer.client.get(`/api/voucher-applications?programme_id=${programme.id}`)).body.items;
    expect(queue).toEqual([expect.objectContaining({ id: applied.body.id, ...names })]);
    expect((await agency.reviewer.client.get(`/api/voucher-applications/${applied.body.id}`)).body).toMatchObject(names);
    expect((await applicant.client.get("/api/voucher-applications")).body.items).toEqual([expect.objectContaining({ id: applied.body.id, ...names })]);
    expect((await applicant.client.get(`/api/voucher-applications/${applied.body.id}`)).body).toMatchObject(names);
  });
});

describe("deciding an application", () => {
  it("approves a smaller amount: the voucher's face value is what was approved, paid from the pool in one transfer", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 10_000_000, rules: { validity: { kind: "end_of_issue_year" } } });
    const applied = await apply(sme.client, programme.id, 3_000_000);
    const res = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, { approved_fen: 2_500_000, note: "按预算核减 Reduced to budget" });
    expect(res.status).toBe(200);
    expect(res.body.application).toMatchObject({ status: "approved", approved_fen: 2_500_000, decision_reason: "按预算核减 Reduced to budget", voucher_id: res.body.voucher.id });
    expect(res.body.voucher).toMatchObject({ face_value_fen: 2_500_000, available_fen: 2_500_000, held_fen: 0, spent_fen: 0, status: "active", programme_version: 1 });
    expect(res.body.voucher.valid_through_on).toBe(`${shanghaiDate(harness.clock.now).slice(0, 4)}-12-31`);
    expect((await agency.admin.client.get(`/api/programmes/${programme.id}`)).body.pool).toMatchObject({ issued_fen: 2_500_000, available_fen: 7_500_000 });
    const events = await harness.store.all<{ action: string }>(sql`SELECT action FROM audit_events WHERE subject_id IN (${applied.body.id}, ${res.body.voucher.id}) ORDER BY seq`);
    expect(events.map((e) => e.action)).toEqual(["voucher_application.submitted", "voucher_application.approved", "voucher.issued"]);
  });

  it("never approves more than was asked", async () => {
    const programme = await createProgramme(harness, agency);
    const applied = await apply(sme.client, programme.id, 1_000);
    const res = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, { approved_fen: 1_001 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("approved_exceeds_request");
  });

  it("replays an approval under the same key, refuses the key with another body, and issues one voucher", async () => {
    const programme = await createProgramme(harness, agency);
    const applied = await apply(sme.client, programme.id, 50_000);
    const key = idempotencyKey("approve");
    const first = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {}, key);
    const again = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {}, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const reused = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, { approved_fen: 1 }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
    const secondApproval = await moneyPost(agency.admin.client, `/api/voucher-applications/${applied.body.id}/approve`, {});
    expect(secondApproval.status).toBe(409);
    expect(secondApproval.body.error.code).toBe("application_decided");
    const [issued] = await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM vouchers WHERE application_id = ${applied.body.id}`);
    expect(issued?.n).toBe(1);
  });

  it("rejects with the reason the enterprise then reads; a rejected application cannot be approved", async () => {
    const programme = await createProgramme(harness, agency);
    const applied = await apply(sme.client, programme.id, 1_000);
    expect((await agency.reviewer.client.post(`/api/voucher-applications/${applied.body.id}/reject`, {})).status).toBe(400);
    const res = await agency.reviewer.client.post(`/api/voucher-applications/${applied.body.id}/reject`, { reason: "用途与算力无关 Purpose is not compute" });
    expect(res.body).toMatchObject({ status: "rejected", decision_reason: "用途与算力无关 Purpose is not compute" });
    expect((await sme.client.get(`/api/voucher-applications/${applied.body.id}`)).body.decision_reason).toBe("用途与算力无关 Purpose is not compute");
    expect((await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {})).status).toBe(409);
    expect((await apply(sme.client, programme.id, 1_000)).status).toBe(201);
  });

  it("refuses approval when the budget was spent after the application, saying so", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 100_000 });
    const first = await signUpSme(harness);
    const applied = await apply(sme.client, programme.id, 80_000);
    await issueVoucher(agency, first, programme.id, 50_000);
    const res = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("not_approvable");
    expect(res.body.error.message).toContain("¥500.00");
    expect((await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, { approved_fen: 50_000 })).status).toBe(200);
  });

  it("refuses approval once the programme is closed", async () => {
    const programme = await createProgramme(harness, agency);
    const applied = await apply(sme.client, programme.id, 1_000);
    await agency.admin.client.post(`/api/programmes/${programme.id}/close`, {});
    const res = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("programme_not_open");
  });

  it("issues under the programme's current rules; the application keeps the version it was checked under", async () => {
    const programme = await createProgramme(harness, agency);
    const applied = await apply(sme.client, programme.id, 1_000);
    await agency.admin.client.patch(`/api/programmes/${programme.id}`, { rules: testRules(harness, { validity: { kind: "days_from_issue", days: 10 } }) });
    const res = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {});
    expect(res.body.application.programme_version).toBe(1);
    expect(res.body.voucher.programme_version).toBe(2);
    expect(res.body.voucher.valid_through_on).toBe(shanghaiDate(harness.clock.now + 9 * DAY_MS));
  });
});

describe("who sees and decides which applications", () => {
  it("an enterprise sees only its own; another agency sees and decides none; an auditor reads but cannot decide", async () => {
    const programme = await createProgramme(harness, agency);
    const applied = await apply(sme.client, programme.id, 1_000);
    const stranger = await signUpSme(harness);
    expect((await stranger.client.get(`/api/voucher-applications/${applied.body.id}`)).status).toBe(404);
    expect((await stranger.client.get("/api/voucher-applications")).body.items).toEqual([]);
    expect((await otherAgency.reviewer.client.get(`/api/voucher-applications/${applied.body.id}`)).status).toBe(404);
    expect((await otherAgency.reviewer.client.get(`/api/voucher-applications?programme_id=${programme.id}`)).body.items).toEqual([]);
    expect((await moneyPost(otherAgency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {})).status).toBe(404);
    expect((await otherAgency.reviewer.client.post(`/api/voucher-applications/${applied.body.id}/reject`, { reason: "x" })).status).toBe(404);
    const listed = await agency.auditor.client.get(`/api/voucher-applications?programme_id=${programme.id}&status=pending`);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([applied.body.id]);
    expect((await moneyPost(agency.auditor.client, `/api/voucher-applications/${applied.body.id}/approve`, {})).status).toBe(403);
  });
});

describe("withdrawing an application", () => {
  it("the enterprise withdraws a pending application: it lists under 'withdrawn', cannot then be decided, and the enterprise may apply again", async () => {
    const applicant = await signUpSme(harness);
    const programme = await createProgramme(harness, agency);
    const applied = await apply(applicant.client, programme.id, 5_000);
    const res = await applicant.client.post(`/api/voucher-applications/${applied.body.id}/withdraw`, { reason: "改用其他项目 Using another programme" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: applied.body.id, status: "withdrawn", decision_reason: "改用其他项目 Using another programme", decided_by: applicant.user.id, voucher_id: null });
    // Who withdrew it, by name: the enterprise's own person, read by the enterprise and the agency.
    expect((await applicant.client.get(`/api/voucher-applications/${applied.body.id}`)).body.decided_by_name).toBe("测试用户 Test User");
    expect((await agency.reviewer.client.get(`/api/voucher-applications/${applied.body.id}`)).body.decided_by_name).toBe("测试用户 Test User");
    const withdrawn = await applicant.client.get("/api/voucher-applications?status=withdrawn");
    expect(withdrawn.body.items.map((a: { id: string }) => a.id)).toEqual([applied.body.id]);
    expect((await applicant.client.get("/api/voucher-applications?status=pending")).body.items).toEqual([]);
    expect((await agency.reviewer.client.get(`/api/voucher-applications/${applied.body.id}`)).body.status).toBe("withdrawn");
    expect((await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {})).body.error.code).toBe("application_decided");
    expect((await agency.reviewer.client.post(`/api/voucher-applications/${applied.body.id}/reject`, { reason: "x" })).body.error.code).toBe("application_decided");
    const again = await applicant.client.post(`/api/voucher-applications/${applied.body.id}/withdraw`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("application_decided");
    expect((await apply(applicant.client, programme.id, 5_000)).status).toBe(201);
    const [event] = await harness.store.all<{ actor_user_id: string }>(sql`SELECT actor_user_id FROM audit_events WHERE action = 'voucher_application.withdrawn' AND subject_id = ${applied.body.id}`);
    expect(event?.actor_user_id).toBe(applicant.user.id);
  });

  it("cannot withdraw an approved application; nobody but the applying enterprise may withdraw", async () => {
    const applicant = await signUpSme(harness);
    const programme = await createProgramme(harness, agency);
    const decided = await apply(applicant.client, programme.id, 5_000);
    expect((await moneyPost(agency.reviewer.client, `/api/voucher-applications/${decided.body.id}/approve`, {})).status).toBe(200);
    // The reviewer's name is for the agency's staff; the enterprise reads the decision, not who made it.
    const reviewerName = (await agency.reviewer.client.get("/api/me")).body.user.display_name;
    expect((await agency.auditor.client.get(`/api/voucher-applications/${decided.body.id}`)).body.decided_by_name).toBe(reviewerName);
    expect((await agency.reviewer.client.get(`/api/voucher-applications?programme_id=${programme.id}`)).body.items[0].decided_by_name).toBe(reviewerName);
    expect((await applicant.client.get(`/api/voucher-applications/${decided.body.id}`)).body).toMatchObject({ decided_by: expect.stringMatching(/^usr_/), decided_by_name: null });
    expect((await applicant.client.get("/api/voucher-applications")).body.items[0].decided_by_name).toBeNull();
    const late = await applicant.client.post(`/api/voucher-applications/${decided.body.id}/withdraw`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("application_decided");

    const pending = await apply(applicant.client, (await createProgramme(harness, agency)).id, 5_000);
    const stranger = await signUpSme(harness);
    expect((await stranger.client.post(`/api/voucher-applications/${pending.body.id}/withdraw`, {})).status).toBe(404);
    expect((await agency.reviewer.client.post(`/api/voucher-applications/${pending.body.id}/withdraw`, {})).status).toBe(403);
    expect((await applicant.client.get(`/api/voucher-applications/${pending.body.id}`)).body.status).toBe("pending");
  });

  it("an approval that commits between the withdrawal's read and its write wins: the withdrawal's write is refused by its guard", async () => {
    const applicant = await signUpSme(harness);
    const programme = await createProgramme(harness, agency);
    const applied = await apply(applicant.client, programme.id, 5_000);
    // The withdrawal's write waits (having read the application as pending) until the approval committed.
    const batch = harness.store.batch.bind(harness.store);
    let holding = true;
    let guardRefusals = 0;
    let reachedWrite!: () => void;
    const atWrite = new Promise<void>((resolve) => (reachedWrite = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    (harness.store as { batch: typeof batch }).batch = async (statements) => {
      if (holding) {
        holding = false;
        reachedWrite();
        await released;
      }
      try {
        return await batch(statements);
      } catch (error) {
        if (constraintViolation(error)) guardRefusals += 1;
        throw error;
      }
    };
    try {
      const withdrawal = applicant.client.post(`/api/voucher-applications/${applied.body.id}/withdraw`, {});
      await atWrite;
      const approved = await moneyPost(agency.reviewer.client, `/api/voucher-applications/${applied.body.id}/approve`, {});
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      release();
      const refused = await withdrawal;
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.error.code).toBe("application_decided");
    } finally {
      (harness.store as { batch: typeof batch }).batch = batch;
    }
    expect(guardRefusals).toBe(1);
    const final = await applicant.client.get(`/api/voucher-applications/${applied.body.id}`);
    expect(final.body).toMatchObject({ status: "approved", voucher_id: expect.stringMatching(/^vch_/) });
  });
});
