CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`sha256` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`content_type` text NOT NULL,
	`original_name` text NOT NULL,
	`purpose` text NOT NULL,
	`uploaded_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "files_sha256_format" CHECK(length("files"."sha256") = 64),
	CONSTRAINT "files_size_bounds" CHECK("files"."size_bytes" > 0 AND "files"."size_bytes" <= 10485760)
);
--> statement-breakpoint
CREATE INDEX `files_org_purpose_idx` ON `files` (`org_id`,`purpose`,`created_at`);--> statement-breakpoint
DROP INDEX `organisations_credit_code_unique`;--> statement-breakpoint
ALTER TABLE `organisations` ADD `verification_state` text DEFAULT 'unverified' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisations` ADD `verification_reason` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `verification_submitted_at` integer;--> statement-breakpoint
ALTER TABLE `organisations` ADD `verified_by` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `verified_at` integer;--> statement-breakpoint
CREATE INDEX `organisations_credit_code_idx` ON `organisations` (`credit_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_one_verified_per_credit_code` ON `organisations` (`credit_code`) WHERE "organisations"."verification_state" = 'verified';--> statement-breakpoint
-- hand-written:
-- Every organisation that existed before verification (demo data, agencies, providers, SMEs) was
-- registered when credit codes were unique, so it is taken as verified; new sign-ups start unverified.
UPDATE `organisations` SET `verification_state` = 'verified', `verified_at` = `created_at`, `verification_reason` = '核验功能上线前已注册 / Registered before verification existed';
