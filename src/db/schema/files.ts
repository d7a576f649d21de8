// Uploaded files (business licences, claim evidence). The bytes live in the blob
// store (src/blobs), keyed by their SHA-256; this row says whose file it is and what it is for.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { organisations } from "./people";

export const FILE_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;
export const FILE_PURPOSES = ["business_licence", "claim_evidence"] as const;

export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    org_id: text("org_id").notNull().references(() => organisations.id),
    /** Lower-case hex SHA-256 of the bytes; also the blob's key. */
    sha256: text("sha256").notNull(),
    size_bytes: integer("size_bytes").notNull(),
    /** Decided from the bytes (magic numbers), never from the name or the request's header. */
    content_type: text("content_type", { enum: FILE_CONTENT_TYPES }).notNull(),
    /** The uploader's file name, sanitised; shown to people, never used as a path. */
    original_name: text("original_name").notNull(),
    purpose: text("purpose", { enum: FILE_PURPOSES }).notNull(),
    uploaded_by: text("uploaded_by").notNull(),
    created_at: createdAt(),
  },
  (t) => [
    check("files_sha256_format", sql`length(${t.sha256}) = 64`),
    check("files_size_bounds", sql`${t.size_bytes} > 0 AND ${t.size_bytes} <= 10485760`),
    index("files_org_purpose_idx").on(t.org_id, t.purpose, t.created_at),
  ],
);

export type StoredFile = typeof files.$inferSelect;
