CREATE TABLE `claim_bookings` (
	`claim_id` text NOT NULL,
	`booking_id` text NOT NULL,
	`subsidy_fen` integer NOT NULL,
	`gross_fen` integer NOT NULL,
	FOREIGN KEY (`claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claim_bookings_booking_once` ON `claim_bookings` (`booking_id`);--> statement-breakpoint
CREATE INDEX `claim_bookings_claim_idx` ON `claim_bookings` (`claim_id`);--> statement-breakpoint
CREATE TABLE `claim_objections` (
	`id` text PRIMARY KEY NOT NULL,
	`claim_id` text NOT NULL,
	`name` text NOT NULL,
	`contact` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`resolution_note` text,
	`resolved_by` text,
	`resolved_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `claim_objections_claim_idx` ON `claim_objections` (`claim_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `claims` (
	`id` text PRIMARY KEY NOT NULL,
	`programme_id` text NOT NULL,
	`settlement_mode` text NOT NULL,
	`claimant_org_id` text NOT NULL,
	`provider_org_id` text NOT NULL,
	`sme_org_id` text NOT NULL,
	`status` text NOT NULL,
	`contract_no` text NOT NULL,
	`invoice_issuer_org_id` text NOT NULL,
	`invoice_no` text NOT NULL,
	`invoice_amount_fen` integer NOT NULL,
	`delivery_certificate` text NOT NULL,
	`attachment_ids_json` text NOT NULL,
	`gross_fen` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`period_start_at` integer NOT NULL,
	`period_end_at` integer NOT NULL,
	`submitted_by` text NOT NULL,
	`return_reason` text,
	`claimant_answer` text,
	`reviewer_user_id` text,
	`reviewed_at` integer,
	`finance_user_id` text,
	`approved_at` integer,
	`notice_starts_on` text,
	`notice_ends_on` text,
	`notice_ends_at` integer,
	`open_objections` integer DEFAULT 0 NOT NULL,
	`paid_at` integer,
	`paid_by` text,
	`payment_reference` text,
	`rejected_at` integer,
	`rejected_by` text,
	`reject_reason` text,
	`voided_at` integer,
	`void_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "claims_two_person_rule" CHECK("claims"."finance_user_id" IS NULL OR "claims"."reviewer_user_id" IS NULL OR "claims"."finance_user_id" <> "claims"."reviewer_user_id"),
	CONSTRAINT "claims_invoice_covers_gross" CHECK("claims"."invoice_amount_fen" >= "claims"."gross_fen"),
	CONSTRAINT "claims_money_non_negative" CHECK("claims"."amount_fen" >= 0 AND "claims"."gross_fen" >= 0),
	CONSTRAINT "claims_open_objections_non_negative" CHECK("claims"."open_objections" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claims_invoice_once` ON `claims` (`invoice_issuer_org_id`,`invoice_no`) WHERE "claims"."status" <> 'rejected';--> statement-breakpoint
CREATE INDEX `claims_programme_idx` ON `claims` (`programme_id`,`status`);--> statement-breakpoint
CREATE INDEX `claims_claimant_idx` ON `claims` (`claimant_org_id`,`created_at`);