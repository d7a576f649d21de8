// A programme's attachments. Who may read the programme and who may change it is decided in
// src/auth/programme-access.ts; the count limit and the closed-programme rule are guards in the
// writes themselves (src/db/schema/files.ts programme_attachments).
import type { RouteHandler } from "@hono/zod-openapi";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { maySeeProgramme, ownsProgramme } from "../../auth/programme-access";
import { commit } from "../../db/atomic";
import { constraintViolation } from "../../db/constraints";
import { files, MAX_PROGRAMME_ATTACHMENTS, programme_attachments, type Programme, type StoredFile } from "../../db/schema";
import { DOCUMENTS } from "../../domain/file-types";
import type { AppEnv } from "../../lib/context";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { storeUpload } from "../../services/files";
import { readProgramme } from "../../services/programmes";
import { decodeFileName, requireRawBody, serveFile } from "../files/files.handlers";
import { ATTACHMENT_UPLOAD_TYPES } from "./attachments.routes";
import type * as routes from "./attachments.routes";

const NOT_FOUND = ["项目", "Programme"] as const;
const ATTACHMENT_NOT_FOUND = ["附件", "Attachment"] as const;
const WHILE = ["draft", "open"] as const;

const closed = () => conflict("programme_closed", "项目已关闭，不能修改 / The programme is closed and can no longer change");
const full = () =>
  conflict("attachment_limit", `每个项目最多 ${MAX_PROGRAMME_ATTACHMENTS} 个附件，请先删除一个 / A programme carries at most ${MAX_PROGRAMME_ATTACHMENTS} attachments: remove one first`);

async function readable(c: Context<AppEnv>, id: string): Promise<Programme> {
  const programme = await readProgramme(c.var.store, id);
  if (!programme || !(await maySeeProgramme(c.var.store, actorOf(c), programme))) throw notFound(...NOT_FOUND);
  return programme;
}

async function owned(c: Context<AppEnv>, id: string): Promise<Programme> {
  const programme = await readProgramme(c.var.store, id);
  if (!programme || !ownsProgramme(actorOf(c), programme)) throw notFound(...NOT_FOUND);
  return programme;
}

const attachmentColumns = {
  id: programme_attachments.id,
  programme_id: programme_attachments.programme_id,
  file_id: programme_attachments.file_id,
  original_name: files.original_name,
  content_type: files.content_type,
  size_bytes: files.size_bytes,
  sha256: files.sha256,
  added_by: programme_attachments.added_by,
  created_at: programme_attachments.created_at,
};

type AttachmentRow = { [K in keyof typeof attachmentColumns]: (typeof attachmentColumns)[K]["_"]["data"] };
const present = (row: AttachmentRow) => ({ ...row, created_at: toIso(row.created_at) });

/** The attachments still on the programme (or the one named), oldest first. */
function current(c: Context<AppEnv>, programmeId: string, attachmentId?: string) {
  return c.var.store.db
    .select(attachmentColumns)
    .from(programme_attachments)
    .innerJoin(files, eq(files.id, programme_attachments.file_id))
    .where(and(eq(programme_attachments.programme_id, programmeId), attachmentId ? eq(programme_attachments.id, attachmentId) : undefined, isNull(programme_attachments.removed_at)))
    .orderBy(asc(programme_attachments.created_at), asc(programme_attachments.ordinal), asc(programme_attachments.id));
}

export const listAttachments: RouteHandler<typeof routes.listAttachments, AppEnv> = async (c) => {
  const programme = await readable(c, c.req.valid("param").id);
  return c.json({ items: (await current(c, programme.id)).map(present) }, 200);
};

