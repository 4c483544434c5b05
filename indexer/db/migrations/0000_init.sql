CREATE TABLE `broadcaster_totals` (
	`broadcaster` text NOT NULL,
	`token` text NOT NULL,
	`total` text NOT NULL,
	`total_sort` text DEFAULT '' NOT NULL,
	`broadcaster_amount` text NOT NULL,
	`gift_count` integer NOT NULL,
	`first_gift_at` integer NOT NULL,
	`last_gift_at` integer NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`broadcaster`, `token`)
);
--> statement-breakpoint
CREATE INDEX `broadcaster_totals_rank` ON `broadcaster_totals` (`token`,`total_sort`);--> statement-breakpoint
CREATE TABLE `contract_state` (
	`contract` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`contract`, `key`)
);
--> statement-breakpoint
CREATE TABLE `earnings` (
	`broadcaster` text NOT NULL,
	`token` text NOT NULL,
	`escrowed_total` text NOT NULL,
	`claimed_total` text NOT NULL,
	`held` text NOT NULL,
	`settled` text NOT NULL,
	`last_claim_at` integer,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`broadcaster`, `token`)
);
--> statement-breakpoint
CREATE TABLE `escrow_slots` (
	`broadcaster` text NOT NULL,
	`token` text NOT NULL,
	`slot` integer NOT NULL,
	`release_at` integer NOT NULL,
	`amount` text NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`broadcaster`, `token`, `slot`)
);
--> statement-breakpoint
CREATE TABLE `follows` (
	`follower` text NOT NULL,
	`target` text NOT NULL,
	`since` integer NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`follower`, `target`)
);
--> statement-breakpoint
CREATE INDEX `follows_target` ON `follows` (`target`,`since`);--> statement-breakpoint
CREATE TABLE `freeze_history` (
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`tx_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`broadcaster` text NOT NULL,
	`kind` text NOT NULL,
	`until` integer,
	`reason` text,
	PRIMARY KEY(`block_number`, `tx_index`, `log_index`)
);
--> statement-breakpoint
CREATE INDEX `freeze_history_broadcaster` ON `freeze_history` (`broadcaster`);--> statement-breakpoint
CREATE TABLE `freezes` (
	`broadcaster` text PRIMARY KEY NOT NULL,
	`until` integer NOT NULL,
	`reason` text NOT NULL,
	`frozen_at` integer NOT NULL,
	`unfrozen_at` integer,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `gift_catalog` (
	`gift_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`price` text NOT NULL,
	`enabled` integer NOT NULL,
	`uri` text NOT NULL,
	`updated_at` integer NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `gifts` (
	`id` integer PRIMARY KEY NOT NULL,
	`tx_id` text NOT NULL,
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`sender` text NOT NULL,
	`broadcaster` text NOT NULL,
	`gift_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`token` text NOT NULL,
	`total` text NOT NULL,
	`broadcaster_amount` text NOT NULL,
	`pool_amount` text NOT NULL,
	`platform_amount` text NOT NULL,
	`stream_id` text NOT NULL,
	`release_at` integer NOT NULL,
	`paid_from` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `gifts_sender` ON `gifts` (`sender`,`id`);--> statement-breakpoint
CREATE INDEX `gifts_broadcaster` ON `gifts` (`broadcaster`,`id`);--> statement-breakpoint
CREATE INDEX `gifts_stream` ON `gifts` (`stream_id`,`id`);--> statement-breakpoint
CREATE INDEX `gifts_block` ON `gifts` (`block_number`);--> statement-breakpoint
CREATE TABLE `hold_periods` (
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`tx_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`hold_period` integer NOT NULL,
	PRIMARY KEY(`block_number`, `tx_index`, `log_index`)
);
--> statement-breakpoint
CREATE TABLE `indexer_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `leaderboards` (
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`period_start` integer NOT NULL,
	`token` text NOT NULL,
	`stream_id` text NOT NULL,
	`account` text NOT NULL,
	`amount` text NOT NULL,
	`amount_sort` text DEFAULT '' NOT NULL,
	`gift_count` integer NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`kind`, `period`, `period_start`, `token`, `stream_id`, `account`)
);
--> statement-breakpoint
CREATE INDEX `leaderboards_top` ON `leaderboards` (`kind`,`period`,`period_start`,`token`,`stream_id`,`amount_sort`,`account`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`tx_id` text NOT NULL,
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`entry_index` integer NOT NULL,
	`timestamp` integer NOT NULL,
	`kind` text NOT NULL,
	`account` text NOT NULL,
	`side` text NOT NULL,
	`token` text NOT NULL,
	`amount` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ledger_account` ON `ledger_entries` (`account`,`token`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_block` ON `ledger_entries` (`block_number`);--> statement-breakpoint
CREATE TABLE `pool` (
	`token` text PRIMARY KEY NOT NULL,
	`accrued` text NOT NULL,
	`flushed` text NOT NULL,
	`balance` text NOT NULL,
	`last_flush_tx_id` text,
	`last_flush_amount` text,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profiles` (
	`address` text PRIMARY KEY NOT NULL,
	`registered` integer NOT NULL,
	`handle` text,
	`profile_uri` text,
	`broadcaster` integer NOT NULL,
	`registered_at` integer,
	`updated_at` integer,
	`follower_count` integer NOT NULL,
	`following_count` integer NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_handle` ON `profiles` (`handle`);--> statement-breakpoint
CREATE TABLE `raw_blocks` (
	`number` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`parent_hash` text NOT NULL,
	`timestamp` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `raw_events` (
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`tx_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`contract` text NOT NULL,
	`address` text NOT NULL,
	`event_name` text NOT NULL,
	`args` text NOT NULL,
	PRIMARY KEY(`block_number`, `tx_index`, `log_index`)
);
--> statement-breakpoint
CREATE INDEX `raw_events_tx_id` ON `raw_events` (`tx_id`);--> statement-breakpoint
CREATE TABLE `reorg_journal` (
	`seq` integer PRIMARY KEY NOT NULL,
	`block_number` integer NOT NULL,
	`table_name` text NOT NULL,
	`key` text NOT NULL,
	`old` text
);
--> statement-breakpoint
CREATE INDEX `reorg_journal_block` ON `reorg_journal` (`block_number`);--> statement-breakpoint
CREATE TABLE `reward_claims` (
	`epoch_id` text NOT NULL,
	`claim_index` text NOT NULL,
	`account` text NOT NULL,
	`amount` text NOT NULL,
	`category` integer NOT NULL,
	`tx_id` text NOT NULL,
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`epoch_id`, `claim_index`)
);
--> statement-breakpoint
CREATE INDEX `reward_claims_account` ON `reward_claims` (`account`);--> statement-breakpoint
CREATE INDEX `reward_claims_block` ON `reward_claims` (`block_number`);--> statement-breakpoint
CREATE TABLE `reward_epochs` (
	`epoch_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`merkle_root` text NOT NULL,
	`total` text NOT NULL,
	`claimed` text NOT NULL,
	`claim_count` integer NOT NULL,
	`claim_deadline` integer NOT NULL,
	`uri` text NOT NULL,
	`published_at` integer NOT NULL,
	`published_tx_id` text NOT NULL,
	`swept` integer NOT NULL,
	`swept_amount` text NOT NULL,
	`swept_at` integer,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reward_pool` (
	`token` text PRIMARY KEY NOT NULL,
	`unallocated` text NOT NULL,
	`outstanding` text NOT NULL,
	`funded_total` text NOT NULL,
	`claimed_total` text NOT NULL,
	`swept_total` text NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `role_admins` (
	`contract` text NOT NULL,
	`role` text NOT NULL,
	`admin_role` text NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`contract`, `role`)
);
--> statement-breakpoint
CREATE TABLE `roles` (
	`contract` text NOT NULL,
	`role` text NOT NULL,
	`account` text NOT NULL,
	`granted_at` integer NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`contract`, `role`, `account`)
);
--> statement-breakpoint
CREATE TABLE `split_history` (
	`block_number` integer NOT NULL,
	`tx_index` integer NOT NULL,
	`log_index` integer NOT NULL,
	`tx_id` text NOT NULL,
	`timestamp` integer NOT NULL,
	`broadcaster` text NOT NULL,
	`kind` text NOT NULL,
	`broadcaster_bps` integer,
	`pool_bps` integer,
	`platform_bps` integer,
	`effective_at` integer NOT NULL,
	PRIMARY KEY(`block_number`, `tx_index`, `log_index`)
);
--> statement-breakpoint
CREATE INDEX `split_history_broadcaster` ON `split_history` (`broadcaster`);--> statement-breakpoint
CREATE TABLE `split_policies` (
	`broadcaster` text PRIMARY KEY NOT NULL,
	`broadcaster_bps` integer NOT NULL,
	`pool_bps` integer NOT NULL,
	`platform_bps` integer NOT NULL,
	`active` integer NOT NULL,
	`has_next` integer NOT NULL,
	`next_broadcaster_bps` integer NOT NULL,
	`next_pool_bps` integer NOT NULL,
	`next_platform_bps` integer NOT NULL,
	`next_active` integer NOT NULL,
	`effective_at` integer NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stream_totals` (
	`stream_id` text NOT NULL,
	`token` text NOT NULL,
	`total` text NOT NULL,
	`total_sort` text DEFAULT '' NOT NULL,
	`broadcaster_amount` text NOT NULL,
	`gift_count` integer NOT NULL,
	`first_gift_at` integer NOT NULL,
	`last_gift_at` integer NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`stream_id`, `token`)
);
--> statement-breakpoint
CREATE TABLE `sync_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`indexed_number` integer NOT NULL,
	`indexed_hash` text NOT NULL,
	`final_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens_allowed` (
	`token` text PRIMARY KEY NOT NULL,
	`allowed` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `treasury` (
	`token` text PRIMARY KEY NOT NULL,
	`accrued` text NOT NULL,
	`withdrawn` text NOT NULL,
	`balance` text NOT NULL,
	`block_number` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vault_balances` (
	`user` text NOT NULL,
	`token` text NOT NULL,
	`amount` text NOT NULL,
	`block_number` integer NOT NULL,
	PRIMARY KEY(`user`, `token`)
);
