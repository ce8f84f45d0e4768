import { type BenchmarkResultDto, type BenchmarkRunDto, type BenchmarkScheduleDto, type RankedBenchmarkDto } from '@gpu-shopper/contract';
import { costAnalysis, toBenchmarkResultWire, type CostAnalysis, type Evidence, type RankedBenchmark } from '@gpu-shopper/bench';
import {
  countBenchmarkEntries,
  microsToUsd,
  usdToMicros,
  type BenchmarkResult,
  type BenchmarkRun,
  type BenchmarkRunRequest,
  type BenchmarkRunRequestInput,
  type BenchmarkSchedule,
} from '@gpu-shopper/core';

/** Wire ↔ domain for benchmarks. Money: USD for humans plus exact µUSD, like sessions and costs. */

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);
const usdOrNull = (micros: number | null) => (micros === null ? null : microsToUsd(micros));

export function benchmarkResultToDto(result: BenchmarkResult): BenchmarkResultDto {
  // The bench library owns the §A.2 field mapping; the µUSD price is added here.
  const wire = toBenchmarkResultWire(result) as Omit<BenchmarkResultDto, 'price_per_hour_micros'>;
  return { ...wire, price_per_hour_micros: result.pricePerHourMicros };
}

export function costAnalysisToDto(cost: CostAnalysis | null) {
  if (!cost) return null;
  return {
    tokens_per_dollar: cost.tokensPerDollar,
    cost_per_million_tokens: cost.costPerMillionTokensUsd,
    cost_per_hour: cost.costPerHourUsd,
    cost_per_hour_micros: usdToMicros(cost.costPerHourUsd),
    estimated_monthly_24x7: cost.estimatedMonthly24x7Usd,
  };
}

export function evidenceToDto(evidence: Evidence) {
  return {
    sample_count: evidence.sampleCount,
    available_samples: evidence.availableSamples,
    newest_at: iso(evidence.newestAt),
    oldest_at: iso(evidence.oldestAt),
    age_days: evidence.ageDays,
    providers: [...evidence.providers],
    sources: [...evidence.sources],
    result_ids: [...evidence.resultIds],
  };
}

export function rankedToDto(ranked: RankedBenchmark): RankedBenchmarkDto {
  const a = ranked.aggregate;
  return {
    model: a.model,
    gpu: a.gpu,
    gpu_sku_known: a.gpuSkuKnown,
    provider: a.provider,
    median_tokens_per_second: a.medianTokensPerSecond,
    min_tokens_per_second: a.minTokensPerSecond,
    max_tokens_per_second: a.maxTokensPerSecond,
    median_price_per_hour: usdOrNull(a.medianPricePerHourMicros),
    median_price_per_hour_micros: a.medianPricePerHourMicros,
    cost_per_million_tokens: a.costPerMillionTokensUsd,
    cost_analysis: costAnalysisToDto(ranked.costAnalysis ?? costAnalysis(a.medianPricePerHourMicros, a.medianTokensPerSecond)),
    evidence: evidenceToDto(a.evidence),
    benchmark: benchmarkResultToDto(a.representative),
  };
}

/** The wire run template (USD budget) as the runner's request (µUSD budget). */
export interface RunTemplateWire {
  readonly models: string[];
  readonly gpu_types: string[];
  readonly providers: ('vastai' | 'tensordock' | 'bluelobster')[];
  readonly max_budget?: number | null | undefined;
  readonly location?: string | null | undefined;
  readonly consumer_id?: string | undefined;
  readonly max_attempts_per_entry: number;
  readonly duration_seconds: number;
}

export function runTemplateFromWire(body: RunTemplateWire): BenchmarkRunRequestInput {
  return {
    models: body.models,
    gpuTypes: body.gpu_types,
    providers: body.providers,
    maxBudgetMicros: body.max_budget === undefined || body.max_budget === null ? null : usdToMicros(body.max_budget),
    location: body.location ?? null,
    ...(body.consumer_id !== undefined ? { consumerId: body.consumer_id } : {}),
    maxAttemptsPerEntry: body.max_attempts_per_entry,
    durationSeconds: body.duration_seconds,
  };
}

function requestToDto(request: BenchmarkRunRequest) {
  return {
    models: [...request.models],
    gpu_types: [...request.gpuTypes],
    providers: [...request.providers],
    max_budget: usdOrNull(request.maxBudgetMicros),
    max_budget_micros: request.maxBudgetMicros,
    location: request.location,
    consumer_id: request.consumerId,
    max_attempts_per_entry: request.maxAttemptsPerEntry,
    duration_seconds: request.durationSeconds,
  };
}

export function benchmarkRunToDto(run: BenchmarkRun): BenchmarkRunDto {
  const counts = countBenchmarkEntries(run);
  return {
    id: run.id,
    status: run.status,
    request: requestToDto(run.request),
    entries: run.entries.map((entry) => ({
      id: entry.id,
      model: entry.model,
      gpu_type: entry.gpuType,
      provider: entry.provider,
      status: entry.status,
      result_id: entry.resultId,
      error_type: entry.errorType,
      error: entry.errorMessage,
      retry_suggested: entry.retrySuggested,
      attempts: entry.attempts.map((a) => ({
        number: a.number,
        status: a.status,
        stage: a.stage,
        provider: a.provider,
        offer_id: a.offerId,
        host_id: a.hostId,
        price_per_hour: usdOrNull(a.pricePerHourMicros),
        price_per_hour_micros: a.pricePerHourMicros,
        location: a.location,
        session_id: a.sessionId,
        error_type: a.errorType,
        error: a.errorMessage,
        retry_suggested: a.retrySuggested,
        cost: microsToUsd(a.costMicros),
        cost_micros: a.costMicros,
        destroy_verified: a.destroyVerified,
        result_id: a.resultId,
        started_at: iso(a.startedAt),
        ended_at: isoOrNull(a.endedAt),
      })),
    })),
    total_entries: counts.totalEntries,
    pending: counts.pending,
    running: counts.running,
    succeeded: counts.succeeded,
    failed: counts.failed,
    skipped: counts.skipped,
    cancelled: counts.cancelled,
    spent: microsToUsd(run.spentMicros),
    spent_micros: run.spentMicros,
    schedule_id: run.scheduleId,
    cancel_requested: run.cancelRequested,
    stop_reason: run.stopReason,
    created_at: iso(run.createdAt),
    updated_at: iso(run.updatedAt),
    started_at: isoOrNull(run.startedAt),
    completed_at: isoOrNull(run.completedAt),
  };
}

export function benchmarkScheduleToDto(schedule: BenchmarkSchedule): BenchmarkScheduleDto {
  return {
    id: schedule.id,
    name: schedule.name,
    cron_expression: schedule.cronExpression,
    timezone: schedule.timezone,
    run_template: requestToDto(schedule.runTemplate),
    enabled: schedule.enabled,
    next_run_at: isoOrNull(schedule.nextRunAt),
    last_run_at: isoOrNull(schedule.lastRunAt),
    last_run_id: schedule.lastRunId,
    last_skip_reason: schedule.lastSkipReason,
    created_at: iso(schedule.createdAt),
    updated_at: iso(schedule.updatedAt),
  };
}
