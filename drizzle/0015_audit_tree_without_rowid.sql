-- hand-written: drizzle's schema cannot say WITHOUT ROWID, so this migration is written by hand.
-- audit_tree is read by (level, idx) ranges: every proof, every root and the verifier's
-- level-by-level comparison. As a rowid table each row was found through the primary key's index
-- and then fetched from the table; WITHOUT ROWID keeps the rows in the primary key's own b-tree,
-- so those reads are one index walk and the table takes no more space (docs/performance.md,
-- audit verification). Same columns, key and checks; the rows are copied as they are.
CREATE TABLE `audit_tree_new` (
	`level` integer NOT NULL,
	`idx` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`level`, `idx`),
	CONSTRAINT "audit_tree_level_range" CHECK(`level` BETWEEN 0 AND 62),
	CONSTRAINT "audit_tree_hash_hex" CHECK(length(`hash`) = 64)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `audit_tree_new` (`level`, `idx`, `hash`) SELECT `level`, `idx`, `hash` FROM `audit_tree`;--> statement-breakpoint
DROP TABLE `audit_tree`;--> statement-breakpoint
ALTER TABLE `audit_tree_new` RENAME TO `audit_tree`;