export const addAttachment: RouteHandler<typeof routes.addAttachment, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const programme = await owned(c, c.req.valid("param").id);
  if (programme.status === "closed") throw closed();
  requireRawBody(c, ATTACHMENT_UPLOAD_TYPES, "请直接发送文件内容（PDF、DOCX、XLSX、JPEG、PNG）/ Send the file's bytes as the body (PDF, DOCX, XLSX, JPEG or PNG)");
  const name = decodeFileName(c.req.valid("header")["x-file-name"]);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const id = newId("pat");
  const now = c.var.now();
  let attached: AttachmentRow | null = null;
  const link = (file: StoredFile) => {
    const db = c.var.store.db;
    // The count and the programme's state are read inside the INSERT: NULL (closed) or 11 (full) fail it.
    const ordinal = sql`(SELECT CASE WHEN p.status IN (${sql.join(WHILE.map((s) => sql`${s}`), sql`, `)})
      THEN (SELECT count(*) FROM programme_attachments a WHERE a.programme_id = p.id AND a.removed_at IS NULL) + 1 END
      FROM programmes p WHERE p.id = ${programme.id})`;
    attached = { id, programme_id: programme.id, file_id: file.id, original_name: file.original_name, content_type: file.content_type, size_bytes: file.size_bytes, sha256: file.sha256, added_by: actor.user.id, created_at: now };
    return {
      statements: [db.insert(programme_attachments).values({ id, programme_id: programme.id, file_id: file.id, ordinal, added_by: actor.user.id, created_at: now })],
      events: [{ action: "programme.attachment_added", subject_type: "programme", subject_id: programme.id, programme_id: programme.id, after: attached }],
    };
  };
  try {
    await storeUpload(c, { orgId: actor.org.id, uploadedBy: actor.user.id, purpose: "programme_attachment", name, bytes, accepted: DOCUMENTS, with: link });
  } catch (error) {
    const violation = constraintViolation(error);
    if (violation?.name === "programme_attachments_limit") throw full();
    if (violation?.name === "programme_attachments.ordinal") throw closed();
    throw error;
  }
  return c.json(present(attached as unknown as AttachmentRow), 201);
};

export const removeAttachment: RouteHandler<typeof routes.removeAttachment, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id, attachment_id } = c.req.valid("param");
  const programme = await owned(c, id);
  const [before] = await current(c, programme.id, attachment_id);
  if (!before) throw notFound(...ATTACHMENT_NOT_FOUND);
  if (programme.status === "closed") throw closed();
  const db = c.var.store.db;
  // Keeps `ordinal` only while the row is still attached and the programme not closed: a second
  // removal, or one racing the programme's closing, makes it NULL and fails the batch.
  const stillRemovable = sql`CASE WHEN ${programme_attachments.removed_at} IS NULL
    AND (SELECT status FROM programmes p WHERE p.id = ${programme_attachments.programme_id}) IN (${sql.join(WHILE.map((s) => sql`${s}`), sql`, `)})
    THEN ${programme_attachments.ordinal} END`;
  try {
    await commit(c, [db.update(programme_attachments).set({ ordinal: stillRemovable, removed_at: c.var.now(), removed_by: actor.user.id }).where(eq(programme_attachments.id, attachment_id))], [
      { action: "programme.attachment_removed", subject_type: "programme", subject_id: programme.id, programme_id: programme.id, before: present(before) },
    ]);
  } catch (error) {
    if (constraintViolation(error)?.name !== "programme_attachments.ordinal") throw error;
    const now = await readProgramme(c.var.store, programme.id);
    if (now?.status === "closed") throw closed();
    throw notFound(...ATTACHMENT_NOT_FOUND);
  }
  return c.json({ id: attachment_id, removed: true as const }, 200);
};

export const downloadAttachment: RouteHandler<typeof routes.downloadAttachment, AppEnv> = async (c) => {
  const { id, attachment_id } = c.req.valid("param");
  const programme = await readable(c, id);
  const [row] = await c.var.store.db
    .select({ file: files })
    .from(programme_attachments)
    .innerJoin(files, eq(files.id, programme_attachments.file_id))
    .where(and(eq(programme_attachments.id, attachment_id), eq(programme_attachments.programme_id, programme.id), isNull(programme_attachments.removed_at)));
  if (!row) throw notFound(...ATTACHMENT_NOT_FOUND);
  return (await serveFile(c, row.file)) as never;
};
