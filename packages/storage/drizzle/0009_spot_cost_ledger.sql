ALTER TABLE `cost_entries` ADD `provider_instance_id` text;--> statement-breakpoint
ALTER TABLE `cost_entries` ADD `bid_per_hour_micros` integer;--> statement-breakpoint
ALTER TABLE `cost_entries` ADD `on_demand_price_per_hour_micros` integer;--> statement-breakpoint
ALTER TABLE `cost_entries` ADD `on_demand_micros` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `on_demand_price_per_hour_micros` integer;