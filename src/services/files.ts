// Storing an uploaded file for an organisation: type decided by its bytes, size bounded, SHA-256
// recorded, bytes in the blob store under that hash, the row and its audit event in one batch
// with the uploader's daily quota (a rate limit, guarded in the write). Claims will store their
// evidence through the same function with another purpose.
import type { SQLWrapper } from "drizzle-orm";
import type { Context } from "hono";
import { sha256Hex } from "../blobs/blob-store";
import { commit } from "../db/atomic";
import type { AuditInput } from "../db/audit";
import { isRateLimitViolation, rateLimitedError, takeSlotStatement, type RateLimit } from "../db/rate-limit";
import { files, type StoredFile } from "../db/schema";
import { IMAGES_AND_PDF, sanitiseFileName, sniffContentType, type AcceptedContentType } from "../domain/file-types";
import type { AppEnv } from "../lib/context";
import { AppError, badRequest } from "../lib/errors";
import { newId } from "../lib/ids";
import { DAY_MS } from "../lib/time";

/** The largest file accepted (also the upload route's body limit, src/app.ts). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Uploads per organisation per day: enough to retry a blurred scan, not enough to fill a disk. */
export const UPLOADS_PER_DAY = 30;

export interface Upload {
  orgId: string;
  uploadedBy: string;
  purpose: StoredFile["purpose"];
  name: string | undefined;
  bytes: Uint8Array;
  /** The types this purpose takes (by content); scans and PDFs unless said otherwise. */
  accepted?: readonly AcceptedContentType[];
  /** Further writes that belong with the file (a programme's attachment row), in the same batch. */
  with?: (row: StoredFile) => { statements: SQLWrapper[]; events: AuditInput[] };
}

const UNSUPPORTED: Record<"scans" | "documents", string> = {
  scans: "只接受PDF、JPEG或PNG文件（按文件内容判断）/ Only PDF, JPEG or PNG files are accepted (judged by their content)",
  documents: "只接受PDF、Word（DOCX）、Excel（XLSX）、JPEG或PNG文件（按文件内容判断，不含宏）/ Only PDF, Word (DOCX), Excel (XLSX), JPEG or PNG files are accepted (judged by their content, no macros)",
};

export async function storeUpload(c: Context<AppEnv>, upload: Upload): Promise<StoredFile> {
  const { bytes } = upload;
  const accepted = upload.accepted ?? IMAGES_AND_PDF;
  if (bytes.byteLength === 0) throw badRequest("empty_file", "文件为空 / The file is empty");
  if (bytes.byteLength > MAX_FILE_BYTES) throw new AppError(413, "payload_too_large", "文件过大（上限10 MiB）/ File over 10 MiB");
  const content_type = sniffContentType(bytes, accepted);
  if (!content_type) throw new AppError(415, "unsupported_file_type", UNSUPPORTED[accepted.length > IMAGES_AND_PDF.length ? "documents" : "scans"]);
  const now = c.var.now();
  const row: StoredFile = {
    id: newId("fil"),
    org_id: upload.orgId,
    sha256: await sha256Hex(bytes),
    size_bytes: bytes.byteLength,
    content_type,
    original_name: sanitiseFileName(upload.name ?? ""),
    purpose: upload.purpose,
    uploaded_by: upload.uploadedBy,
    created_at: now,
  };
  // Bytes first: a row never names a blob that is not there. A batch refused after this leaves
  // an unreferenced blob, which is harmless (the same bytes uploaded again land on it).
  await c.var.blobs.put(row.sha256, bytes, content_type);
  const quota: RateLimit = { key: `upload:org:${upload.orgId}`, allowed: UPLOADS_PER_DAY, windowMs: DAY_MS };
  const also = upload.with?.(row) ?? { statements: [], events: [] };
  try {
    await commit(c, [takeSlotStatement(c.var.store, quota, now), c.var.store.db.insert(files).values(row), ...also.statements], [
      { action: "file.uploaded", subject_type: "file", subject_id: row.id, after: row },
      ...also.events,
    ]);
  } catch (error) {
    if (isRateLimitViolation(error)) {
      throw await rateLimitedError(c.var.store, [quota], now, "今日上传次数已达上限 / Daily upload limit reached; try again tomorrow");
    }
    throw error;
  }
  return row;
}
