ALTER TABLE `live_streams` ADD `first_live_at` integer;--> statement-breakpoint
ALTER TABLE `live_streams` ADD `peak_viewers` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `live_streams` SET `first_live_at` = `started_at` WHERE `first_live_at` IS NULL;
