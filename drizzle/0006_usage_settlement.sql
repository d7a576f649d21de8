CREATE TABLE `booking_usage` (
	`booking_id` text PRIMARY KEY NOT NULL,
	`metered_milli` integer NOT NULL,
	`booked_milli` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "usage_below_zero" CHECK("booking_usage"."metered_milli" >= 0),
	CONSTRAINT "usage_above_booked" CHECK("booking_usage"."metered_milli" <= "booking_usage"."booked_milli")
);
--> statement-breakpoint
CREATE TABLE `usage_events` (
	`provider_org_id` text NOT NULL,
	`event_id` text NOT NULL,
	`booking_id` text NOT NULL,
	`period_start_at` integer NOT NULL,
	`period_end_at` integer NOT NULL,
	`quantity_milli` integer NOT NULL,
	`reason` text,
	`source` text NOT NULL,
	`batch_id` text NOT NULL,
	`recorded_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`provider_org_id`, `event_id`),
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "usage_period_range" CHECK("usage_events"."period_end_at" > "usage_events"."period_start_at"),
	CONSTRAINT "usage_quantity_non_zero" CHECK("usage_events"."quantity_milli" <> 0),
	CONSTRAINT "usage_correction_has_reason" CHECK("usage_events"."quantity_milli" > 0 OR "usage_events"."reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `usage_events_booking_idx` ON `usage_events` (`booking_id`,`period_start_at`);--> statement-breakpoint
CREATE INDEX `usage_events_batch_idx` ON `usage_events` (`batch_id`);--> statement-breakpoint
ALTER TABLE `bookings` ADD `delivered_gross_fen` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `delivered_copay_fen` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `delivered_quantity_milli` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `delivered_at` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `confirmation_state` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `confirm_delivery_by_at` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `dispute_reason` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `dispute_resolution` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `slurm_account` text;--> statement-breakpoint
CREATE INDEX `bookings_slurm_account_idx` ON `bookings` (`provider_org_id`,`slurm_account`);