// Who reads the audit log: checkpoints, proofs and the key are public; events and the export are
// for agency staff (their programmes' events and their own organisation's) and the platform
// admin (all). Secrets never appear in either.
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { parseVerifierKey } from "../../src/domain/checkpoint";
import { sealAndCheckpoint } from "../../src/services/audit-log";
import { verifyExport } from "../../src/services/audit-export-verify";
import { createAgency, createOrganisation, newClient, signUpProvider, signUpSme, TEST_PASSWORD } from "../support/fixtures";
import { createProgramme } from "../support/programmes";

const harness = await createHarness();
const agencyA = await createAgency(harness);
const agencyB = await createAgency(harness);
const platform = await createOrganisation(harness, "platform", ["admin"]);
const programmeA = await createProgramme(harness, agencyA);
const programmeB = await createProgramme(harness, agencyB);
const sme = await signUpSme(harness);

type EventItem = { seq: number; programme_id: string | null; actor_org_id: string | null; subject_type: string; subject_id: string; action: string };

async function allEvents(client: ReturnType<typeof newClient>, query: string): Promise<EventItem[]> {
  const items: EventItem[] = [];
  let after = 0;
  for (let page = 0; page < 50; page++) {
    const res = await client.get(`/api/audit/events?${query}&limit=200&after_seq=${after}`);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    if (res.body.next_after_seq === null) return items;
    after = res.body.next_after_seq;
  }
  throw new Error("too many pages");
}

function visibleToAgencyA(e: EventItem, programmeIds: string[]) {
  return (
    (e.programme_id !== null && programmeIds.includes(e.programme_id)) ||
    e.actor_org_id === agencyA.admin.org.id ||
    (e.subject_type === "organisation" && e.subject_id === agencyA.admin.org.id)
  );
}

