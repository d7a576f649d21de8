CREATE TABLE `reminders` (
	`kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `subject_id`)
);
--> statement-breakpoint
CREATE INDEX `reminders_created_idx` ON `reminders` (`created_at`);