CREATE TABLE `live_dm_blocks` (
	`blocker` text NOT NULL,
	`blocked` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`blocker`, `blocked`)
);
--> statement-breakpoint
CREATE INDEX `live_dm_blocks_blocked` ON `live_dm_blocks` (`blocked`);