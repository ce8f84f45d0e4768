CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"consumer_id" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "benchmark_results" (
	"id" text PRIMARY KEY NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"source" text NOT NULL,
	"gpu_sku" text,
	"gpu_name" text NOT NULL,
	"provider" text NOT NULL,
	"location" text NOT NULL,
	"price_per_hour_micros" bigint,
	"model_name" text NOT NULL,
	"runtime" text NOT NULL,
	"avg_tokens_per_second" double precision NOT NULL,
	"valid" boolean NOT NULL,
	"session_id" text,
	"offer_id" text,
	"run_id" text,
	"dedupe_key" text,
	"data" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "benchmark_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"schedule_id" text,
	"request" jsonb NOT NULL,
	"entries" jsonb NOT NULL,
	"spent_micros" bigint NOT NULL,
	"excluded_offer_ids" jsonb NOT NULL,
	"excluded_host_ids" jsonb NOT NULL,
	"cancel_requested" boolean NOT NULL,
	"stop_reason" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "benchmark_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"cron_expression" text NOT NULL,
	"timezone" text NOT NULL,
	"run_template" jsonb NOT NULL,
	"enabled" boolean NOT NULL,
	"next_run_at" timestamp (3) with time zone,
	"last_run_at" timestamp (3) with time zone,
	"last_run_id" text,
	"last_skip_reason" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"consumer_id" text PRIMARY KEY NOT NULL,
	"monthly_limit_micros" bigint NOT NULL,
	"period_start" timestamp (3) with time zone NOT NULL,
	"alerts_sent" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consumers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"disabled_at" timestamp (3) with time zone,
	"commitment_version" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cost_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"consumer_id" text NOT NULL,
	"provider" text NOT NULL,
	"gpu_type" text NOT NULL,
	"period_start" timestamp (3) with time zone NOT NULL,
	"period_end" timestamp (3) with time zone NOT NULL,
	"accrued_seconds" integer NOT NULL,
	"amount_micros" bigint NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_identity" (
	"singleton" integer PRIMARY KEY NOT NULL,
	"deployment_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "deployment_identity_singleton" CHECK ("deployment_identity"."singleton" = 1)
);
--> statement-breakpoint
CREATE TABLE "idempotency_records" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "idempotency_records_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"token" integer NOT NULL,
	"acquired_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offer_failures" (
	"id" text PRIMARY KEY NOT NULL,
	"offer_id" text NOT NULL,
	"provider" text NOT NULL,
	"gpu_type" text NOT NULL,
	"host_id" text,
	"failure_type" text NOT NULL,
	"reason" text NOT NULL,
	"session_id" text,
	"consumer_id" text,
	"occurred_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor" text NOT NULL,
	"reason" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_secrets" (
	"session_id" text PRIMARY KEY NOT NULL,
	"encrypted_private_key" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"consumer_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"label" text NOT NULL,
	"provider" text NOT NULL,
	"offer_id" text NOT NULL,
	"provider_instance_id" text,
	"gpu_type" text NOT NULL,
	"gpu_count" integer NOT NULL,
	"status" text NOT NULL,
	"workload_type" text NOT NULL,
	"reservation_hours" integer NOT NULL,
	"idle_timeout_minutes" integer NOT NULL,
	"storage_policy" text NOT NULL,
	"template_hash_id" text,
	"disk_gb" integer,
	"price_per_hour_micros" bigint NOT NULL,
	"auto_retry" boolean DEFAULT false NOT NULL,
	"retry_scope" text DEFAULT 'same_gpu' NOT NULL,
	"max_attempts" integer DEFAULT 1 NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"tried_offer_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ssh_host" text,
	"ssh_port" integer,
	"ssh_user" text,
	"ssh_public_key" text,
	"host_key_fingerprint" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"status_changed_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"hard_max_at" timestamp (3) with time zone NOT NULL,
	"hard_max_override" boolean NOT NULL,
	"provisioning_deadline" timestamp (3) with time zone NOT NULL,
	"billing_started_at" timestamp (3) with time zone,
	"stopped_at" timestamp (3) with time zone,
	"stop_reason" text,
	"destroy_attempts" integer DEFAULT 0 NOT NULL,
	"next_destroy_at" timestamp (3) with time zone,
	"last_destroy_error" text,
	"last_active_at" timestamp (3) with time zone,
	"error_type" text,
	"error_message" text,
	"version" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_consumer_id_consumers_id_fk" FOREIGN KEY ("consumer_id") REFERENCES "public"."consumers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_entries" ADD CONSTRAINT "cost_entries_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_secrets" ADD CONSTRAINT "session_secrets_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_unique" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_consumer_idx" ON "api_keys" USING btree ("consumer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "benchmark_results_dedupe_key_unique" ON "benchmark_results" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "benchmark_results_model_idx" ON "benchmark_results" USING btree ("model_name","gpu_sku","provider");--> statement-breakpoint
CREATE INDEX "benchmark_results_run_idx" ON "benchmark_results" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "benchmark_results_timestamp_idx" ON "benchmark_results" USING btree ("timestamp");--> statement-breakpoint
CREATE INDEX "benchmark_runs_status_idx" ON "benchmark_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "benchmark_runs_schedule_idx" ON "benchmark_runs" USING btree ("schedule_id");--> statement-breakpoint
CREATE UNIQUE INDEX "benchmark_schedules_name_unique" ON "benchmark_schedules" USING btree ("name");--> statement-breakpoint
CREATE INDEX "benchmark_schedules_due_idx" ON "benchmark_schedules" USING btree ("enabled","next_run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cost_entries_session_accrual_unique" ON "cost_entries" USING btree ("session_id","accrued_seconds");--> statement-breakpoint
CREATE INDEX "cost_entries_consumer_period_idx" ON "cost_entries" USING btree ("consumer_id","period_start");--> statement-breakpoint
CREATE INDEX "cost_entries_period_idx" ON "cost_entries" USING btree ("period_start");--> statement-breakpoint
CREATE INDEX "idempotency_expires_idx" ON "idempotency_records" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "offer_failures_occurred_idx" ON "offer_failures" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "offer_failures_offer_idx" ON "offer_failures" USING btree ("offer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "session_events_id_unique" ON "session_events" USING btree ("id");--> statement-breakpoint
CREATE INDEX "session_events_session_idx" ON "session_events" USING btree ("session_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_label_unique" ON "sessions" USING btree ("label");--> statement-breakpoint
CREATE INDEX "sessions_status_idx" ON "sessions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "sessions_consumer_idx" ON "sessions" USING btree ("consumer_id");--> statement-breakpoint
CREATE INDEX "sessions_provider_instance_idx" ON "sessions" USING btree ("provider","provider_instance_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_at_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sessions_next_destroy_idx" ON "sessions" USING btree ("next_destroy_at");