CREATE TABLE `live_bans` (
	`stream_id` integer NOT NULL,
	`address` text NOT NULL,
	`until` integer,
	`by` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`stream_id`, `address`)
);
--> statement-breakpoint
CREATE TABLE `live_dms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pair` text NOT NULL,
	`sender` text NOT NULL,
	`recipient` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_dms_pair` ON `live_dms` (`pair`,`id`);--> statement-breakpoint
CREATE TABLE `live_gift_receipts` (
	`tx_id` text NOT NULL,
	`log_index` integer NOT NULL,
	`stream_id` integer NOT NULL,
	`message_id` integer NOT NULL,
	`block_number` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`finality` text NOT NULL,
	PRIMARY KEY(`tx_id`, `log_index`)
);
--> statement-breakpoint
CREATE INDEX `live_gift_receipts_finality` ON `live_gift_receipts` (`finality`);--> statement-breakpoint
CREATE TABLE `live_match_blocks` (
	`blocker` text NOT NULL,
	`blocked` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`blocker`, `blocked`)
);
--> statement-breakpoint
CREATE INDEX `live_match_blocks_blocked` ON `live_match_blocks` (`blocked`);--> statement-breakpoint
CREATE TABLE `live_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room` text NOT NULL,
	`kind` text NOT NULL,
	`sender` text,
	`handle` text,
	`text` text NOT NULL,
	`data` text,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	`deleted_by` text
);
--> statement-breakpoint
CREATE INDEX `live_messages_room` ON `live_messages` (`room`,`id`);--> statement-breakpoint
CREATE TABLE `live_nonces` (
	`nonce` text PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`message` text NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE TABLE `live_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reporter` text NOT NULL,
	`reported` text NOT NULL,
	`context` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `live_room_mods` (
	`stream_id` integer NOT NULL,
	`address` text NOT NULL,
	`appointed_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`stream_id`, `address`)
);
--> statement-breakpoint
CREATE TABLE `live_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_sessions_address` ON `live_sessions` (`address`);--> statement-breakpoint
CREATE TABLE `live_streams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner` text NOT NULL,
	`title` text NOT NULL,
	`category` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`language` text DEFAULT '' NOT NULL,
	`thumbnail_url` text,
	`audio_only` integer DEFAULT false NOT NULL,
	`state` text NOT NULL,
	`media_id` text NOT NULL,
	`stream_key` text NOT NULL,
	`playback_id` text NOT NULL,
	`ingest_url` text NOT NULL,
	`slow_mode_seconds` integer DEFAULT 0 NOT NULL,
	`followers_only` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `live_streams_state` ON `live_streams` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `live_streams_media` ON `live_streams` (`media_id`);--> statement-breakpoint
CREATE INDEX `live_streams_owner` ON `live_streams` (`owner`);