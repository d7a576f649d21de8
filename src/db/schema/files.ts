// Uploaded files (business licences, claim evidence, programme attachments). The bytes live in the blob
// store (src/blobs), keyed by their SHA-256; this row says whose file it is and what it is for.
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";
import { organisations } from "./people";
import { programmes } from "./programmes";

import { DOCX, XLSX } from "../../domain/file-types";
export const FILE_CONTENT_TYPES = ["application/pdf", "image/jpeg", "image/png", DOCX, XLSX] as const;
export const FILE_PURPOSES = ["business_licence", "claim_evidence", "programme_attachment"] as const;

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

/** The most files one programme carries at a time (申报指南, forms). */
export const MAX_PROGRAMME_ATTACHMENTS = 10;

// A programme's attachments (申报指南 PDFs, forms to fill in), added and removed by its agency,
// downloadable by whoever may read the programme. `ordinal` is set inside the INSERT to the
// number the programme already carries plus one (NULL once the programme is closed): the CHECK
// and NOT NULL make the write itself refuse an eleventh file or a closed programme, however
// uploads race. Removing sets removed_at (the row stays as history) and keeps `ordinal` only
// while the row was still attached and the programme not closed, so a second removal fails too.
export const programme_attachments = sqliteTable(
  "programme_attachments",
  {
    id: text("id").primaryKey(),
    programme_id: text("programme_id").notNull().references(() => programmes.id),
    file_id: text("file_id").notNull().references(() => files.id),
    ordinal: integer("ordinal").notNull(),
    added_by: text("added_by").notNull(),
    created_at: createdAt(),
    removed_by: text("removed_by"),
    removed_at: integer("removed_at"),
  },
  (t) => [
    check("programme_attachments_limit", sql`${t.ordinal} BETWEEN 1 AND ${sql.raw(String(MAX_PROGRAMME_ATTACHMENTS))}`),
    index("programme_attachments_programme_idx").on(t.programme_id, t.created_at),
  ],
);

export type ProgrammeAttachment = typeof programme_attachments.$inferSelect;
