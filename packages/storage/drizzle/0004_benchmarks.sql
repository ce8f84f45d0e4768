CREATE TABLE `benchmark_results` (
	`id` text PRIMARY KEY NOT NULL,
	`timestamp` integer NOT NULL,
	`source` text NOT NULL,
	`gpu_sku` text,
	`gpu_name` text NOT NULL,
	`provider` text NOT NULL,
	`location` text NOT NULL,
	`price_per_hour_micros` integer,
	`model_name` text NOT NULL,
	`runtime` text NOT NULL,
	`avg_tokens_per_second` real NOT NULL,
	`valid` integer NOT NULL,
	`session_id` text,
	`offer_id` text,
	`run_id` text,
	`dedupe_key` text,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `benchmark_results_dedupe_key_unique` ON `benchmark_results` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `benchmark_results_model_idx` ON `benchmark_results` (`model_name`,`gpu_sku`,`provider`);--> statement-breakpoint
CREATE INDEX `benchmark_results_run_idx` ON `benchmark_results` (`run_id`);--> statement-breakpoint
CREATE INDEX `benchmark_results_timestamp_idx` ON `benchmark_results` (`timestamp`);--> statement-breakpoint
CREATE TABLE `benchmark_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`schedule_id` text,
	`request` text NOT NULL,
	`entries` text NOT NULL,
	`spent_micros` integer NOT NULL,
	`excluded_offer_ids` text NOT NULL,
	`excluded_host_ids` text NOT NULL,
	`cancel_requested` integer NOT NULL,
	`stop_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`completed_at` integer,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `benchmark_runs_status_idx` ON `benchmark_runs` (`status`);--> statement-breakpoint
CREATE INDEX `benchmark_runs_schedule_idx` ON `benchmark_runs` (`schedule_id`);--> statement-breakpoint
CREATE TABLE `benchmark_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`cron_expression` text NOT NULL,
	`timezone` text NOT NULL,
	`run_template` text NOT NULL,
	`enabled` integer NOT NULL,
	`next_run_at` integer,
	`last_run_at` integer,
	`last_run_id` text,
	`last_skip_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `benchmark_schedules_name_unique` ON `benchmark_schedules` (`name`);--> statement-breakpoint
CREATE INDEX `benchmark_schedules_due_idx` ON `benchmark_schedules` (`enabled`,`next_run_at`);