describe("audit events", () => {
  it("agency staff see their own programmes' events and their organisation's, never another agency's", async () => {
    const own = await allEvents(agencyA.auditor.client, `programme_id=${programmeA.id}`);
    expect(own.map((e) => e.action)).toEqual(expect.arrayContaining(["programme.created", "programme.budget_funded"]));
    expect(await allEvents(agencyA.auditor.client, `programme_id=${programmeB.id}`)).toEqual([]);
    expect(await allEvents(agencyB.reviewer.client, `programme_id=${programmeA.id}`)).toEqual([]);

    const aboutA = await allEvents(agencyA.finance.client, `subject_type=organisation&subject_id=${agencyA.admin.org.id}`);
    expect(aboutA.map((e) => e.action)).toContain("organisation.registered");
    expect(await allEvents(agencyA.auditor.client, `subject_type=organisation&subject_id=${sme.org.id}`)).toEqual([]);

    // Unfiltered: every event agency A sees is in its scope.
    const everything = await allEvents(agencyA.auditor.client, "");
    expect(everything.length).toBeGreaterThan(0);
    expect(everything.every((e) => visibleToAgencyA(e, [programmeA.id]))).toBe(true);
  });

  it("the platform admin sees every event; enterprises, providers and strangers see none", async () => {
    const smeEvents = await allEvents(platform.admin.client, `subject_type=organisation&subject_id=${sme.org.id}`);
    expect(smeEvents.map((e) => e.action)).toContain("organisation.registered");
    expect((await allEvents(platform.admin.client, `programme_id=${programmeB.id}`)).length).toBeGreaterThan(0);
    const provider = await signUpProvider(harness);
    expect((await sme.client.get("/api/audit/events")).status).toBe(403);
    expect((await provider.client.get("/api/audit/events")).status).toBe(403);
    expect((await sme.client.get("/api/exports/audit-events.ndjson")).status).toBe(403);
    expect((await newClient(harness).get("/api/audit/events")).status).toBe(401);
  });

  it("pages by sequence number with a bounded page size, and filters by actor, action and time", async () => {
    const pages: EventItem[][] = [];
    let after = 0;
    for (let i = 0; i < 3; i++) {
      const res = await agencyA.admin.client.get(`/api/audit/events?limit=2&after_seq=${after}`);
      pages.push(res.body.items);
      if (res.body.next_after_seq === null) break;
      after = res.body.next_after_seq;
    }
    const seqs = pages.flat().map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(pages[0]!.length).toBe(2);
    expect((await agencyA.admin.client.get("/api/audit/events?limit=201")).status).toBe(400);

    const byActor = await allEvents(agencyA.auditor.client, `actor_user_id=${agencyA.admin.user.id}&action=programme.created`);
    expect(byActor.map((e) => e.action)).toEqual(["programme.created"]);
    const future = new Date(harness.clock.now + 86_400_000).toISOString();
    expect(await allEvents(agencyA.auditor.client, `programme_id=${programmeA.id}&from=${encodeURIComponent(future)}`)).toEqual([]);
    expect((await allEvents(agencyA.auditor.client, `programme_id=${programmeA.id}&to=${encodeURIComponent(future)}`)).length).toBeGreaterThan(0);
  });

  it("no password, password hash or session token appears in events or the export", async () => {
    const forms = [TEST_PASSWORD, "scrypt$", "password", sme.client.sessionToken!];
    const res = await platform.admin.client.get(`/api/audit/events?subject_id=${sme.user.id}`);
    expect(res.body.items.length).toBeGreaterThan(0);
    const exported = await platform.admin.client.get(`/api/exports/audit-events.ndjson?subject_id=${sme.user.id}`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    const exportText = typeof exported.body === "string" ? exported.body : JSON.stringify(exported.body);
    expect(exportText).toContain(sme.user.id);
    for (const form of forms) {
      expect(JSON.stringify(res.body)).not.toContain(form);
      expect(exportText).not.toContain(form);
    }
  });

  it("an agency's export holds only its scope, and verifies offline: each event proven against the signed checkpoint", async () => {
    await sealAndCheckpoint(harness.store, harness.audit, harness.clock.now);
    const checkpoint = (await newClient(harness).get("/api/audit/checkpoints")).body;
    const exported = await agencyA.auditor.client.get("/api/exports/audit-events.ndjson");
    expect(exported.status).toBe(200);
    const text = typeof exported.body === "string" ? exported.body : `${JSON.stringify(exported.body)}\n`;
    const [header, ...rest] = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(header).toMatchObject({ audit_export: "v1", tree_size: checkpoint.tree_size, checkpoint: checkpoint.checkpoint });
    expect(typeof rest.pop()!.audit_export_manifest).toBe("string");
    const lines = rest as unknown as (EventItem & { before_json: string | null; hash: string | null; at: number; inclusion: string[] })[];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((e) => visibleToAgencyA(e, [programmeA.id]))).toBe(true);
    expect(lines.some((e) => e.programme_id === programmeA.id && /^[0-9a-f]{64}$/.test(e.hash ?? ""))).toBe(true);

    const key = await parseVerifierKey((await newClient(harness).get("/api/audit/public-key")).body.verifier_key);
    const verdict = await verifyExport(text, [{ label: "checkpoint", note: checkpoint.checkpoint }], key);
    expect(verdict).toMatchObject({ ok: true, first_break: null, sealed: lines.length, proven: true });
    const altered = text.replace(`"seq":${lines[0]!.seq},"at":${lines[0]!.at}`, `"seq":${lines[0]!.seq},"at":${lines[0]!.at + 1}`);
    expect(altered).not.toBe(text);
    const refused = await verifyExport(altered, [{ label: "checkpoint", note: checkpoint.checkpoint }], key);
    expect(refused.ok).toBe(false);
    expect(refused.first_break?.seq).toBe(lines[0]!.seq);
  });
});

describe("public verification endpoints", () => {
  it("anyone reads the latest checkpoint and the public key; verification is for auditors and admins", async () => {
    const stranger = newClient(harness);
    const key = await stranger.get("/api/audit/public-key");
    expect(key.status).toBe(200);
    expect(key.body).toMatchObject({ origin: harness.audit.origin, algorithm: "Ed25519" });
    expect(key.body.verifier_key).toMatch(new RegExp(`^${harness.audit.origin}\\+[0-9a-f]{8}\\+`));
    expect((await stranger.get("/api/audit/checkpoints")).status).toBe(200);
    expect((await stranger.get("/api/audit/verify")).status).toBe(401);
    expect((await agencyA.reviewer.client.get("/api/audit/verify")).status).toBe(403);
    const report = await agencyA.auditor.client.get("/api/audit/verify");
    expect(report.status).toBe(200);
    expect(report.body.audit.sealed).toBeGreaterThan(0);
    expect(report.body.ledger.checks.length).toBeGreaterThan(0);
  });
});
