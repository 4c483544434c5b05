DROP INDEX `ledger_account`;--> statement-breakpoint
-- SQLite cannot add a NOT NULL column without a default; every existing row is backfilled below.
ALTER TABLE `ledger_entries` ADD `owner` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `ledger_entries` SET `owner` = CASE
  WHEN `account` LIKE 'wallet:%' OR `account` LIKE 'vault:%' OR `account` LIKE 'escrow:%' THEN substr(`account`, instr(`account`, ':') + 1)
  ELSE `account`
END;--> statement-breakpoint
CREATE INDEX `ledger_owner` ON `ledger_entries` (`owner`,`id`);
