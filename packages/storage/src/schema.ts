import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The SQLite schema. Times are integer milliseconds since the epoch (exact comparisons, no string
 * formats); money is integer µUSD; every session write goes through a version column.
 * Change it, then run `pnpm db:generate` to write the migration.
 */

const ms = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** One row, ever: this installation's deployment id, written on first start. */
export const deploymentIdentity = sqliteTable(
  'deployment_identity',
  {
    singleton: integer('singleton').primaryKey(),
    deploymentId: text('deployment_id').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [check('deployment_identity_singleton', sql`${t.singleton} = 1`)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    consumerId: text('consumer_id').notNull(),
    deploymentId: text('deployment_id').notNull(),
    label: text('label').notNull(),
    provider: text('provider').notNull(),
    offerId: text('offer_id').notNull(),
    providerInstanceId: text('provider_instance_id'),
    gpuType: text('gpu_type').notNull(),
    gpuCount: integer('gpu_count').notNull(),
    status: text('status').notNull(),
    workloadType: text('workload_type').notNull(),
    reservationHours: integer('reservation_hours').notNull(),
    idleTimeoutMinutes: integer('idle_timeout_minutes').notNull(),
    storagePolicy: text('storage_policy').notNull(),
    templateHashId: text('template_hash_id'),
    diskGb: integer('disk_gb'),
    pricePerHourMicros: integer('price_per_hour_micros').notNull(),
    interruptible: integer('interruptible', { mode: 'boolean' }).notNull().default(false),
    bidPerHourMicros: integer('bid_per_hour_micros'),
    maxBidPerHourMicros: integer('max_bid_per_hour_micros'),
    onPreempt: text('on_preempt'),
    preemptions: integer('preemptions').notNull().default(0),
    priorBilledSeconds: integer('prior_billed_seconds').notNull().default(0),
    priorCostMicros: integer('prior_cost_micros').notNull().default(0),
    onDemandPricePerHourMicros: integer('on_demand_price_per_hour_micros'),
    autoRetry: integer('auto_retry', { mode: 'boolean' }).notNull().default(false),
    retryScope: text('retry_scope').notNull().default('same_gpu'),
    maxAttempts: integer('max_attempts').notNull().default(1),
    attempt: integer('attempt').notNull().default(1),
    triedOfferIds: text('tried_offer_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
    sshHost: text('ssh_host'),
    sshPort: integer('ssh_port'),
    sshUser: text('ssh_user'),
    sshPublicKey: text('ssh_public_key'),
    hostKeyFingerprint: text('host_key_fingerprint'),
    createdAt: ms('created_at').notNull(),
    statusChangedAt: ms('status_changed_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    hardMaxAt: ms('hard_max_at').notNull(),
    hardMaxOverride: integer('hard_max_override', { mode: 'boolean' }).notNull(),
    provisioningDeadline: ms('provisioning_deadline').notNull(),
    billingStartedAt: ms('billing_started_at'),
    stoppedAt: ms('stopped_at'),
    stopReason: text('stop_reason'),
    destroyAttempts: integer('destroy_attempts').notNull().default(0),
    nextDestroyAt: ms('next_destroy_at'),
    lastDestroyError: text('last_destroy_error'),
    lastActiveAt: ms('last_active_at'),
    errorType: text('error_type'),
    errorMessage: text('error_message'),
    version: integer('version').notNull(),
  },
  (t) => [
    uniqueIndex('sessions_label_unique').on(t.label),
    index('sessions_status_idx').on(t.status),
    index('sessions_consumer_idx').on(t.consumerId),
    index('sessions_provider_instance_idx').on(t.provider, t.providerInstanceId),
    index('sessions_expires_at_idx').on(t.expiresAt),
    index('sessions_next_destroy_idx').on(t.nextDestroyAt),
  ],
);

/** Append-only: rows are inserted with the session write they explain and never updated. */
export const sessionEvents = sqliteTable(
  'session_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actor: text('actor').notNull(),
    reason: text('reason').notNull(),
    occurredAt: ms('occurred_at').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [uniqueIndex('session_events_id_unique').on(t.id), index('session_events_session_idx').on(t.sessionId, t.seq)],
);

/** The cost ledger. (session_id, accrued_seconds) is unique: one line per accrual step, never two. */
export const costEntries = sqliteTable(
  'cost_entries',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id),
    consumerId: text('consumer_id').notNull(),
    provider: text('provider').notNull(),
    gpuType: text('gpu_type').notNull(),
    periodStart: ms('period_start').notNull(),
    periodEnd: ms('period_end').notNull(),
    accruedSeconds: integer('accrued_seconds').notNull(),
    amountMicros: integer('amount_micros').notNull(),
    recordedAt: ms('recorded_at').notNull(),
    /** The instance the line bills, and for spot lines its bid and the on-demand reference (null on-demand). */
    providerInstanceId: text('provider_instance_id'),
    bidPerHourMicros: integer('bid_per_hour_micros'),
    onDemandPricePerHourMicros: integer('on_demand_price_per_hour_micros'),
    onDemandMicros: integer('on_demand_micros'),
  },
  (t) => [
    uniqueIndex('cost_entries_session_accrual_unique').on(t.sessionId, t.accruedSeconds),
    index('cost_entries_consumer_period_idx').on(t.consumerId, t.periodStart),
    index('cost_entries_period_idx').on(t.periodStart),
  ],
);

export const consumers = sqliteTable('consumers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: ms('created_at').notNull(),
  disabledAt: ms('disabled_at'),
  /** Bumped by every write that raises the consumer's worst-case spending (CommitmentGuard). */
  commitmentVersion: integer('commitment_version').notNull().default(0),
});

