// A programme's attachments (申报指南 files, forms to fill in): docs/eligibility-and-regions.md.
import { z } from "@hono/zod-openapi";
import { FILE_CONTENT_TYPES, MAX_PROGRAMME_ATTACHMENTS } from "../../db/schema";
import { defineRoute } from "../../lib/route";
import { commonErrors, conflictError, IdParam, json, RecordId, throttledError } from "../common";
import { binaryContent, errorStatus, UPLOAD_CONTENT_TYPES } from "../files/files.routes";

const tags = ["programmes"];

export const ATTACHMENT_UPLOAD_TYPES = [
  ...UPLOAD_CONTENT_TYPES,
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
] as const;

export const AttachmentSchema = z
  .object({
    id: z.string(),
    programme_id: z.string(),
    file_id: z.string(),
    original_name: z.string(),
    content_type: z.enum(FILE_CONTENT_TYPES).openapi({ description: "Decided from the file's bytes, not its name" }),
    size_bytes: z.number().int(),
    sha256: z.string(),
    added_by: z.string(),
    created_at: z.string(),
  })
  .openapi("ProgrammeAttachment");

export const AttachmentParams = IdParam.extend({
  attachment_id: RecordId.openapi({ param: { name: "attachment_id", in: "path" } }),
});

export const listAttachments = defineRoute({
  method: "get",
  path: "/api/programmes/{id}/attachments",
  tags,
  summary: "The programme's attachments (申报指南, forms), oldest first: for whoever may read the programme",
  request: { params: IdParam },
  responses: { 200: json(z.object({ items: z.array(AttachmentSchema) }), "The attachments"), ...commonErrors },
});

export const addAttachment = defineRoute({
  method: "post",
  path: "/api/programmes/{id}/attachments",
  tags,
  summary: `Attach a file to the programme (its agency's admin): the raw bytes as the body, PDF, Word (DOCX), Excel (XLSX), JPEG or PNG, at most 10 MiB, at most ${MAX_PROGRAMME_ATTACHMENTS} per programme`,
  description:
    "Send the file itself as the body (not multipart), its name percent-encoded in X-File-Name. The type is decided by the bytes (a DOCX or XLSX by its ZIP directory; macro-bearing files are refused); the name and Content-Type are not trusted. Counts against the agency's 30 uploads a day. A closed programme cannot change (409 programme_closed); an eleventh file is 409 attachment_limit.",
  request: {
    params: IdParam,
    headers: z.object({
      "x-file-name": z.string().max(1000).optional().openapi({ description: "The original file name, percent-encoded UTF-8 (encodeURIComponent); sanitised, at most 200 characters kept" }),
    }),
    body: { required: true, content: binaryContent(ATTACHMENT_UPLOAD_TYPES) },
  },
  responses: {
    201: json(AttachmentSchema, "Attached"),
    ...commonErrors,
    ...conflictError,
    415: errorStatus("Not a PDF, DOCX, XLSX, JPEG or PNG by its content, or the body was sent as another media type"),
    ...throttledError,
  },
});

export const removeAttachment = defineRoute({
  method: "delete",
  path: "/api/programmes/{id}/attachments/{attachment_id}",
  tags,
  summary: "Remove an attachment from the programme (its agency's admin); the file stays in the history and the audit log",
  request: { params: AttachmentParams },
  responses: { 200: json(z.object({ id: z.string(), removed: z.literal(true) }), "Removed"), ...commonErrors, ...conflictError },
});

export const downloadAttachment = defineRoute({
  method: "get",
  path: "/api/programmes/{id}/attachments/{attachment_id}",
  tags,
  summary: "An attachment's bytes, as a download: for whoever may read the programme",
  request: { params: AttachmentParams },
  responses: {
    200: { content: binaryContent(FILE_CONTENT_TYPES), description: "The file, as an attachment" },
    ...commonErrors,
  },
});
