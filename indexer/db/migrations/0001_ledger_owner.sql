CREATE TABLE `ledger_owners` (
	`owner` text PRIMARY KEY NOT NULL,
	`id` integer NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_owners_id` ON `ledger_owners` (`id`);--> statement-breakpoint
DROP INDEX `ledger_account`;--> statement-breakpoint
-- SQLite cannot add a NOT NULL column without a default; every existing row is backfilled below.
ALTER TABLE `ledger_entries` ADD `owner_id` integer NOT NULL DEFAULT 0;--> statement-breakpoint
-- Owners numbered by their first entry, as the handlers number them: the same table a reindex builds.
INSERT INTO `ledger_owners` (`owner`, `id`, `block_number`)
SELECT `owner`, row_number() OVER (ORDER BY `first`), `block_number` FROM (
  SELECT CASE
      WHEN `account` LIKE 'wallet:%' OR `account` LIKE 'vault:%' OR `account` LIKE 'escrow:%' THEN substr(`account`, instr(`account`, ':') + 1)
      ELSE `account`
    END AS `owner`, min(`id`) AS `first`, min(`block_number`) AS `block_number`
  FROM `ledger_entries` GROUP BY 1
);--> statement-breakpoint
UPDATE `ledger_entries` SET `owner_id` = (
  SELECT `id` FROM `ledger_owners` WHERE `owner` = CASE
      WHEN `account` LIKE 'wallet:%' OR `account` LIKE 'vault:%' OR `account` LIKE 'escrow:%' THEN substr(`account`, instr(`account`, ':') + 1)
      ELSE `account`
    END
);--> statement-breakpoint
CREATE INDEX `ledger_owner` ON `ledger_entries` (`owner_id`,`id`);
