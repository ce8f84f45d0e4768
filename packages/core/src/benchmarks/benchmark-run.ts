import { z } from 'zod';

import { consumerIdSchema } from '../sessions/session.js';
import { providerNameSchema } from '../providers/provider-name.js';

/**
 * A persisted benchmark run: models × GPU types (× providers, when named), each entry worked through
 * attempts. Unlike upstream (runs in memory only, budget checked once before anything cost money,
 * failed attempts free; reference bench-ssh-ops §A.6, §E.2) every step is written to the repository
 * as it happens, so a restarted server resumes the run, and `spentMicros` is the ledger cost of every
 * attempt's session, failed ones included.
 */

export const BENCHMARK_RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export const benchmarkRunStatusSchema = z.enum(BENCHMARK_RUN_STATUSES);
export type BenchmarkRunStatus = z.infer<typeof benchmarkRunStatusSchema>;

/** `skipped`: never attempted (budget exhausted, run cancelled before it). */
export const BENCHMARK_ENTRY_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'] as const;
export const benchmarkEntryStatusSchema = z.enum(BENCHMARK_ENTRY_STATUSES);
export type BenchmarkEntryStatus = z.infer<typeof benchmarkEntryStatusSchema>;

/** Where an attempt is (or where it stopped). Persisted before each step, so a restart knows what was in flight. */
export const BENCHMARK_STAGES = ['budget', 'find_offer', 'provision', 'upload', 'start', 'poll', 'download', 'parse', 'store', 'destroy', 'done'] as const;
export const benchmarkStageSchema = z.enum(BENCHMARK_STAGES);
export type BenchmarkStage = z.infer<typeof benchmarkStageSchema>;

/**
 * Why an attempt failed, and whether another attempt (on another offer and host) may help. Every
 * failure carries one; `retry_suggested` comes from this table only, so it is consistent everywhere.
 */
export const BENCHMARK_RETRY_SUGGESTED = {
  /** No offer left for the GPU type after exclusions: another try finds none either. */
  no_offers: false,
  /** max_budget reached (spent + the next attempt's estimate): nothing more may be rented. */
  budget_exhausted: false,
  /** The consumer's own budget refused the reservation. */
  consumer_budget_exceeded: false,
  /** The request itself is wrong (unknown model tag, bad GPU name): retrying repeats it. */
  invalid_request: false,
  offer_unavailable: true,
  rate_limited: true,
  provider_error: true,
  /** Provider credentials rejected: no other offer at that provider will work either. */
  provider_auth: false,
  ssh_timeout: true,
  ssh_auth_failed: true,
  readiness_timeout: true,
  provisioning_timeout: true,
  instance_stopped: true,
  instance_vanished: true,
  upload_failed: true,
  start_failed: true,
  /** The script reported a failure (Ollama never came up, the pull failed…): often the host. */
  script_failed: true,
  /** The script process died without a failure marker (OOM kill, reboot). */
  script_crashed: true,
  result_timeout: true,
  result_download_failed: true,
  /** The result JSON failed validation (schema, units): a bug or a broken node, retry on another. */
  result_invalid: true,
  /** A restart interrupted the attempt before the script ran: the session was ended, try again. */
  interrupted: true,
  cancelled: false,
  internal: false,
} as const satisfies Record<string, boolean>;
export type BenchmarkErrorType = keyof typeof BENCHMARK_RETRY_SUGGESTED;
export const BENCHMARK_ERROR_TYPES = Object.keys(BENCHMARK_RETRY_SUGGESTED) as [BenchmarkErrorType, ...BenchmarkErrorType[]];
export const benchmarkErrorTypeSchema = z.enum(BENCHMARK_ERROR_TYPES);

export function isRetrySuggested(errorType: BenchmarkErrorType): boolean {
  return BENCHMARK_RETRY_SUGGESTED[errorType];
}

export const benchmarkAttemptSchema = z.object({
  /** 1-based within the entry. */
  number: z.number().int().min(1),
  status: z.enum(['running', 'succeeded', 'failed']),
  stage: benchmarkStageSchema,
  provider: providerNameSchema.nullable(),
  offerId: z.string().nullable(),
  /** The physical host behind the offer when the provider says (Vast machine id); excluded on failure. */
  hostId: z.string().nullable(),
  pricePerHourMicros: z.number().int().nonnegative().nullable(),
  /** The offer's location (free text), copied onto the result. */
  location: z.string().nullable(),
  sessionId: z.string().nullable(),
  /** Where the script's files live on the node (per attempt, so stale files never mix; §E.2.7). */
  remoteDir: z.string().nullable(),
  /** The script's PID on the node, once started. */
  remotePid: z.number().int().positive().nullable(),
  errorType: benchmarkErrorTypeSchema.nullable(),
  errorMessage: z.string().nullable(),
  retrySuggested: z.boolean().nullable(),
  /** Ledger cost of this attempt's session (µUSD), accrued up to its verified stop. */
  costMicros: z.number().int().nonnegative(),
  /** True once the provider confirmed the instance gone; false while the terminator still retries. */
  destroyVerified: z.boolean().nullable(),
  resultId: z.string().nullable(),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
});
export type BenchmarkAttempt = z.infer<typeof benchmarkAttemptSchema>;

