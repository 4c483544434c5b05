CREATE TABLE `live_relay_peers` (
	`peer_id` text PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_relay_peers_address` ON `live_relay_peers` (`address`,`created_at`);--> statement-breakpoint
CREATE TABLE `live_relay_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stream_id` integer NOT NULL,
	`side` text NOT NULL,
	`uploader_peer` text NOT NULL,
	`downloader_peer` text NOT NULL,
	`bytes` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_relay_reports_at` ON `live_relay_reports` (`at`);