CREATE TABLE `live_clips` (
	`clip_id` text PRIMARY KEY NOT NULL,
	`stream_id` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_clips_stream` ON `live_clips` (`stream_id`);--> statement-breakpoint
ALTER TABLE `live_streams` ADD `record` integer DEFAULT true NOT NULL;