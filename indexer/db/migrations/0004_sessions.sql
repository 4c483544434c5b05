CREATE TABLE `gift_sessions` (
	`session_key` text PRIMARY KEY NOT NULL,
	`viewer` text NOT NULL,
	`token` text NOT NULL,
	`cap` text NOT NULL,
	`spent` text NOT NULL,
	`reserved` text NOT NULL,
	`gift_count` integer NOT NULL,
	`grace` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`closed_at` integer,
	`releasable_at` integer NOT NULL,
	`released_amount` text,
	`released_at` integer,
	`release_tx_id` text,
	`status` text NOT NULL,
	`opened_at` integer NOT NULL,
	`open_tx_id` text NOT NULL,
	`open_block_number` integer NOT NULL,
	`open_tx_index` integer NOT NULL,
	`open_log_index` integer NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `gift_sessions_viewer` ON `gift_sessions` (`viewer`,`open_block_number`,`open_tx_index`,`open_log_index`);--> statement-breakpoint
CREATE INDEX `gift_sessions_token` ON `gift_sessions` (`token`);--> statement-breakpoint
CREATE TABLE `raw_tx_fees` (
	`tx_id` text PRIMARY KEY NOT NULL,
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`caller` text NOT NULL,
	`contract` text,
	`energy_total` integer NOT NULL,
	`caller_energy` integer NOT NULL,
	`deployer_energy` integer NOT NULL,
	`energy_fee` text NOT NULL,
	`net_usage` integer NOT NULL,
	`net_fee` text NOT NULL,
	`fee` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `raw_tx_fees_block` ON `raw_tx_fees` (`block_number`);--> statement-breakpoint
CREATE TABLE `skipped_intents` (
	`id` integer PRIMARY KEY NOT NULL,
	`tx_id` text NOT NULL,
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`intent_hash` text NOT NULL,
	`sender` text NOT NULL,
	`nonce` text NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `skipped_intents_sender` ON `skipped_intents` (`sender`,`id`);--> statement-breakpoint
CREATE INDEX `skipped_intents_block` ON `skipped_intents` (`block_number`);--> statement-breakpoint
ALTER TABLE `gifts` ADD `relayed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `gifts` ADD `intent_hash` text;--> statement-breakpoint
ALTER TABLE `gifts` ADD `signer` text;--> statement-breakpoint
ALTER TABLE `gifts` ADD `session_key` text;