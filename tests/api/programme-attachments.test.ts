// A programme's attachments (申报指南 files): its agency's admin adds and removes them (typed by
// their bytes, bounded in size and number, audited); whoever may read the programme lists and
// downloads them; nobody else learns they exist.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHarness } from "#harness";
import type { SignedIn } from "../support/fixtures";
import { createAgency, signUpProvider } from "../support/fixtures";
import { DOCM_FILE, DOCX_FILE, PLAIN_ZIP, XLSX_FILE } from "../support/office-files";
import { beijingSme, createProgramme } from "../support/programmes";

const harness = await createHarness();
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4]);
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const attach = (who: SignedIn, programmeId: string, bytes: Uint8Array, name: string, contentType = "application/octet-stream") =>
  who.client.call("POST", `/api/programmes/${programmeId}/attachments`, bytes, { "Content-Type": contentType, "X-File-Name": encodeURIComponent(name) });

const auditActions = async (programmeId: string) =>
  (await harness.store.all<{ action: string }>(sql`SELECT action FROM audit_events WHERE subject_id = ${programmeId} AND action LIKE 'programme.attachment_%' ORDER BY seq`)).map((e) => e.action);

describe(`programme attachments (${harness.driver})`, () => {
  it("lets the agency admin attach PDF, DOCX, XLSX and images, typed by content; an SME lists and downloads them", async () => {
    const agency = await createAgency(harness);
    const programme = await createProgramme(harness, agency);
    const sme = await beijingSme(harness);
    const pdf = await attach(agency.admin, programme.id, PDF, "申报指南.pdf", "application/pdf");
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({ programme_id: programme.id, original_name: "申报指南.pdf", content_type: "application/pdf", size_bytes: PDF.length, added_by: agency.admin.user.id });
    // The name says .pdf, the bytes say Word: the bytes win.
    expect((await attach(agency.admin, programme.id, DOCX_FILE, "申请表.pdf")).body.content_type).toBe(DOCX);
    expect((await attach(agency.admin, programme.id, XLSX_FILE, "预算表.xlsx")).body.content_type).toBe(XLSX);
    expect((await attach(agency.admin, programme.id, PNG, "流程图.png")).body.content_type).toBe("image/png");

    const listed = await sme.client.get(`/api/programmes/${programme.id}/attachments`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((a: { original_name: string }) => a.original_name)).toEqual(["申报指南.pdf", "申请表.pdf", "预算表.xlsx", "流程图.png"]);
    const download = await sme.client.getBytes(`/api/programmes/${programme.id}/attachments/${pdf.body.id}`);
    expect(download.status).toBe(200);
    expect([...download.body]).toEqual([...PDF]);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent("申报指南.pdf")}`);
    expect(await auditActions(programme.id)).toEqual(Array(4).fill("programme.attachment_added"));
  });

  it("refuses what is not one of the accepted types by content (a macro-bearing Word file, any other ZIP, text), and empty files", async () => {
    const agency = await createAgency(harness);
    const programme = await createProgramme(harness, agency);
    for (const [bytes, name] of [[DOCM_FILE, "宏.docx"], [PLAIN_ZIP, "压缩包.docx"], [new TextEncoder().encode("<html>%PDF-"), "guide.pdf"]] as const) {
      const res = await attach(agency.admin, programme.id, bytes, name);
      expect(res.status, name).toBe(415);
      expect(res.body.error.code).toBe("unsupported_file_type");
    }
    expect((await attach(agency.admin, programme.id, new Uint8Array(), "empty.pdf")).status).toBe(400);
    expect((await agency.admin.client.call("POST", `/api/programmes/${programme.id}/attachments`, JSON.stringify({ a: 1 }), { "Content-Type": "application/json" })).status).toBe(415);
    expect((await agency.admin.client.get(`/api/programmes/${programme.id}/attachments`)).body.items).toEqual([]);
    // The generic upload route still takes scans and PDFs only, and no programme attachments.
    const sme = await beijingSme(harness);
    const asLicence = await sme.client.call("POST", `/api/organisations/${sme.org.id}/files?purpose=business_licence`, DOCX_FILE, { "Content-Type": "application/octet-stream" });
    expect(asLicence.status).toBe(415);
    const orphan = await sme.client.call("POST", `/api/organisations/${sme.org.id}/files?purpose=programme_attachment`, PDF, { "Content-Type": "application/pdf" });
    expect(orphan.status).toBe(400);
  });

  it("bounds a file at 10 MiB", async () => {
    const agency = await createAgency(harness);
    const programme = await createProgramme(harness, agency);
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(PDF);
    expect((await attach(agency.admin, programme.id, big, "big.pdf", "application/pdf")).status).toBe(413);
    expect((await agency.admin.client.get(`/api/programmes/${programme.id}/attachments`)).body.items).toEqual([]);
  });

  it("holds at most 10 files, even when uploads race; removing one makes room", async () => {
    const agency = await createAgency(harness);
    const programme = await createProgramme(harness, agency);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => attach(agency.admin, programme.id, PDF, `第${i}份.pdf`, "application/pdf")));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual([[409, "attachment_limit"], [409, "attachment_limit"]]);
    const listed = (await agency.admin.client.get(`/api/programmes/${programme.id}/attachments`)).body.items;
    expect(listed).toHaveLength(10);
    expect((await agency.admin.client.call("DELETE", `/api/programmes/${programme.id}/attachments/${listed[0].id}`)).status).toBe(200);
    expect((await attach(agency.admin, programme.id, PDF, "补充.pdf", "application/pdf")).status).toBe(201);
  });

  it("removes once, audited; the file is no longer listed or downloadable; a closed programme cannot change", async () => {
    const agency = await createAgency(harness);
    const programme = await createProgramme(harness, agency);
    const sme = await beijingSme(harness);
    const kept = (await attach(agency.admin, programme.id, PDF, "keep.pdf", "application/pdf")).body;
    const gone = (await attach(agency.admin, programme.id, PNG, "gone.png", "image/png")).body;
    expect((await agency.admin.client.call("DELETE", `/api/programmes/${programme.id}/attachments/${gone.id}`)).body).toEqual({ id: gone.id, removed: true });
    expect((await agency.admin.client.call("DELETE", `/api/programmes/${programme.id}/attachments/${gone.id}`)).status).toBe(404);
    expect((await sme.client.getBytes(`/api/programmes/${programme.id}/attachments/${gone.id}`)).status).toBe(404);
    expect((await sme.client.get(`/api/programmes/${programme.id}/attachments`)).body.items.map((a: { id: string }) => a.id)).toEqual([kept.id]);
    expect(await auditActions(programme.id)).toEqual(["programme.attachment_added", "programme.attachment_added", "programme.attachment_removed"]);

    expect((await agency.admin.client.post(`/api/programmes/${programme.id}/close`, {})).status).toBe(200);
    const add = await attach(agency.admin, programme.id, PDF, "late.pdf", "application/pdf");
    expect([add.status, add.body.error.code]).toEqual([409, "programme_closed"]);
    const remove = await agency.admin.client.call("DELETE", `/api/programmes/${programme.id}/attachments/${kept.id}`);
    expect([remove.status, remove.body.error.code]).toEqual([409, "programme_closed"]);
  });

  it("lets only the programme's own agency admin change attachments; others read only what they may read", async () => {
    const agency = await createAgency(harness);
    const other = await createAgency(harness);
    const programme = await createProgramme(harness, agency);
    const draft = await createProgramme(harness, agency, { open: false });
    const sme = await beijingSme(harness);
    const provider = await signUpProvider(harness);
    const file = (await attach(agency.admin, programme.id, PDF, "guide.pdf", "application/pdf")).body;
    const draftFile = (await attach(agency.admin, draft.id, PDF, "draft.pdf", "application/pdf")).body;

    expect((await attach(other.admin, programme.id, PDF, "x.pdf", "application/pdf")).status, "another agency: not its programme").toBe(404);
    expect((await attach(sme, programme.id, PDF, "x.pdf", "application/pdf")).status, "an SME may not add").toBe(403);
    expect((await attach(agency.reviewer, programme.id, PDF, "x.pdf", "application/pdf")).status, "a reviewer may not add").toBe(403);
    expect((await other.admin.client.call("DELETE", `/api/programmes/${programme.id}/attachments/${file.id}`)).status).toBe(404);
    expect((await sme.client.call("DELETE", `/api/programmes/${programme.id}/attachments/${file.id}`)).status).toBe(403);

    // Readers of the open programme: SMEs, providers, the agency's own staff; not another agency.
    for (const reader of [sme, provider, agency.reviewer, agency.auditor]) {
      expect((await reader.client.getBytes(`/api/programmes/${programme.id}/attachments/${file.id}`)).status).toBe(200);
    }
    expect((await other.admin.client.get(`/api/programmes/${programme.id}/attachments`)).status).toBe(404);
    expect((await other.admin.client.getBytes(`/api/programmes/${programme.id}/attachments/${file.id}`)).status).toBe(404);
    // A draft is its agency's alone; an attachment is reachable only under its own programme.
    expect((await sme.client.get(`/api/programmes/${draft.id}/attachments`)).status).toBe(404);
    expect((await sme.client.getBytes(`/api/programmes/${draft.id}/attachments/${draftFile.id}`)).status).toBe(404);
    expect((await sme.client.getBytes(`/api/programmes/${programme.id}/attachments/${draftFile.id}`)).status).toBe(404);
    expect((await sme.client.getBytes(`/api/files/${file.file_id}`)).status, "the generic file route stays the owner's").toBe(404);
  });
});
