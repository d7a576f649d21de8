ALTER TABLE `ledger_transfers` ADD `programme_id` text;--> statement-breakpoint
CREATE INDEX `ledger_transfers_programme_idx` ON `ledger_transfers` (`programme_id`,`code`,`kind`,`created_at`,`amount_fen`,`subject_id`,`id`);--> statement-breakpoint
CREATE INDEX `bookings_programme_idx` ON `bookings` (`programme_id`,`ends_at`);--> statement-breakpoint
-- hand-written:
-- Transfers written before this migration learn their programme from their accounts, as
-- src/db/ledger.ts writes it for every new transfer: the debit account's programme, else the
-- credit account's (an agency's budget source belongs to no programme).
UPDATE ledger_transfers SET programme_id = coalesce(
  (SELECT a.programme_id FROM ledger_accounts a WHERE a.id = ledger_transfers.debit_account_id),
  (SELECT a.programme_id FROM ledger_accounts a WHERE a.id = ledger_transfers.credit_account_id))
WHERE programme_id IS NULL;
