CREATE TABLE `live_raids` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`from_stream` integer NOT NULL,
	`to_stream` integer NOT NULL,
	`by` text NOT NULL,
	`viewers` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `live_raids_by` ON `live_raids` (`by`,`created_at`);--> statement-breakpoint
CREATE INDEX `live_raids_to` ON `live_raids` (`to_stream`,`created_at`);--> statement-breakpoint
ALTER TABLE `live_streams` ADD `accept_raids` integer DEFAULT true NOT NULL;