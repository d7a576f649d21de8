// The verifiable audit log (docs/audit-log.md): the Merkle tree over sealed audit events and the
// signed checkpoints of it. Conventions for every table: src/db/schema/index.ts.
import { sql } from "drizzle-orm";
import { check, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns";

// Hashes of complete subtrees of 16 leaves and more (level ≥ 4, STORED_LEVEL in
// src/db/audit-tree.ts), written as they are completed (RFC 6962 §2.1). A node at `level` L and
// `idx` i covers leaves [i·2^L, (i+1)·2^L); smaller subtrees are hashed from their events when
// needed (migration 0018 dropped them). Any proof or root reads O(log N) rows and at most two
// blocks of 16 events. The primary key is also a sealing guard: two sealers writing the same node
// fail the slower batch. The table is WITHOUT ROWID (migration 0015, written by hand: drizzle
// cannot declare it), so a range of (level, idx) reads its hashes from the key's own b-tree.
export const audit_tree = sqliteTable(
  "audit_tree",
  {
    level: integer("level").notNull(),
    idx: integer("idx").notNull(),
    /** Lower-case hex SHA-256. */
    hash: text("hash").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.level, t.idx] }),
    check("audit_tree_level_range", sql`${t.level} BETWEEN 0 AND 62`),
    check("audit_tree_hash_hex", sql`length(${t.hash}) = 64`),
  ],
);

// Signed checkpoints (C2SP tlog-checkpoint + signed-note), one per tree size. `follows_tree_size`
// is fed by a sub-select that is NULL unless the newest stored checkpoint is the one the signer
// checked consistency against, so two signers can never both extend the same checkpoint.
export const audit_checkpoints = sqliteTable(
  "audit_checkpoints",
  {
    tree_size: integer("tree_size").primaryKey(),
    /** Base64 root hash, as in the note. */
    root_hash: text("root_hash").notNull(),
    /** The whole signed note: body, blank line, signature line(s). */
    note: text("note").notNull(),
    /** -1 for the first checkpoint. */
    follows_tree_size: integer("follows_tree_size").notNull(),
    created_at: createdAt(),
  },
  (t) => [
    check("audit_checkpoint_grows", sql`${t.follows_tree_size} < ${t.tree_size}`),
    check("audit_checkpoint_size_non_negative", sql`${t.tree_size} >= 0`),
  ],
);

export type AuditCheckpoint = typeof audit_checkpoints.$inferSelect;
