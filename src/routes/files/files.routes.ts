import { z } from "@hono/zod-openapi";
import { FILE_CONTENT_TYPES, FILE_PURPOSES } from "../../db/schema";
import { defineRoute } from "../../lib/route";
import { commonErrors, IdParam, json, throttledError } from "../common";

export const FileSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    sha256: z.string().openapi({ description: "Hex SHA-256 of the bytes as stored" }),
    size_bytes: z.number().int(),
    content_type: z.enum(FILE_CONTENT_TYPES).openapi({ description: "Decided from the file's bytes, not its name (Word and Excel files only as programme attachments)" }),
    original_name: z.string(),
    purpose: z.enum(FILE_PURPOSES),
    uploaded_by: z.string(),
    created_at: z.string(),
  })
  .openapi("File");

export const Binary = z.string().openapi({ type: "string", format: "binary" });
export const binaryContent = (types: readonly string[]) => Object.fromEntries(types.map((type) => [type, { schema: Binary }]));
export const UPLOAD_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png", "application/octet-stream"] as const;
/** What an organisation uploads for itself; programme attachments have their own route. */
export const UPLOAD_PURPOSES = ["business_licence", "claim_evidence"] as const;

export const errorStatus = (description: string) => ({ content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } }, description });

export const uploadFile = defineRoute({
  method: "post",
  path: "/api/organisations/{id}/files",
  tags: ["files"],
  summary: "Upload a file (the business licence 营业执照, or claim evidence 兑付材料 with purpose=claim_evidence): the raw bytes as the body, PDF, JPEG or PNG, at most 10 MiB",
  description:
    "Send the file itself as the body (not multipart), its name in X-File-Name. The stored type is decided by the bytes (PDF %PDF-, JPEG FF D8 FF, PNG 89 50 4E 47); the name and the Content-Type header are not trusted. Up to 30 uploads per organisation a day.",
  request: {
    params: IdParam,
    query: z.object({ purpose: z.enum(UPLOAD_PURPOSES).default("business_licence") }),
    headers: z.object({
      "x-file-name": z
        .string()
        .max(1000)
        .optional()
        .openapi({ description: "The original file name, percent-encoded UTF-8 (encodeURIComponent); shown to reviewers, sanitised, at most 200 characters kept" }),
    }),
    body: { required: true, content: binaryContent(UPLOAD_CONTENT_TYPES) },
  },
  responses: {
    201: json(FileSchema, "Stored"),
    ...commonErrors,
    415: errorStatus("Not a PDF, JPEG or PNG by its content, or the body was sent as another media type"),
    ...throttledError,
  },
});

export const downloadFile = defineRoute({
  method: "get",
  path: "/api/files/{id}",
  tags: ["files"],
  summary: "A file's bytes: for its organisation, and for agencies that may review that organisation",
  request: { params: IdParam },
  responses: {
    200: { content: binaryContent(FILE_CONTENT_TYPES), description: "The file, as an attachment" },
    ...commonErrors,
  },
});
