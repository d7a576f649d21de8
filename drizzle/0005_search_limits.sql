CREATE TABLE `write_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`counted` integer NOT NULL,
	`allowed` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "write_limit_exceeded" CHECK("write_limits"."counted" <= "write_limits"."allowed")
);
--> statement-breakpoint
CREATE INDEX `blackouts_offering_end_idx` ON `blackouts` (`offering_id`,`ends_at`);--> statement-breakpoint
CREATE INDEX `slot_usage_open_idx` ON `slot_usage` (`offering_id`,`slot_start_at`) WHERE "slot_usage"."blocked" = 0;