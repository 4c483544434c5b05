CREATE TABLE `live_notification_settings` (
	`account` text NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer NOT NULL,
	PRIMARY KEY(`account`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `live_notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`data` text NOT NULL,
	`at` integer NOT NULL,
	`read_at` integer,
	`delivered` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `live_notifications_account_key` ON `live_notifications` (`account`,`key`);--> statement-breakpoint
CREATE INDEX `live_notifications_account_id` ON `live_notifications` (`account`,`id`);--> statement-breakpoint
CREATE INDEX `live_notifications_due` ON `live_notifications` (`delivered`,`at`);--> statement-breakpoint
CREATE TABLE `live_notified_gifts` (
	`tx_id` text NOT NULL,
	`log_index` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`tx_id`, `log_index`)
);
--> statement-breakpoint
CREATE INDEX `live_notified_gifts_at` ON `live_notified_gifts` (`at`);--> statement-breakpoint
CREATE TABLE `live_state` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
