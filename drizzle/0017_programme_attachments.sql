CREATE TABLE `programme_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`programme_id` text NOT NULL,
	`file_id` text NOT NULL,
	`ordinal` integer NOT NULL,
	`added_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`removed_by` text,
	`removed_at` integer,
	FOREIGN KEY (`programme_id`) REFERENCES `programmes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "programme_attachments_limit" CHECK("programme_attachments"."ordinal" BETWEEN 1 AND 10)
);
--> statement-breakpoint
CREATE INDEX `programme_attachments_programme_idx` ON `programme_attachments` (`programme_id`,`created_at`);