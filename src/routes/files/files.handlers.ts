import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { sha256Hex } from "../../blobs/blob-store";
import { files, organisations, type StoredFile } from "../../db/schema";
import { EXTENSION } from "../../domain/file-types";
import type { Actor, AppEnv } from "../../lib/context";
import { AppError, badRequest, forbidden, notFound } from "../../lib/errors";
import { actorOf } from "../../lib/route";
import { toIso } from "../../lib/time";
import { storeUpload } from "../../services/files";
import { agencyMayReviewOrganisation } from "../../services/organisation-access";
import { UPLOAD_CONTENT_TYPES } from "./files.routes";
import type * as routes from "./files.routes";

export function decodeFileName(encoded: string | undefined): string | undefined {
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw badRequest("invalid_request", "文件名编码有误 / X-File-Name must be percent-encoded UTF-8 (encodeURIComponent)");
  }
}

export const presentFile = (row: StoredFile) => ({ ...row, created_at: toIso(row.created_at) });

export const uploadFile: RouteHandler<typeof routes.uploadFile, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const { id } = c.req.valid("param");
  const { purpose } = c.req.valid("query");
  const name = decodeFileName(c.req.valid("header")["x-file-name"]);
  if (id !== actor.org.id) throw forbidden("只能为本机构上传文件 / You can upload files only for your own organisation");
  requireRawBody(c, UPLOAD_CONTENT_TYPES, "请直接发送文件内容（application/pdf、image/jpeg、image/png）/ Send the file's bytes as the body (application/pdf, image/jpeg or image/png)");
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const row = await storeUpload(c, { orgId: id, uploadedBy: actor.user.id, purpose, name, bytes });
  return c.json(presentFile(row), 201);
};

/** The owner organisation, or an agency that may review it; anyone else learns nothing (404). */
async function mayRead(c: Parameters<RouteHandler<typeof routes.downloadFile, AppEnv>>[0], actor: Actor, row: StoredFile) {
  if (row.org_id === actor.org.id) return true;
  if (actor.org.kind !== "agency") return false;
  const [owner] = await c.var.store.db.select({ id: organisations.id, kind: organisations.kind }).from(organisations).where(eq(organisations.id, row.org_id));
  return owner !== undefined && (await agencyMayReviewOrganisation(c.var.store, actor.org.id, owner));
}

/** RFC 6266: an ASCII fallback name and the real one percent-encoded. */
function contentDisposition(row: StoredFile) {
  return `attachment; filename="${row.id}.${EXTENSION[row.content_type]}"; filename*=UTF-8''${encodeURIComponent(row.original_name)}`;
}

export const downloadFile: RouteHandler<typeof routes.downloadFile, AppEnv> = async (c) => {
  const actor = actorOf(c);
  const [row] = await c.var.store.db.select().from(files).where(eq(files.id, c.req.valid("param").id));
  if (!row || !(await mayRead(c, actor, row))) throw notFound("文件", "File");
  return serveFile(c, row);
};

/** The file's bytes as an attachment, once the caller has been found allowed to read it. */
export async function serveFile(c: Context<AppEnv>, row: StoredFile): Promise<Response> {
  const blob = await c.var.blobs.get(row.sha256);
  // The bytes must still be the ones recorded: a missing or altered blob is an operating fault, never served.
  if (!blob || (await sha256Hex(blob.bytes)) !== row.sha256) {
    throw new Error(`blob ${row.sha256} of file ${row.id} is missing or does not match its SHA-256`);
  }
  return c.body(blob.bytes as Uint8Array<ArrayBuffer>, 200, {
    "Content-Type": row.content_type,
    "Content-Disposition": contentDisposition(row),
    "Cache-Control": "private, no-store",
  });
}

/** The body is the file's bytes, not JSON: the Content-Type header a client sent must say so. */
export function requireRawBody(c: Context<AppEnv>, accepted: readonly string[], message: string) {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (!accepted.includes(mediaType ?? "")) throw new AppError(415, "unsupported_media_type", message);
}
