-- hand-written: an event's canonical text becomes what is stored, and its fields are read from it.
-- The verifier hashed json_array(...) of the eleven field columns for every event; now the text it
-- hashes is the stored `canonical`, and every field the product reads (lists, exports, anomaly
-- rules, proofs) is a VIRTUAL column computed from that text on each read, so a field cannot be
-- changed apart from the hashed text (docs/audit-log.md, "What is stored"). The verifier checks
-- this table's definition before it trusts the text alone. The canonical text of every existing
-- event is exactly what the verifier computed before (the same json_array), so sealed hashes and
-- signed checkpoints are unchanged. audit_tree keeps subtrees of 16 leaves and more: the smaller
-- ones are recomputed from at most 16 events when a proof needs them.
ALTER TABLE `audit_events` RENAME TO `audit_events_0017`;--> statement-breakpoint
CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`canonical` text NOT NULL,
	`at` integer NOT NULL GENERATED ALWAYS AS (json_extract(`canonical`, '$[2]')) VIRTUAL,
	`request_id` text NOT NULL GENERATED ALWAYS AS (json_extract(`canonical`, '$[3]')) VIRTUAL,
	`actor_user_id` text GENERATED ALWAYS AS (json_extract(`canonical`, '$[4]')) VIRTUAL,
	`actor_org_id` text GENERATED ALWAYS AS (json_extract(`canonical`, '$[5]')) VIRTUAL,
	`action` text NOT NULL GENERATED ALWAYS AS (json_extract(`canonical`, '$[6]')) VIRTUAL,
	`subject_type` text NOT NULL GENERATED ALWAYS AS (json_extract(`canonical`, '$[7]')) VIRTUAL,
	`subject_id` text NOT NULL GENERATED ALWAYS AS (json_extract(`canonical`, '$[8]')) VIRTUAL,
	`programme_id` text GENERATED ALWAYS AS (json_extract(`canonical`, '$[9]')) VIRTUAL,
	`before_json` text GENERATED ALWAYS AS (json_extract(`canonical`, '$[10]')) VIRTUAL,
	`after_json` text GENERATED ALWAYS AS (json_extract(`canonical`, '$[11]')) VIRTUAL,
	`prev_hash` text,
	`hash` text,
	CONSTRAINT "audit_seal_chained" CHECK("hash" IS NULL OR "prev_hash" IS NOT NULL),
	CONSTRAINT "audit_event_canonical" CHECK(json_array_length(`canonical`) = 12 AND json_extract(`canonical`, '$[0]') = 'audit-event/v1' AND json_extract(`canonical`, '$[1]') = `seq` AND json_type(`canonical`, '$[2]') = 'integer')
);--> statement-breakpoint
INSERT INTO `audit_events` (`seq`, `canonical`, `prev_hash`, `hash`) SELECT `seq`, json_array('audit-event/v1', `seq`, `at`, `request_id`, `actor_user_id`, `actor_org_id`, `action`, `subject_type`, `subject_id`, `programme_id`, `before_json`, `after_json`), `prev_hash`, `hash` FROM `audit_events_0017` ORDER BY `seq`;--> statement-breakpoint
DROP TABLE `audit_events_0017`;--> statement-breakpoint
CREATE INDEX `audit_events_subject_idx` ON `audit_events` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `audit_events_programme_idx` ON `audit_events` (`programme_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_hash_unique` ON `audit_events` (`hash`);--> statement-breakpoint
CREATE INDEX `audit_events_unsealed_idx` ON `audit_events` (`seq`) WHERE `hash` IS NULL;--> statement-breakpoint
DELETE FROM `audit_tree` WHERE `level` < 4;
