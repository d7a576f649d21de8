// Caps on how much one organisation may create (docs/search-limits.md). A capped write recounts
// what it caps into this table in the same batch, after the write itself; the CHECK refuses a
// count past the cap, so the batch rolls back and two concurrent writes cannot both take the
// last place (the batch is the atomic unit on both drivers).
// Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const write_limits = sqliteTable(
  "write_limits",
  {
    /** What is capped, e.g. "active_offerings:org_…" or "upcoming_blackouts:off_…". */
    key: text("key").primaryKey(),
    counted: integer("counted").notNull(),
    allowed: integer("allowed").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [check("write_limit_exceeded", sql`${t.counted} <= ${t.allowed}`)],
);
