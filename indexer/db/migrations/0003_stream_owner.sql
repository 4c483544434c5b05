PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_leaderboards` (
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`period_start` integer NOT NULL,
	`token` text NOT NULL,
	`stream_owner` text NOT NULL,
	`stream_id` text NOT NULL,
	`account` text NOT NULL,
	`amount` text NOT NULL,
	`amount_sort` text DEFAULT '' NOT NULL,
	`gift_count` integer NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`kind`, `period`, `period_start`, `token`, `stream_owner`, `stream_id`, `account`)
);
--> statement-breakpoint
-- The global charts keep their rows; per-stream rows, which now key on the broadcaster the gifts
-- went to, are rebuilt from the raw store (the rebuild_required marker at the end).
INSERT INTO `__new_leaderboards`("kind", "period", "period_start", "token", "stream_owner", "stream_id", "account", "amount", "amount_sort", "gift_count", "block_number") SELECT "kind", "period", "period_start", "token", '', "stream_id", "account", "amount", "amount_sort", "gift_count", "block_number" FROM `leaderboards` WHERE "stream_id" = '';--> statement-breakpoint
DROP TABLE `leaderboards`;--> statement-breakpoint
ALTER TABLE `__new_leaderboards` RENAME TO `leaderboards`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `leaderboards_top` ON `leaderboards` (`kind`,`period`,`period_start`,`token`,`stream_owner`,`stream_id`,`amount_sort`,`account`);--> statement-breakpoint
CREATE TABLE `__new_stream_totals` (
	`broadcaster` text NOT NULL,
	`stream_id` text NOT NULL,
	`token` text NOT NULL,
	`total` text NOT NULL,
	`total_sort` text DEFAULT '' NOT NULL,
	`broadcaster_amount` text NOT NULL,
	`gift_count` integer NOT NULL,
	`first_gift_at` integer NOT NULL,
	`last_gift_at` integer NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`broadcaster`, `stream_id`, `token`)
);
--> statement-breakpoint
DROP TABLE `stream_totals`;--> statement-breakpoint
ALTER TABLE `__new_stream_totals` RENAME TO `stream_totals`;--> statement-breakpoint
-- Stream totals cannot be split by broadcaster in SQL (amounts are exact integers in TEXT): the
-- indexer rebuilds every derived table from the raw store before it next syncs.
INSERT OR REPLACE INTO `indexer_meta` (`key`, `value`) VALUES ('rebuild_required', 'migration 0003: streams count with their broadcaster');