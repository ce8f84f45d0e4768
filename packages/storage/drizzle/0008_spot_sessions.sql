ALTER TABLE `sessions` ADD `interruptible` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `bid_per_hour_micros` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `max_bid_per_hour_micros` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `on_preempt` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `preemptions` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `prior_billed_seconds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `prior_cost_micros` integer DEFAULT 0 NOT NULL;