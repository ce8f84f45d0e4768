/**
 * @gpu-shopper/bench — LLM inference benchmarks: the on-node script and its result parser, the
 * ranking formulas, the published seed data, the runner (through core's provisioning saga and
 * RemoteExec port) and the cron scheduler. Imports @gpu-shopper/core only.
 */
export {
  OLLAMA_BENCH_RESULT_FORMAT,
  OLLAMA_BENCH_SCRIPT_MARKER,
  OLLAMA_BENCH_SCRIPT_PATH,
  loadOllamaBenchScript,
  ollamaBenchArgs,
  shellQuote,
  type OllamaBenchArgs,
} from './script.js';
export { benchmarkResultWireSchema, checkUnits, parseBenchmarkResultJson, toBenchmarkResultWire, type BenchmarkResultWire, type ParseContext } from './result-parser.js';
export {
  DEFAULT_RECENT_SAMPLES,
  aggregateBenchmarks,
  bestBenchmark,
  cheapestBenchmark,
  compareBenchmarks,
  costAnalysis,
  costPerMillionTokensUsd,
  gpuKey,
  isRankable,
  median,
  recommendOffers,
  type AggregateOptions,
  type BenchmarkAggregate,
  type BenchmarkComparison,
  type CompareBaseline,
  type ComparisonRow,
  type CostAnalysis,
  type Evidence,
  type OfferRecommendation,
  type OfferRecommendationStatus,
  type RankedBenchmark,
  type RecommendationOptions,
} from './rankings.js';
export { PUBLISHED_BENCHMARKS, importPublishedBenchmarks, publishedBenchmarkResults, type ImportReport } from './published.js';
export { BenchmarkRunner, type BenchmarkRunnerOptions } from './runner.js';
export { BenchmarkScheduler, nextCronRun, validateCron, type BenchmarkSchedulerOptions, type ScheduleInput, type ScheduleUpdate, type TickReport } from './scheduler.js';