/** Only the SHA-256 of a key is stored; the key itself is shown once, at creation. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    consumerId: text('consumer_id')
      .notNull()
      .references(() => consumers.id),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    revokedAt: ms('revoked_at'),
    lastUsedAt: ms('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_unique').on(t.keyHash), index('api_keys_consumer_idx').on(t.consumerId)],
);

export const budgets = sqliteTable('budgets', {
  consumerId: text('consumer_id')
    .primaryKey()
    .references(() => consumers.id),
  monthlyLimitMicros: integer('monthly_limit_micros').notNull(),
  periodStart: ms('period_start').notNull(),
  alertsSent: text('alerts_sent', { mode: 'json' }).$type<number[]>().notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const offerFailures = sqliteTable(
  'offer_failures',
  {
    id: text('id').primaryKey(),
    offerId: text('offer_id').notNull(),
    provider: text('provider').notNull(),
    gpuType: text('gpu_type').notNull(),
    hostId: text('host_id'),
    failureType: text('failure_type').notNull(),
    reason: text('reason').notNull(),
    sessionId: text('session_id'),
    /** Whose session failed: failures a tenant could cause on its own node count once per tenant. */
    consumerId: text('consumer_id'),
    occurredAt: ms('occurred_at').notNull(),
  },
  (t) => [index('offer_failures_occurred_idx').on(t.occurredAt), index('offer_failures_offer_idx').on(t.offerId)],
);

export const idempotencyRecords = sqliteTable(
  'idempotency_records',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['in_progress', 'completed'] }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_expires_idx').on(t.expiresAt)],
);

/** The session's private key, encrypted by the server's SecretCipher; deleted when the session ends. */
export const sessionSecrets = sqliteTable('session_secrets', {
  sessionId: text('session_id')
    .primaryKey()
    .references(() => sessions.id),
  encryptedPrivateKey: text('encrypted_private_key').notNull(),
});

/**
 * Benchmark results. The columns rankings and list filters use are flat (indexed); the nested
 * measurement (hardware, model, test config, statistics, GPU stats, quality prompts) is one JSON
 * document validated by core's schema on the way out. A non-null dedupe key is unique, which is
 * what makes the published-data import and idempotent submissions re-runnable.
 */
export const benchmarkResults = sqliteTable(
  'benchmark_results',
  {
    id: text('id').primaryKey(),
    timestamp: ms('timestamp').notNull(),
    source: text('source').notNull(),
    gpuSku: text('gpu_sku'),
    gpuName: text('gpu_name').notNull(),
    provider: text('provider').notNull(),
    location: text('location').notNull(),
    pricePerHourMicros: integer('price_per_hour_micros'),
    modelName: text('model_name').notNull(),
    runtime: text('runtime').notNull(),
    avgTokensPerSecond: real('avg_tokens_per_second').notNull(),
    valid: integer('valid', { mode: 'boolean' }).notNull(),
    sessionId: text('session_id'),
    offerId: text('offer_id'),
    runId: text('run_id'),
    dedupeKey: text('dedupe_key'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('benchmark_results_dedupe_key_unique').on(t.dedupeKey),
    index('benchmark_results_model_idx').on(t.modelName, t.gpuSku, t.provider),
    index('benchmark_results_run_idx').on(t.runId),
    index('benchmark_results_timestamp_idx').on(t.timestamp),
  ],
);

/**
 * Benchmark runs. Entries and their attempts are one JSON document written with the run under a
 * compare-and-set on `version`: a run is worked by one runner at a time, and every step it takes is
 * a single atomic write, so a restart finds exactly the last step that completed.
 */
export const benchmarkRuns = sqliteTable(
  'benchmark_runs',
  {
    id: text('id').primaryKey(),
    status: text('status').notNull(),
    scheduleId: text('schedule_id'),
    request: text('request', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    entries: text('entries', { mode: 'json' }).$type<unknown[]>().notNull(),
    spentMicros: integer('spent_micros').notNull(),
    excludedOfferIds: text('excluded_offer_ids', { mode: 'json' }).$type<string[]>().notNull(),
    excludedHostIds: text('excluded_host_ids', { mode: 'json' }).$type<string[]>().notNull(),
    cancelRequested: integer('cancel_requested', { mode: 'boolean' }).notNull(),
    stopReason: text('stop_reason'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    startedAt: ms('started_at'),
    completedAt: ms('completed_at'),
    version: integer('version').notNull(),
  },
  (t) => [index('benchmark_runs_status_idx').on(t.status), index('benchmark_runs_schedule_idx').on(t.scheduleId)],
);

export const benchmarkSchedules = sqliteTable(
  'benchmark_schedules',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    cronExpression: text('cron_expression').notNull(),
    timezone: text('timezone').notNull(),
    runTemplate: text('run_template', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    nextRunAt: ms('next_run_at'),
    lastRunAt: ms('last_run_at'),
    lastRunId: text('last_run_id'),
    lastSkipReason: text('last_skip_reason'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [uniqueIndex('benchmark_schedules_name_unique').on(t.name), index('benchmark_schedules_due_idx').on(t.enabled, t.nextRunAt)],
);

/**
 * Named leases that coordinate several server processes sharing one database: `leader` (the one
 * replica running background work) and `session:<id>` (the one replica driving a session's saga or
 * destroy). `token` is the fencing token: it grows by one each time the lease changes hands, so a
 * holder that lost its lease can tell, and its writes can be refused.
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  token: integer('token').notNull(),
  acquiredAt: ms('acquired_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
});
