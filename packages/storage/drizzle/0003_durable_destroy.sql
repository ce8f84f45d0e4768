ALTER TABLE `sessions` ADD `destroy_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `next_destroy_at` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_destroy_error` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `last_active_at` integer;--> statement-breakpoint
CREATE INDEX `sessions_next_destroy_idx` ON `sessions` (`next_destroy_at`);