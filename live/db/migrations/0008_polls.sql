CREATE TABLE `live_poll_votes` (
	`poll_id` integer NOT NULL,
	`voter` text NOT NULL,
	`option` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `voter`)
);
--> statement-breakpoint
CREATE TABLE `live_polls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stream_id` integer NOT NULL,
	`question` text NOT NULL,
	`options` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `live_polls_stream` ON `live_polls` (`stream_id`,`id`);--> statement-breakpoint
CREATE INDEX `live_polls_open` ON `live_polls` (`ended_at`);