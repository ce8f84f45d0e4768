CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`consumer_id` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`consumer_id`) REFERENCES `consumers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_consumer_idx` ON `api_keys` (`consumer_id`);--> statement-breakpoint
CREATE TABLE `budgets` (
	`consumer_id` text PRIMARY KEY NOT NULL,
	`monthly_limit_micros` integer NOT NULL,
	`period_start` integer NOT NULL,
	`alerts_sent` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`consumer_id`) REFERENCES `consumers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `consumers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`disabled_at` integer
);
--> statement-breakpoint
CREATE TABLE `cost_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`consumer_id` text NOT NULL,
	`provider` text NOT NULL,
	`gpu_type` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`accrued_seconds` integer NOT NULL,
	`amount_micros` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cost_entries_session_accrual_unique` ON `cost_entries` (`session_id`,`accrued_seconds`);--> statement-breakpoint
CREATE INDEX `cost_entries_consumer_period_idx` ON `cost_entries` (`consumer_id`,`period_start`);--> statement-breakpoint
CREATE INDEX `cost_entries_period_idx` ON `cost_entries` (`period_start`);--> statement-breakpoint
CREATE TABLE `deployment_identity` (
	`singleton` integer PRIMARY KEY NOT NULL,
	`deployment_id` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "deployment_identity_singleton" CHECK("deployment_identity"."singleton" = 1)
);
--> statement-breakpoint
CREATE TABLE `idempotency_records` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_expires_idx` ON `idempotency_records` (`expires_at`);--> statement-breakpoint
CREATE TABLE `offer_failures` (
	`id` text PRIMARY KEY NOT NULL,
	`offer_id` text NOT NULL,
	`provider` text NOT NULL,
	`gpu_type` text NOT NULL,
	`host_id` text,
	`failure_type` text NOT NULL,
	`reason` text NOT NULL,
	`session_id` text,
	`occurred_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `offer_failures_occurred_idx` ON `offer_failures` (`occurred_at`);--> statement-breakpoint
CREATE INDEX `offer_failures_offer_idx` ON `offer_failures` (`offer_id`);--> statement-breakpoint
CREATE TABLE `session_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`type` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`actor` text NOT NULL,
	`reason` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`data` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_events_id_unique` ON `session_events` (`id`);--> statement-breakpoint
CREATE INDEX `session_events_session_idx` ON `session_events` (`session_id`,`seq`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`consumer_id` text NOT NULL,
	`deployment_id` text NOT NULL,
	`label` text NOT NULL,
	`provider` text NOT NULL,
	`offer_id` text NOT NULL,
	`provider_instance_id` text,
	`gpu_type` text NOT NULL,
	`gpu_count` integer NOT NULL,
	`status` text NOT NULL,
	`workload_type` text NOT NULL,
	`reservation_hours` integer NOT NULL,
	`idle_timeout_minutes` integer NOT NULL,
	`storage_policy` text NOT NULL,
	`template_hash_id` text,
	`disk_gb` integer,
	`price_per_hour_micros` integer NOT NULL,
	`ssh_host` text,
	`ssh_port` integer,
	`ssh_user` text,
	`ssh_public_key` text,
	`host_key_fingerprint` text,
	`created_at` integer NOT NULL,
	`status_changed_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`hard_max_at` integer NOT NULL,
	`hard_max_override` integer NOT NULL,
	`provisioning_deadline` integer NOT NULL,
	`billing_started_at` integer,
	`stopped_at` integer,
	`stop_reason` text,
	`error_type` text,
	`error_message` text,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_label_unique` ON `sessions` (`label`);--> statement-breakpoint
CREATE INDEX `sessions_status_idx` ON `sessions` (`status`);--> statement-breakpoint
CREATE INDEX `sessions_consumer_idx` ON `sessions` (`consumer_id`);--> statement-breakpoint
CREATE INDEX `sessions_provider_instance_idx` ON `sessions` (`provider`,`provider_instance_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_at_idx` ON `sessions` (`expires_at`);