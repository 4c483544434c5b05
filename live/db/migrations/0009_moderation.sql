CREATE TABLE `live_blocked_terms` (
	`stream_id` integer NOT NULL,
	`term` text NOT NULL,
	`added_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`stream_id`, `term`)
);
--> statement-breakpoint
CREATE TABLE `live_mod_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stream_id` integer NOT NULL,
	`at` integer NOT NULL,
	`by` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`detail` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_mod_log_stream` ON `live_mod_log` (`stream_id`,`id`);--> statement-breakpoint
ALTER TABLE `live_messages` ADD `held_at` integer;