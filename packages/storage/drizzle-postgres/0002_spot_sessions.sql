ALTER TABLE "sessions" ADD COLUMN "interruptible" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "bid_per_hour_micros" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "max_bid_per_hour_micros" bigint;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "on_preempt" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "preemptions" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "prior_billed_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "prior_cost_micros" bigint DEFAULT 0 NOT NULL;