CREATE TABLE `anomaly_flags` (
	`id` text PRIMARY KEY NOT NULL,
	`rule` text NOT NULL,
	`severity` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`programme_id` text NOT NULL,
	`evidence_json` text NOT NULL,
	`status` text NOT NULL,
	`reviewed_by` text,
	`reviewed_at` integer,
	`review_note` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "anomaly_flags_review_complete" CHECK(("anomaly_flags"."status" = 'reviewed') = ("anomaly_flags"."reviewed_at" IS NOT NULL AND "anomaly_flags"."reviewed_by" IS NOT NULL AND "anomaly_flags"."review_note" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `anomaly_flags_once` ON `anomaly_flags` (`rule`,`subject_kind`,`subject_id`,`programme_id`);--> statement-breakpoint
CREATE INDEX `anomaly_flags_programme_idx` ON `anomaly_flags` (`programme_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `anomaly_sweep` (
	`id` text PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `organisations` ADD `contact_phone` text;