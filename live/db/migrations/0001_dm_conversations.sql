CREATE INDEX `live_dms_sender` ON `live_dms` (`sender`,`id`);--> statement-breakpoint
CREATE INDEX `live_dms_recipient` ON `live_dms` (`recipient`,`id`);