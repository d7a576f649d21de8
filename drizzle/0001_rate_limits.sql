CREATE TABLE `rate_limits` (
	`key` text NOT NULL,
	`window_started_at` integer NOT NULL,
	`window_ends_at` integer NOT NULL,
	`used` integer NOT NULL,
	`allowed` integer NOT NULL,
	PRIMARY KEY(`key`, `window_started_at`),
	CONSTRAINT "rate_limit_exceeded" CHECK("rate_limits"."used" <= "rate_limits"."allowed"),
	CONSTRAINT "rate_limit_used_non_negative" CHECK("rate_limits"."used" >= 0)
);
--> statement-breakpoint
CREATE INDEX `rate_limits_window_end_idx` ON `rate_limits` (`window_ends_at`);