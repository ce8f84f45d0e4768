ALTER TABLE "cost_entries" ADD COLUMN "provider_instance_id" text;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "bid_per_hour_micros" bigint;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "on_demand_price_per_hour_micros" bigint;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD COLUMN "on_demand_micros" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "on_demand_price_per_hour_micros" bigint;