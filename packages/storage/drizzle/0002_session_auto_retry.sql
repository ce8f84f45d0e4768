ALTER TABLE `sessions` ADD `auto_retry` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `retry_scope` text DEFAULT 'same_gpu' NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `max_attempts` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `attempt` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `tried_offer_ids` text DEFAULT '[]' NOT NULL;