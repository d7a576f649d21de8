CREATE TABLE `annual_issuance` (
	`programme_id` text NOT NULL,
	`sme_org_id` text NOT NULL,
	`year` integer NOT NULL,
	`issued_fen` integer NOT NULL,
	`cap_fen` integer NOT NULL,
	PRIMARY KEY(`programme_id`, `sme_org_id`, `year`),
	CONSTRAINT "annual_issuance_non_negative" CHECK("annual_issuance"."issued_fen" >= 0),
	CONSTRAINT "annual_issue_cap_exceeded" CHECK("annual_issuance"."issued_fen" <= "annual_issuance"."cap_fen")
);
--> statement-breakpoint
CREATE TABLE `annual_subsidy` (
	`programme_id` text NOT NULL,
	`sme_org_id` text NOT NULL,
	`year` integer NOT NULL,
	`subsidy_fen` integer NOT NULL,
	`cap_fen` integer NOT NULL,
	PRIMARY KEY(`programme_id`, `sme_org_id`, `year`),
	CONSTRAINT "annual_subsidy_non_negative" CHECK("annual_subsidy"."subsidy_fen" >= 0),
	CONSTRAINT "annual_cap_exceeded" CHECK("annual_subsidy"."subsidy_fen" <= "annual_subsidy"."cap_fen")
);
--> statement-breakpoint
CREATE TABLE `audit_events` (
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
	`hash` text
);
--> statement-breakpoint
CREATE INDEX `audit_events_subject_idx` ON `audit_events` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `audit_events_programme_idx` ON `audit_events` (`programme_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_hash_unique` ON `audit_events` (`hash`);--> statement-breakpoint
CREATE TABLE `blackouts` (
	`id` text PRIMARY KEY NOT NULL,
	`offering_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "blackouts_range" CHECK("blackouts"."ends_at" > "blackouts"."starts_at")
);
--> statement-breakpoint
CREATE INDEX `blackouts_offering_idx` ON `blackouts` (`offering_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`offering_id` text NOT NULL,
	`provider_org_id` text NOT NULL,
	`sme_org_id` text NOT NULL,
	`created_by` text NOT NULL,
	`quantity` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`gross_fen` integer NOT NULL,
	`subsidy_fen` integer NOT NULL,
	`copay_fen` integer NOT NULL,
	`voucher_id` text,
	`programme_id` text,
	`programme_version` integer,
	`hold_transfer_id` text,
	`cap_year` integer,
	`quote_json` text NOT NULL,
	`confirm_by_at` integer,
	`delivered_subsidy_fen` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`offering_id`) REFERENCES `offerings`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bookings_quantity_positive" CHECK("bookings"."quantity" > 0),
	CONSTRAINT "bookings_range" CHECK("bookings"."ends_at" > "bookings"."starts_at"),
	CONSTRAINT "bookings_money_adds_up" CHECK("bookings"."gross_fen" = "bookings"."subsidy_fen" + "bookings"."copay_fen"),
	CONSTRAINT "bookings_money_non_negative" CHECK("bookings"."subsidy_fen" >= 0 AND "bookings"."copay_fen" >= 0),
	CONSTRAINT "bookings_hold_iff_voucher" CHECK(("bookings"."voucher_id" IS NULL) = ("bookings"."hold_transfer_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `bookings_offering_idx` ON `bookings` (`offering_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `bookings_sme_idx` ON `bookings` (`sme_org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `bookings_provider_idx` ON `bookings` (`provider_org_id`,`status`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`response_status` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `ledger_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`programme_id` text,
	`org_id` text,
	`debits_pending_fen` integer DEFAULT 0 NOT NULL,
	`debits_posted_fen` integer DEFAULT 0 NOT NULL,
	`credits_pending_fen` integer DEFAULT 0 NOT NULL,
	`credits_posted_fen` integer DEFAULT 0 NOT NULL,
	`debits_must_not_exceed_credits` integer NOT NULL,
	`credits_must_not_exceed_debits` integer NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "ledger_amounts_non_negative" CHECK("ledger_accounts"."debits_pending_fen" >= 0 AND "ledger_accounts"."debits_posted_fen" >= 0 AND "ledger_accounts"."credits_pending_fen" >= 0 AND "ledger_accounts"."credits_posted_fen" >= 0),
	CONSTRAINT "ledger_account_overdrawn" CHECK(NOT "ledger_accounts"."debits_must_not_exceed_credits" OR "ledger_accounts"."debits_pending_fen" + "ledger_accounts"."debits_posted_fen" <= "ledger_accounts"."credits_posted_fen"),
	CONSTRAINT "ledger_account_overcredited" CHECK(NOT "ledger_accounts"."credits_must_not_exceed_debits" OR "ledger_accounts"."credits_pending_fen" + "ledger_accounts"."credits_posted_fen" <= "ledger_accounts"."debits_posted_fen")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_one_pool_per_programme` ON `ledger_accounts` (`programme_id`) WHERE "ledger_accounts"."kind" = 'programme_pool';--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_one_payable_per_provider_programme` ON `ledger_accounts` (`programme_id`,`org_id`) WHERE "ledger_accounts"."kind" = 'provider_payable';--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_accounts_one_source_per_agency` ON `ledger_accounts` (`org_id`) WHERE "ledger_accounts"."kind" = 'budget_source';--> statement-breakpoint
CREATE TABLE `ledger_transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`debit_account_id` text NOT NULL,
	`credit_account_id` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`kind` text NOT NULL,
	`pending_id` text,
	`code` text NOT NULL,
	`subject_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debit_account_id`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_account_id`) REFERENCES `ledger_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_transfer_amount_non_negative" CHECK("ledger_transfers"."amount_fen" >= 0),
	CONSTRAINT "ledger_transfer_distinct_accounts" CHECK("ledger_transfers"."debit_account_id" <> "ledger_transfers"."credit_account_id"),
	CONSTRAINT "ledger_transfer_pending_reference" CHECK(("ledger_transfers"."kind" IN ('post_pending', 'void_pending')) = ("ledger_transfers"."pending_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_transfers_pending_resolved_once` ON `ledger_transfers` (`pending_id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_debit_idx` ON `ledger_transfers` (`debit_account_id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_credit_idx` ON `ledger_transfers` (`credit_account_id`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_subject_idx` ON `ledger_transfers` (`subject_id`);--> statement-breakpoint
CREATE TABLE `login_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_started_at` integer NOT NULL,
	`locked_until` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `offerings` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_org_id` text NOT NULL,
	`category` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`region_code` text NOT NULL,
	`status` text NOT NULL,
	`unit` text NOT NULL,
	`unit_minutes` integer NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`slot_minutes` integer NOT NULL,
	`capacity_units` integer NOT NULL,
	`min_duration_units` integer NOT NULL,
	`max_duration_units` integer NOT NULL,
	`lead_time_minutes` integer NOT NULL,
	`cancellation_notice_minutes` integer NOT NULL,
	`requires_confirmation` integer NOT NULL,
	`weekly_hours_json` text,
	`domestic` integer DEFAULT false NOT NULL,
	`accelerator_model` text,
	`cards_per_node` integer,
	`licence_terms` text,
	`access_mode` text,
	`sensitivity_level` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`provider_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "offerings_price_non_negative" CHECK("offerings"."unit_price_fen" >= 0),
	CONSTRAINT "offerings_capacity_non_negative" CHECK("offerings"."capacity_units" >= 0),
	CONSTRAINT "offerings_slot_minutes" CHECK("offerings"."slot_minutes" IN (60, 1440)),
	CONSTRAINT "offerings_unit_whole_slots" CHECK("offerings"."unit_minutes" > 0 AND "offerings"."unit_minutes" % "offerings"."slot_minutes" = 0),
	CONSTRAINT "offerings_duration_bounds" CHECK("offerings"."min_duration_units" >= 1 AND "offerings"."max_duration_units" >= "offerings"."min_duration_units")
);
--> statement-breakpoint
CREATE INDEX `offerings_provider_idx` ON `offerings` (`provider_org_id`);--> statement-breakpoint
CREATE INDEX `offerings_category_idx` ON `offerings` (`category`,`status`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`credit_code` text NOT NULL,
	`region_code` text NOT NULL,
	`size_class` text NOT NULL,
	`founded_on` text NOT NULL,
	`credit_status` text DEFAULT 'good' NOT NULL,
	`address` text,
	`legal_representative` text,
	`provider_status` text,
	`provider_status_reason` text,
	`created_at` integer NOT NULL,
	CONSTRAINT "organisations_region_code_format" CHECK(length("organisations"."region_code") = 6),
	CONSTRAINT "organisations_provider_status_only_for_providers" CHECK(("organisations"."kind" = 'provider') = ("organisations"."provider_status" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_credit_code_unique` ON `organisations` (`credit_code`);--> statement-breakpoint
CREATE TABLE `programme_versions` (
	`programme_id` text NOT NULL,
	`version` integer NOT NULL,
	`rules_json` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`programme_id`, `version`),
	FOREIGN KEY (`programme_id`) REFERENCES `programmes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `programmes` (
	`id` text PRIMARY KEY NOT NULL,
	`agency_org_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`current_version` integer NOT NULL,
	`budget_fen` integer NOT NULL,
	`pool_account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`agency_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "programmes_budget_non_negative" CHECK("programmes"."budget_fen" >= 0)
);
--> statement-breakpoint
CREATE INDEX `programmes_agency_idx` ON `programmes` (`agency_org_id`);--> statement-breakpoint
CREATE TABLE `related_parties` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`relation` text NOT NULL,
	`party_name` text NOT NULL,
	`party_credit_code` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `related_parties_org_idx` ON `related_parties` (`org_id`);--> statement-breakpoint
CREATE INDEX `related_parties_code_idx` ON `related_parties` (`party_credit_code`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `slot_usage` (
	`offering_id` text NOT NULL,
	`slot_start_at` integer NOT NULL,
	`booked_units` integer NOT NULL,
	`capacity_units` integer NOT NULL,
	`blocked` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`offering_id`, `slot_start_at`),
	CONSTRAINT "slot_booked_non_negative" CHECK("slot_usage"."booked_units" >= 0),
	CONSTRAINT "slot_capacity_exceeded" CHECK("slot_usage"."booked_units" <= CASE WHEN "slot_usage"."blocked" THEN 0 ELSE "slot_usage"."capacity_units" END)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_org_idx` ON `users` (`org_id`);--> statement-breakpoint
CREATE TABLE `voucher_applications` (
	`id` text PRIMARY KEY NOT NULL,
	`programme_id` text NOT NULL,
	`programme_version` integer NOT NULL,
	`sme_org_id` text NOT NULL,
	`applicant_user_id` text NOT NULL,
	`requested_fen` integer NOT NULL,
	`purpose` text NOT NULL,
	`status` text NOT NULL,
	`eligibility_json` text NOT NULL,
	`approved_fen` integer,
	`decision_reason` text,
	`decided_by` text,
	`decided_at` integer,
	`voucher_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`programme_id`) REFERENCES `programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sme_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "voucher_applications_requested_positive" CHECK("voucher_applications"."requested_fen" > 0),
	CONSTRAINT "voucher_applications_approved_within_request" CHECK("voucher_applications"."approved_fen" IS NULL OR ("voucher_applications"."approved_fen" > 0 AND "voucher_applications"."approved_fen" <= "voucher_applications"."requested_fen"))
);
--> statement-breakpoint
CREATE INDEX `voucher_applications_programme_idx` ON `voucher_applications` (`programme_id`,`status`);--> statement-breakpoint
CREATE INDEX `voucher_applications_sme_idx` ON `voucher_applications` (`sme_org_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `voucher_applications_one_pending` ON `voucher_applications` (`programme_id`,`sme_org_id`) WHERE "voucher_applications"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `vouchers` (
	`id` text PRIMARY KEY NOT NULL,
	`programme_id` text NOT NULL,
	`programme_version` integer NOT NULL,
	`sme_org_id` text NOT NULL,
	`application_id` text NOT NULL,
	`account_id` text NOT NULL,
	`face_value_fen` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`programme_id`) REFERENCES `programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sme_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "vouchers_face_value_positive" CHECK("vouchers"."face_value_fen" > 0),
	CONSTRAINT "vouchers_expiry_after_issue" CHECK("vouchers"."expires_at" > "vouchers"."issued_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vouchers_application_unique` ON `vouchers` (`application_id`);--> statement-breakpoint
CREATE INDEX `vouchers_sme_idx` ON `vouchers` (`sme_org_id`,`status`);--> statement-breakpoint
CREATE INDEX `vouchers_expiry_idx` ON `vouchers` (`status`,`expires_at`);