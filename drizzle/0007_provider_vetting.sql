CREATE TABLE `provider_vettings` (
	`agency_org_id` text NOT NULL,
	`provider_org_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`decided_by` text,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`agency_org_id`, `provider_org_id`),
	FOREIGN KEY (`agency_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`provider_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "provider_vettings_status" CHECK("provider_vettings"."status" IN ('pending', 'approved', 'rejected', 'suspended')),
	CONSTRAINT "provider_vettings_decided" CHECK(("provider_vettings"."status" = 'pending') = ("provider_vettings"."decided_at" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `provider_vettings_provider_idx` ON `provider_vettings` (`provider_org_id`,`status`);--> statement-breakpoint
-- hand-written:
-- Before per-agency vetting, organisations.provider_status held one agency's decision for all.
-- Each decided provider keeps its decision at the agency that made it: the agency named as actor
-- on the provider's latest audit event for that decision, else the oldest agency (the demo agency
-- on a demo installation). Pending providers are listed, pending, with every agency, as sign-up
-- does for a new provider.
INSERT INTO provider_vettings (agency_org_id, provider_org_id, status, reason, decided_by, decided_at, created_at, updated_at)
SELECT decided.agency_org_id, decided.provider_org_id, decided.status, decided.reason, decided.decided_by,
  coalesce(decided.decided_at, decided.created_at), decided.created_at, coalesce(decided.decided_at, decided.created_at)
FROM (
  SELECT o.id AS provider_org_id, o.provider_status AS status, o.provider_status_reason AS reason, o.created_at,
    coalesce(
      (SELECT e.actor_org_id FROM audit_events e JOIN organisations a ON a.id = e.actor_org_id AND a.kind = 'agency'
        WHERE e.subject_type = 'organisation' AND e.subject_id = o.id AND e.action = 'provider.' || o.provider_status
        ORDER BY e.seq DESC LIMIT 1),
      (SELECT a.id FROM organisations a WHERE a.kind = 'agency' ORDER BY a.created_at, a.id LIMIT 1)
    ) AS agency_org_id,
    (SELECT e.actor_user_id FROM audit_events e
      WHERE e.subject_type = 'organisation' AND e.subject_id = o.id AND e.action = 'provider.' || o.provider_status
      ORDER BY e.seq DESC LIMIT 1) AS decided_by,
    (SELECT e.at FROM audit_events e
      WHERE e.subject_type = 'organisation' AND e.subject_id = o.id AND e.action = 'provider.' || o.provider_status
      ORDER BY e.seq DESC LIMIT 1) AS decided_at
  FROM organisations o
  WHERE o.kind = 'provider' AND o.provider_status IN ('approved', 'rejected', 'suspended')
) AS decided
WHERE decided.agency_org_id IS NOT NULL;
--> statement-breakpoint
INSERT INTO provider_vettings (agency_org_id, provider_org_id, status, created_at, updated_at)
SELECT a.id, o.id, 'pending', o.created_at, o.created_at
FROM organisations o JOIN organisations a ON a.kind = 'agency'
WHERE o.kind = 'provider' AND o.provider_status = 'pending';
--> statement-breakpoint
-- What is left in organisations.provider_status is the installation-wide status; nobody had
-- used it as such yet, so every provider starts active.
UPDATE organisations SET provider_status = 'active', provider_status_reason = NULL WHERE kind = 'provider';
