import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { constraintViolation } from "../../src/db/constraints";
import type { Programme } from "../../src/db/schema";
import { DAY_MS, shanghaiDate } from "../../src/lib/time";
import { readProgramme, topUpStatements } from "../../src/services/programmes";
import { createAgency, signUpProvider } from "../support/fixtures";
import { beijingSme, createProgramme, expectLedgerConsistent, idempotencyKey, issueVoucher, moneyPost, testRules } from "../support/programmes";

const harness = await createHarness();
const agency = await createAgency(harness);
const otherAgency = await createAgency(harness);
const sme = await beijingSme(harness);

afterEach(() => expectLedgerConsistent(harness));

const newProgrammeBody = (budget_fen = 5_000_000_00) => ({ name: "海淀算力券 Haidian compute vouchers", kind: "compute", budget_fen, rules: testRules(harness) });

async function transfersOf(subjectId: string) {
  return harness.store.all<{ id: string; code: string; amount_fen: number }>(
    sql`SELECT id, code, amount_fen FROM ledger_transfers WHERE subject_id = ${subjectId} ORDER BY created_at, id`,
  );
}

describe("creating a programme", () => {
  it("creates a draft whose pool holds the whole budget, funded by one transfer, with audit events", async () => {
    const res = await moneyPost(agency.admin.client, "/api/programmes", newProgrammeBody(300_000_000));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "draft", current_version: 1, budget_fen: 300_000_000, agency_org_id: agency.org.id });
    expect(res.body.pool).toMatchObject({ budget_fen: 300_000_000, issued_fen: 0, returned_fen: 0, available_fen: 300_000_000 });
    expect(res.body.versions).toEqual([
      { version: 1, rules: newProgrammeBody().rules, created_by: agency.admin.user.id, created_by_name: "agency admin", created_at: expect.any(String) },
    ]);
    expect(res.body.validity).toContain("365");
    expect(await transfersOf(res.body.id)).toEqual([{ id: `budget:${res.body.id}`, code: "budget", amount_fen: 300_000_000 }]);
    const events = await harness.store.all<{ action: string }>(sql`SELECT action FROM audit_events WHERE subject_id = ${res.body.id} ORDER BY seq`);
    expect(events.map((e) => e.action)).toEqual(["programme.created", "programme.budget_funded"]);
  });

  it("refuses rules whose application window closes before it opens, naming the field", async () => {
    const body = { ...newProgrammeBody(), rules: { ...testRules(harness), application_opens_on: "2026-06-01", application_closes_on: "2026-05-01" } };
    const res = await moneyPost(agency.admin.client, "/api/programmes", body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("rules.application_closes_on");
  });

  it("refuses a fixed validity end already past, on create and on edit, naming the field; today is still allowed", async () => {
    const day = (offsetDays: number) => shanghaiDate(harness.clock.now + offsetDays * DAY_MS);
    const pastBody = { ...newProgrammeBody(), name: `过期 Past ${idempotencyKey()}`, rules: { ...testRules(harness), validity: { kind: "fixed_end", end_on: day(-1) } } };
    const refused = await moneyPost(agency.admin.client, "/api/programmes", pastBody);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("rules.validity.end_on");
    const [{ n }] = (await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM programmes WHERE name = ${pastBody.name}`)) as [{ n: number }];
    expect(n, "nothing was created").toBe(0);

    const today = await moneyPost(agency.admin.client, "/api/programmes", { ...pastBody, rules: { ...pastBody.rules, validity: { kind: "fixed_end", end_on: day(0) } } });
    expect(today.status).toBe(201);

    const edit = await agency.admin.client.patch(`/api/programmes/${today.body.id}`, { rules: { ...pastBody.rules, validity: { kind: "fixed_end", end_on: day(-30) } } });
    expect(edit.status).toBe(400);
    expect(edit.body.error.details.issues).toContainEqual(expect.objectContaining({ field: "rules.validity.end_on" }));
    expect((await readProgramme(harness.store, today.body.id))?.current_version, "no new rule version").toBe(1);
  });

  it("refuses a tier name holding a right-to-left override, naming the field", async () => {
    const tiers = [{ kind: "domestic_compute", name: "国产\u202E算力", ratio_bp: 3000 }];
    const res = await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), rules: { ...testRules(harness), tiers } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("rules.tiers.0.name");
  });

  it("refuses a subsidy ratio above 100% and a fractional budget", async () => {
    expect((await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), rules: { ...testRules(harness), subsidy_ratio_bp: 10_001 } })).status).toBe(400);
    expect((await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), budget_fen: 100.5 })).status).toBe(400);
  });

  it("requires an Idempotency-Key, because it moves money", async () => {
    const res = await agency.admin.client.post("/api/programmes", newProgrammeBody());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("idempotency_key_required");
  });

  it("answers a retry with the same key and body with the first response, and funds the pool once", async () => {
    const key = idempotencyKey("create");
    const first = await moneyPost(agency.admin.client, "/api/programmes", newProgrammeBody(), key);
    const again = await moneyPost(agency.admin.client, "/api/programmes", newProgrammeBody(), key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await transfersOf(first.body.id)).toHaveLength(1);
    const [{ n }] = (await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM programmes WHERE name = ${newProgrammeBody().name} AND agency_org_id = ${agency.org.id}`)) as [{ n: number }];
    const different = await moneyPost(agency.admin.client, "/api/programmes", newProgrammeBody(1), key);
    expect(different.status).toBe(409);
    expect(different.body.error.code).toBe("idempotency_key_reused");
    const [{ n: after }] = (await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM programmes WHERE name = ${newProgrammeBody().name} AND agency_org_id = ${agency.org.id}`)) as [{ n: number }];
    expect(after).toBe(n);
  });

  it("is for the agency's admin only: a reviewer is refused", async () => {
    const res = await moneyPost(agency.reviewer.client, "/api/programmes", newProgrammeBody());
    expect(res.status).toBe(403);
  });
});

describe("who sees which programmes", () => {
  it("agency staff see their agency's drafts; enterprises and providers see only open programmes; other agencies see none", async () => {
    const draft = await createProgramme(harness, agency, { open: false });
    const open = await createProgramme(harness, agency);
    const provider = await signUpProvider(harness);

    const mine = (await agency.auditor.client.get("/api/programmes?limit=100")).body.items.map((p: { id: string }) => p.id);
    expect(mine).toEqual(expect.arrayContaining([draft.id, open.id]));

    for (const outsider of [sme.client, provider.client]) {
      const seen = (await outsider.get("/api/programmes?limit=100")).body.items.map((p: { id: string }) => p.id);
      expect(seen).toContain(open.id);
      expect(seen).not.toContain(draft.id);
      expect((await outsider.get(`/api/programmes/${draft.id}`)).status).toBe(404);
    }
    const theirs = (await otherAgency.admin.client.get("/api/programmes?limit=100")).body.items.map((p: { id: string }) => p.id);
    expect(theirs).not.toContain(open.id);
    expect((await otherAgency.admin.client.get(`/api/programmes/${open.id}`)).status).toBe(404);
  });

  it("shows a programme's current rules, its versions and what its pool has issued", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 100_000_000 });
    await issueVoucher(agency, sme, programme.id, 30_000_000, 25_000_000);
    const res = await sme.client.get(`/api/programmes/${programme.id}`);
    expect(res.status).toBe(200);
    expect(res.body.rules.subsidy_ratio_bp).toBe(2000);
    expect(res.body.pool).toMatchObject({ budget_fen: 100_000_000, issued_fen: 25_000_000, returned_fen: 0, available_fen: 75_000_000 });
  });
});

describe("editing, opening and closing", () => {
  it("publishes new rules as the next version; an application keeps the version it was checked under", async () => {
    const programme = await createProgramme(harness, agency);
    const applied = await sme.client.post("/api/voucher-applications", { programme_id: programme.id, requested_fen: 1_000_000, purpose: "训练 Training" });
    expect(applied.body.programme_version).toBe(1);

    const res = await agency.admin.client.patch(`/api/programmes/${programme.id}`, { rules: testRules(harness, { subsidy_ratio_bp: 3000 }) });
    expect(res.status).toBe(200);
    expect(res.body.current_version).toBe(2);
    expect(res.body.rules.subsidy_ratio_bp).toBe(3000);
    expect(res.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const shown = (await sme.client.get(`/api/programmes/${programme.id}`)).body.versions;
    expect(shown.map((v: { rules: { subsidy_ratio_bp: number } }) => v.rules.subsidy_ratio_bp)).toEqual([3000, 2000]);
    expect(shown[0]).toMatchObject({ created_by: agency.admin.user.id, created_by_name: "agency admin", rules: testRules(harness, { subsidy_ratio_bp: 3000 }) });
    expect((await sme.client.get(`/api/voucher-applications/${applied.body.id}`)).body.programme_version).toBe(1);

    const renamed = await agency.admin.client.patch(`/api/programmes/${programme.id}`, { name: "新名称 New name" });
    expect(renamed.body).toMatchObject({ name: "新名称 New name", current_version: 2 });
  });

  it("refuses an empty edit, and edits by another agency (404)", async () => {
    const programme = await createProgramme(harness, agency);
    expect((await agency.admin.client.patch(`/api/programmes/${programme.id}`, {})).status).toBe(400);
    expect((await otherAgency.admin.client.patch(`/api/programmes/${programme.id}`, { name: "劫持 Hijack" })).status).toBe(404);
  });

  it("opens a draft, closes it once, refuses to close it twice, and a closed programme takes no applications or edits", async () => {
    const programme = await createProgramme(harness, agency, { open: false });
    expect((await agency.admin.client.post(`/api/programmes/${programme.id}/open`, {})).body.status).toBe("open");
    const openTwice = await agency.admin.client.post(`/api/programmes/${programme.id}/open`, {});
    expect(openTwice.body.error).toMatchObject({ code: "programme_status", message: "项目当前已开放申请，不能开放 / The programme is open and cannot become open" });
    expect((await agency.admin.client.post(`/api/programmes/${programme.id}/close`, {})).body.status).toBe("closed");
    const twice = await agency.admin.client.post(`/api/programmes/${programme.id}/close`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("programme_status");
    expect(twice.body.error.message).toBe("项目当前已关闭，不能关闭 / The programme is closed and cannot become closed");
    const applied = await sme.client.post("/api/voucher-applications", { programme_id: programme.id, requested_fen: 1_000, purpose: "训练 Training" });
    expect(applied.status).toBe(422);
    expect(applied.body.error.details.eligibility.criteria.find((c: { name: string }) => c.name === "programme_open")).toMatchObject({ ok: false });
    expect((await agency.admin.client.patch(`/api/programmes/${programme.id}`, { name: "x" })).status).toBe(409);
  });
});

describe("topping up the budget", () => {
  it("grows the budget and the pool together, once per Idempotency-Key", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 1_000_000 });
    const key = idempotencyKey("topup");
    const first = await moneyPost(agency.finance.client, `/api/programmes/${programme.id}/budget`, { amount_fen: 250_000 }, key);
    expect(first.status).toBe(200);
    expect(first.body.budget_fen).toBe(1_250_000);
    expect(first.body.pool).toMatchObject({ budget_fen: 1_250_000, available_fen: 1_250_000 });
    const replay = await moneyPost(agency.finance.client, `/api/programmes/${programme.id}/budget`, { amount_fen: 250_000 }, key);
    expect(replay.body).toEqual(first.body);
    const reused = await moneyPost(agency.finance.client, `/api/programmes/${programme.id}/budget`, { amount_fen: 1 }, key);
    expect(reused.status).toBe(409);
    expect((await agency.admin.client.get(`/api/programmes/${programme.id}`)).body.pool.available_fen).toBe(1_250_000);
    expect((await transfersOf(programme.id)).filter((t) => t.code === "budget")).toHaveLength(2);
  });

  it("is taken by a draft, and refused once the programme is closed, leaving budget and pool as they were", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 1_000_000, open: false });
    expect((await moneyPost(agency.finance.client, `/api/programmes/${programme.id}/budget`, { amount_fen: 1_000 })).body.budget_fen).toBe(1_001_000);
    expect((await agency.admin.client.post(`/api/programmes/${programme.id}/close`, {})).status).toBe(200);
    const refused = await moneyPost(agency.finance.client, `/api/programmes/${programme.id}/budget`, { amount_fen: 1_000 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "programme_closed", message: "项目已关闭，不能追加预算 / The programme is closed; its budget can no longer grow" });
    const after = (await agency.admin.client.get(`/api/programmes/${programme.id}`)).body;
    expect(after).toMatchObject({ budget_fen: 1_001_000, pool: { budget_fen: 1_001_000, available_fen: 1_001_000 } });
    expect((await transfersOf(programme.id)).filter((t) => t.code === "budget")).toHaveLength(2);
  });

  it("is stopped by the write itself when the programme closes after the top-up read it", async () => {
    const programme = await createProgramme(harness, agency, { budget_fen: 1_000_000 });
    const readWhileOpen = await readProgramme(harness.store, programme.id);
    expect((await agency.admin.client.post(`/api/programmes/${programme.id}/close`, {})).status).toBe(200);
    const late = topUpStatements(harness.store, readWhileOpen as Programme, 5_000, harness.clock.now);
    const failure = await harness.store.batch(late.statements).then(() => null, (error: unknown) => error);
    expect(constraintViolation(failure)).toMatchObject({ name: "programmes.status" });
    expect(await readProgramme(harness.store, programme.id)).toMatchObject({ status: "closed", budget_fen: 1_000_000 });
    expect(await transfersOf(programme.id)).toHaveLength(1);
  });

  it("is refused for another agency's programme", async () => {
    const programme = await createProgramme(harness, agency);
    expect((await moneyPost(otherAgency.admin.client, `/api/programmes/${programme.id}/budget`, { amount_fen: 1 })).status).toBe(404);
  });
});

describe("a programme's description (申报指南)", () => {
  const guide = "  一、申报条件\n注册在北京的中小企业。\r\n二、所需材料\n营业执照。  ";
  const issuesOf = (res: { body: { error: { details: { issues: { field: string; message: string }[] } } } }) => res.body.error.details.issues;

  it("is stored trimmed with its line breaks, shown to an enterprise on the programme and in the list; none is null", async () => {
    const created = await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), description: guide });
    expect(created.status).toBe(201);
    expect(created.body.description).toBe(guide.trim());
    expect((await readProgramme(harness.store, created.body.id))?.description).toBe(guide.trim());
    expect((await agency.admin.client.post(`/api/programmes/${created.body.id}/open`, {})).status).toBe(200);

    const seen = await sme.client.get(`/api/programmes/${created.body.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.description).toBe("一、申报条件\n注册在北京的中小企业。\r\n二、所需材料\n营业执照。");
    const listed = (await sme.client.get("/api/programmes?limit=100")).body.items.find((p: { id: string }) => p.id === created.body.id);
    expect(listed.description).toBe(guide.trim());

    const without = await createProgramme(harness, agency);
    expect(without.description).toBeNull();
    const blank = await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), description: " \n " });
    expect(blank.status).toBe(201);
    expect(blank.body.description, "blank is no description").toBeNull();
  });

  it("takes 5,000 characters and refuses 5,001, on create and on edit, naming the field in both languages", async () => {
    const longest = "指".repeat(5000);
    const created = await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), description: longest });
    expect(created.status).toBe(201);
    expect(created.body.description).toHaveLength(5000);

    const name = `太长 Too long ${idempotencyKey()}`;
    const refused = await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), name, description: `${longest}南` });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("请求内容有误：description / Invalid request: check description");
    const [issue] = issuesOf(refused);
    expect(issue).toMatchObject({ field: "description", code: "too_big" });
    expect(issue?.message).toMatch(/5000.* \/ .*5000/);
    const [{ n }] = (await harness.store.all<{ n: number }>(sql`SELECT count(*) AS n FROM programmes WHERE name = ${name}`)) as [{ n: number }];
    expect(n, "nothing was created").toBe(0);

    const edit = await agency.admin.client.patch(`/api/programmes/${created.body.id}`, { description: `${longest}南` });
    expect(edit.status).toBe(400);
    expect(issuesOf(edit)).toContainEqual(expect.objectContaining({ field: "description", code: "too_big" }));
    expect((await readProgramme(harness.store, created.body.id))?.description).toBe(longest);
  });

  it("refuses control and bidirectional characters (a tab, U+0007, U+202E), on create and on edit", async () => {
    for (const bad of ["第一行\t缩进", "响铃\u0007", "申报\u202E指南"]) {
      const res = await moneyPost(agency.admin.client, "/api/programmes", { ...newProgrammeBody(), description: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(issuesOf(res)[0]).toMatchObject({ field: "description" });
      expect(issuesOf(res)[0]?.message).toContain("含有不允许的字符");
      expect(issuesOf(res)[0]?.message).toContain("are not allowed");
    }
    const programme = await createProgramme(harness, agency);
    const edit = await agency.admin.client.patch(`/api/programmes/${programme.id}`, { description: "申报\u2066指南" });
    expect(edit.status).toBe(400);
    expect(issuesOf(edit)[0]).toMatchObject({ field: "description", message: expect.stringContaining("U+2066") });
    expect((await readProgramme(harness.store, programme.id))?.description).toBeNull();
  });

  it("is edited by the agency like the name: no new rules version, audited, blank clears it; nobody else may edit it", async () => {
    const programme = await createProgramme(harness, agency);
    const res = await agency.admin.client.patch(`/api/programmes/${programme.id}`, { description: guide });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ description: guide.trim(), current_version: 1, name: programme.name });
    expect((await sme.client.get(`/api/programmes/${programme.id}`)).body.description).toBe(guide.trim());
    const events = await harness.store.all<{ action: string }>(sql`SELECT action FROM audit_events WHERE subject_id = ${programme.id} ORDER BY seq`);
    expect(events.map((e) => e.action)).toContain("programme.description_changed");

    const renamed = await agency.admin.client.patch(`/api/programmes/${programme.id}`, { name: "改名 Renamed" });
    expect(renamed.body.description, "a rename keeps the description").toBe(guide.trim());

    const cleared = await agency.admin.client.patch(`/api/programmes/${programme.id}`, { description: "   " });
    expect(cleared.status).toBe(200);
    expect(cleared.body.description).toBeNull();
    expect((await readProgramme(harness.store, programme.id))?.description).toBeNull();

    expect((await otherAgency.admin.client.patch(`/api/programmes/${programme.id}`, { description: "劫持 Hijack" })).status).toBe(404);
    expect((await sme.client.patch(`/api/programmes/${programme.id}`, { description: "劫持 Hijack" })).status).toBe(403);
    expect((await readProgramme(harness.store, programme.id))?.description).toBeNull();
  });
});
