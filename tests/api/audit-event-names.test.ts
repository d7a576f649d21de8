// Audit events for people: the list names the acting person, organisation and programme beside
// their ids, and the CSV export (UTF-8 with BOM, streamed, capped) carries the same events in the
// same scope as the list.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import { createAgency, signUpSme } from "../support/fixtures";
import { createProgramme } from "../support/programmes";

const harness = await createHarness();
const agencyA = await createAgency(harness);
const agencyB = await createAgency(harness);
const programmeA = await createProgramme(harness, agencyA, { name: "=杭州算力券 Formula-like" });
await createProgramme(harness, agencyB);

const csv = async (client: unknown, query: string) => {
  const res = await (client as { get: (path: string, headers: Record<string, string>) => Promise<{ status: number; body: Uint8Array; headers: Headers }> }).get(`/api/exports/audit-events.csv?${query}`, { "X-Test-Raw-Response": "1" });
  const text = res.status === 200 ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(res.body) : "";
  return { status: res.status, bytes: res.body, text, lines: text.trim().split("\r\n"), type: res.headers.get("content-type") };
};

describe("audit events with names", () => {
  it("lists the acting person, organisation and programme by name", async () => {
    const res = await agencyA.auditor.client.get(`/api/audit/events?programme_id=${programmeA.id}&action=programme.created`);
    expect(res.status).toBe(200);
    const [names] = await harness.store.all<{ user_name: string; org_name: string }>(sql`
      SELECT u.display_name AS user_name, o.name AS org_name FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = ${agencyA.admin.user.id}`);
    expect(res.body.items).toEqual([
      expect.objectContaining({ actor_user_id: agencyA.admin.user.id, actor_user_name: names!.user_name, actor_org_name: names!.org_name, programme_name: "=杭州算力券 Formula-like" }),
    ]);
  });

  it("exports the caller's events as CSV with a BOM, names, formula-safe text and a row cap", async () => {
    const res = await csv(agencyA.auditor.client, `programme_id=${programmeA.id}`);
    expect(res.status).toBe(200);
    expect(res.type).toBe("text/csv; charset=utf-8");
    expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.lines[0]).toBe("seq,at,actor_user_id,actor_user_name,actor_org_id,actor_org_name,action,subject_type,subject_id,programme_id,programme_name,request_id,before_json,after_json,prev_hash,hash");
    const listed = await agencyA.auditor.client.get(`/api/audit/events?programme_id=${programmeA.id}&limit=200`);
    expect(res.lines.slice(1).map((l) => Number(l.split(",")[0]))).toEqual(listed.body.items.map((e: { seq: number }) => e.seq));
    expect(res.text).toContain(",'=杭州算力券 Formula-like,");
    expect(res.lines[1]).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00,/);

    const capped = await csv(agencyA.auditor.client, `programme_id=${programmeA.id}&max_rows=1`);
    expect(capped.lines).toHaveLength(3);
    expect(capped.lines[2]).toContain("truncated at 1 rows");
  });

  it("keeps the list's scope: another agency's events never appear; enterprises are refused", async () => {
    expect((await csv(agencyB.auditor.client, `programme_id=${programmeA.id}`)).lines).toHaveLength(1);
    const all = await csv(agencyB.auditor.client, "");
    expect(all.text).not.toContain(programmeA.id);
    const sme = await signUpSme(harness);
    expect((await csv(sme.client, "")).status).toBe(403);
  });
});