export const benchmarkRunEntrySchema = z.object({
  /** `<runId>-<n>`, stable across restarts. */
  id: z.string().min(1),
  model: z.string().min(1),
  gpuType: z.string().min(1),
  /** null: any configured provider (the cheapest suitable offer). */
  provider: providerNameSchema.nullable(),
  status: benchmarkEntryStatusSchema,
  attempts: z.array(benchmarkAttemptSchema),
  resultId: z.string().nullable(),
  /** The final verdict of a failed or skipped entry (the last attempt's, never overwritten by a generic one). */
  errorType: benchmarkErrorTypeSchema.nullable(),
  errorMessage: z.string().nullable(),
  retrySuggested: z.boolean().nullable(),
});
export type BenchmarkRunEntry = z.infer<typeof benchmarkRunEntrySchema>;

export const MAX_BENCHMARK_MODELS = 20;
export const MAX_BENCHMARK_GPU_TYPES = 50;

/**
 * What a caller asks for (POST /benchmark-runs, or a schedule's template). Money in µUSD; the wire
 * form's `max_budget` (USD) is converted by the contract/server. Defaults are applied by the schema.
 */
export const benchmarkRunRequestSchema = z.object({
  models: z.array(z.string().trim().min(1).max(200)).min(1, 'at least one model is required').max(MAX_BENCHMARK_MODELS),
  /** Empty: every GPU type currently in inventory (expanded when the run is created, then fixed). */
  gpuTypes: z.array(z.string().trim().min(1).max(100)).max(MAX_BENCHMARK_GPU_TYPES).default([]),
  /** Empty: any configured provider per entry. Named: one entry per provider. */
  providers: z.array(providerNameSchema).default([]),
  /** null: no cap. Checked before every provision against real accrued cost plus the next attempt's estimate. */
  maxBudgetMicros: z.number().int().positive().nullable().default(null),
  /** Only offers whose location contains this text (case-insensitive). */
  location: z.string().trim().min(1).nullable().default(null),
  /** Owner of the benchmark sessions (their costs and budget). */
  consumerId: consumerIdSchema.default('benchmarks'),
  maxAttemptsPerEntry: z.number().int().min(1).max(5).default(2),
  /** Throughput phase of the on-node script. */
  durationSeconds: z.number().int().min(10).max(3600).default(300),
});
export type BenchmarkRunRequest = z.infer<typeof benchmarkRunRequestSchema>;
export type BenchmarkRunRequestInput = z.input<typeof benchmarkRunRequestSchema>;

export const benchmarkRunSchema = z.object({
  /** `bch_…`. */
  id: z.string().min(1),
  status: benchmarkRunStatusSchema,
  request: benchmarkRunRequestSchema,
  entries: z.array(benchmarkRunEntrySchema),
  /** Ledger cost of every attempt so far (µUSD). */
  spentMicros: z.number().int().nonnegative(),
  /** Offers and hosts that failed in this run: later attempts (of any entry) avoid them. */
  excludedOfferIds: z.array(z.string()),
  excludedHostIds: z.array(z.string()),
  /** The schedule that fired it, if any. */
  scheduleId: z.string().nullable(),
  cancelRequested: z.boolean(),
  /** Why the run stopped early (budget exhausted, cancelled, internal error). */
  stopReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  startedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
  /** Compare-and-set version: every write increments it. */
  version: z.number().int().nonnegative(),
});
export type BenchmarkRun = z.infer<typeof benchmarkRunSchema>;

/** Fields an update may write; identity and creation facts are frozen. */
export type BenchmarkRunChanges = Partial<Omit<BenchmarkRun, 'id' | 'request' | 'scheduleId' | 'createdAt' | 'version'>>;

export const TERMINAL_BENCHMARK_RUN_STATUSES: readonly BenchmarkRunStatus[] = ['completed', 'failed', 'cancelled'];
export const TERMINAL_BENCHMARK_ENTRY_STATUSES: readonly BenchmarkEntryStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];

export interface BenchmarkRunCounts {
  readonly totalEntries: number;
  readonly pending: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cancelled: number;
}

/** Entry counts by status (for run summaries; always derived, so they can never disagree with the entries). */
export function countBenchmarkEntries(run: Pick<BenchmarkRun, 'entries'>): BenchmarkRunCounts {
  const by = (status: BenchmarkEntryStatus) => run.entries.filter((e) => e.status === status).length;
  return {
    totalEntries: run.entries.length,
    pending: by('pending'),
    running: by('running'),
    succeeded: by('succeeded'),
    failed: by('failed'),
    skipped: by('skipped'),
    cancelled: by('cancelled'),
  };
}
