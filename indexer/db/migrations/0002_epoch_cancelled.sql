ALTER TABLE `reward_epochs` ADD `cancelled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `reward_epochs` ADD `cancelled_at` integer;