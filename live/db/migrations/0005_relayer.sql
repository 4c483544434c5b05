CREATE TABLE `live_relay_batch_intents` (
	`batch_id` integer NOT NULL,
	`intent_id` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `intent_id`)
);
--> statement-breakpoint
CREATE INDEX `live_relay_batch_intents_intent` ON `live_relay_batch_intents` (`intent_id`);--> statement-breakpoint
CREATE TABLE `live_relay_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tx_id` text NOT NULL,
	`tx` text NOT NULL,
	`status` text NOT NULL,
	`block_number` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `live_relay_batches_tx_id_unique` ON `live_relay_batches` (`tx_id`);--> statement-breakpoint
CREATE INDEX `live_relay_batches_status` ON `live_relay_batches` (`status`);--> statement-breakpoint
CREATE TABLE `live_relay_intents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`intent_hash` text NOT NULL,
	`sender` text NOT NULL,
	`signer` text NOT NULL,
	`session_key` text,
	`nonce` text NOT NULL,
	`intent` text NOT NULL,
	`signature` text NOT NULL,
	`total` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`batch_id` integer,
	`tx_id` text,
	`block_number` integer,
	`message_id` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`accepted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `live_relay_intents_intent_hash_unique` ON `live_relay_intents` (`intent_hash`);--> statement-breakpoint
CREATE INDEX `live_relay_intents_queue` ON `live_relay_intents` (`status`,`batch_id`,`id`);--> statement-breakpoint
CREATE INDEX `live_relay_intents_session` ON `live_relay_intents` (`session_key`);