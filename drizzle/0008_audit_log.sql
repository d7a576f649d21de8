CREATE TABLE `audit_checkpoints` (
	`tree_size` integer PRIMARY KEY NOT NULL,
	`root_hash` text NOT NULL,
	`note` text NOT NULL,
	`follows_tree_size` integer NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "audit_checkpoint_grows" CHECK("audit_checkpoints"."follows_tree_size" < "audit_checkpoints"."tree_size"),
	CONSTRAINT "audit_checkpoint_size_non_negative" CHECK("audit_checkpoints"."tree_size" >= 0)
);
--> statement-breakpoint
CREATE TABLE `audit_tree` (
	`level` integer NOT NULL,
	`idx` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`level`, `idx`),
	CONSTRAINT "audit_tree_level_range" CHECK("audit_tree"."level" BETWEEN 0 AND 62),
	CONSTRAINT "audit_tree_hash_hex" CHECK(length("audit_tree"."hash") = 64)
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`request_id` text NOT NULL,
	`actor_user_id` text,
	`actor_org_id` text,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`programme_id` text,
	`before_json` text,
	`after_json` text,
	`prev_hash` text,
	`hash` text,
	CONSTRAINT "audit_seal_chained" CHECK("__new_audit_events"."hash" IS NULL OR "__new_audit_events"."prev_hash" IS NOT NULL)
);
--> statement-breakpoint
INSERT INTO `__new_audit_events`("seq", "at", "request_id", "actor_user_id", "actor_org_id", "action", "subject_type", "subject_id", "programme_id", "before_json", "after_json", "prev_hash", "hash") SELECT "seq", "at", "request_id", "actor_user_id", "actor_org_id", "action", "subject_type", "subject_id", "programme_id", "before_json", "after_json", "prev_hash", "hash" FROM `audit_events`;--> statement-breakpoint
DROP TABLE `audit_events`;--> statement-breakpoint
ALTER TABLE `__new_audit_events` RENAME TO `audit_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `audit_events_subject_idx` ON `audit_events` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `audit_events_programme_idx` ON `audit_events` (`programme_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_hash_unique` ON `audit_events` (`hash`);