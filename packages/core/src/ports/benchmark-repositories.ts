import { type BenchmarkResult, type BenchmarkSource } from '../benchmarks/benchmark-result.js';
import { type BenchmarkRun, type BenchmarkRunChanges, type BenchmarkRunStatus } from '../benchmarks/benchmark-run.js';
import { type BenchmarkSchedule, type BenchmarkScheduleChanges } from '../benchmarks/benchmark-schedule.js';
import { type AlreadyExistsError, type ConcurrentUpdateError, type NotFoundError } from '../errors/domain-errors.js';
import { type Result } from '../errors/result.js';

/**
 * Repository ports of benchmarking. Kept apart from `Repositories` so existing compositions (and
 * their fakes) need no change; `openStorage` returns both. All async, like the other ports.
 */

export interface BenchmarkResultQuery {
  /** Exact model tag (`llama3.1:8b`). */
  readonly model?: string;
  /** Canonical SKU id, exact. */
  readonly gpuSku?: string;
  readonly provider?: string;
  readonly runtime?: string;
  readonly source?: BenchmarkSource;
  readonly runId?: string;
  /** Only results measured at or after this time. */
  readonly since?: Date;
  /** Include results with invalid reasons (default false: rankings never see them). */
  readonly includeInvalid?: boolean;
  /** Cursor: only results whose id sorts before this one (the list is newest id first). */
  readonly beforeId?: string;
  readonly limit?: number;
}

export interface BenchmarkResultRepository {
  /** Refused when the id, or a non-null dedupe key, is already stored. */
  insert(result: BenchmarkResult): Promise<Result<BenchmarkResult, AlreadyExistsError>>;
  get(id: string): Promise<BenchmarkResult | undefined>;
  findByDedupeKey(dedupeKey: string): Promise<BenchmarkResult | undefined>;
  /** Newest id first; every filter combines with every other (upstream ignored some; §E.3.1). */
  list(query?: BenchmarkResultQuery): Promise<BenchmarkResult[]>;
  delete(id: string): Promise<boolean>;
}

export interface BenchmarkRunQuery {
  readonly statuses?: readonly BenchmarkRunStatus[];
  readonly scheduleId?: string;
  /** Cursor: only runs whose id sorts before this one (newest first). */
  readonly beforeId?: string;
  readonly limit?: number;
}

export interface BenchmarkRunRepository {
  insert(run: BenchmarkRun): Promise<Result<BenchmarkRun, AlreadyExistsError>>;
  get(id: string): Promise<BenchmarkRun | undefined>;
  /** Newest id first. */
  list(query?: BenchmarkRunQuery): Promise<BenchmarkRun[]>;
  /** Compare-and-set on `version`; increments it. */
  update(id: string, expectedVersion: number, changes: BenchmarkRunChanges): Promise<Result<BenchmarkRun, ConcurrentUpdateError | NotFoundError>>;
}

export interface BenchmarkScheduleRepository {
  /** Refused when the id or the name is taken. */
  insert(schedule: BenchmarkSchedule): Promise<Result<BenchmarkSchedule, AlreadyExistsError>>;
  get(id: string): Promise<BenchmarkSchedule | undefined>;
  /** By name. */
  list(): Promise<BenchmarkSchedule[]>;
  /** Compare-and-set on `version`; a rename to a taken name is AlreadyExists. */
  update(
    id: string,
    expectedVersion: number,
    changes: BenchmarkScheduleChanges,
  ): Promise<Result<BenchmarkSchedule, ConcurrentUpdateError | NotFoundError | AlreadyExistsError>>;
  delete(id: string): Promise<boolean>;
}

export interface BenchmarkRepositories {
  readonly results: BenchmarkResultRepository;
  readonly runs: BenchmarkRunRepository;
  readonly schedules: BenchmarkScheduleRepository;
}
