import { type BenchmarkResult } from '../benchmarks/benchmark-result.js';
import { type BenchmarkRun, type BenchmarkRunChanges } from '../benchmarks/benchmark-run.js';
import { type BenchmarkSchedule, type BenchmarkScheduleChanges } from '../benchmarks/benchmark-schedule.js';
import { AlreadyExistsError, ConcurrentUpdateError, NotFoundError } from '../errors/domain-errors.js';
import { Err, Ok, type Result } from '../errors/result.js';
import {
  type BenchmarkRepositories,
  type BenchmarkResultQuery,
  type BenchmarkResultRepository,
  type BenchmarkRunQuery,
  type BenchmarkRunRepository,
  type BenchmarkScheduleRepository,
} from '../ports/benchmark-repositories.js';

/** Copies on the way in and out, as a database would. */
const copy = <T>(value: T): T => structuredClone(value);
const newestIdFirst = (a: { id: string }, b: { id: string }) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class InMemoryBenchmarkResultRepository implements BenchmarkResultRepository {
  private readonly rows = new Map<string, BenchmarkResult>();

  async insert(result: BenchmarkResult): Promise<Result<BenchmarkResult, AlreadyExistsError>> {
    if (this.rows.has(result.id)) return Err(new AlreadyExistsError('benchmark result', result.id));
    if (result.dedupeKey !== null && [...this.rows.values()].some((r) => r.dedupeKey === result.dedupeKey)) {
      return Err(new AlreadyExistsError('benchmark result with dedupe key', result.dedupeKey));
    }
    this.rows.set(result.id, copy(result));
    return Ok(copy(result));
  }

  async get(id: string): Promise<BenchmarkResult | undefined> {
    const found = this.rows.get(id);
    return found && copy(found);
  }

  async findByDedupeKey(dedupeKey: string): Promise<BenchmarkResult | undefined> {
    const found = [...this.rows.values()].find((r) => r.dedupeKey === dedupeKey);
    return found && copy(found);
  }

  async list(query: BenchmarkResultQuery = {}): Promise<BenchmarkResult[]> {
    const rows = [...this.rows.values()]
      .filter(
        (r) =>
          (query.model === undefined || r.model.name === query.model) &&
          (query.gpuSku === undefined || r.gpuSku === query.gpuSku) &&
          (query.provider === undefined || r.provider === query.provider) &&
          (query.runtime === undefined || r.model.runtime === query.runtime) &&
          (query.source === undefined || r.source === query.source) &&
          (query.runId === undefined || r.runId === query.runId) &&
          (query.since === undefined || r.timestamp.getTime() >= query.since.getTime()) &&
          (query.includeInvalid === true || r.invalidReasons.length === 0) &&
          (query.beforeId === undefined || r.id < query.beforeId),
      )
      .sort(newestIdFirst);
    return (query.limit === undefined ? rows : rows.slice(0, query.limit)).map(copy);
  }

  async delete(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }
}

export class InMemoryBenchmarkRunRepository implements BenchmarkRunRepository {
  private readonly rows = new Map<string, BenchmarkRun>();

  async insert(run: BenchmarkRun): Promise<Result<BenchmarkRun, AlreadyExistsError>> {
    if (this.rows.has(run.id)) return Err(new AlreadyExistsError('benchmark run', run.id));
    this.rows.set(run.id, copy(run));
    return Ok(copy(run));
  }

  async get(id: string): Promise<BenchmarkRun | undefined> {
    const found = this.rows.get(id);
    return found && copy(found);
  }

  async list(query: BenchmarkRunQuery = {}): Promise<BenchmarkRun[]> {
    const rows = [...this.rows.values()]
      .filter(
        (r) =>
          (query.statuses === undefined || query.statuses.includes(r.status)) &&
          (query.scheduleId === undefined || r.scheduleId === query.scheduleId) &&
          (query.beforeId === undefined || r.id < query.beforeId),
      )
      .sort(newestIdFirst);
    return (query.limit === undefined ? rows : rows.slice(0, query.limit)).map(copy);
  }

  async update(id: string, expectedVersion: number, changes: BenchmarkRunChanges): Promise<Result<BenchmarkRun, ConcurrentUpdateError | NotFoundError>> {
    const current = this.rows.get(id);
    if (!current) return Err(new NotFoundError('benchmark run', id));
    if (current.version !== expectedVersion) return Err(new ConcurrentUpdateError('benchmark run', id, expectedVersion));
    const next: BenchmarkRun = { ...current, ...copy(changes), version: current.version + 1 };
    this.rows.set(id, next);
    return Ok(copy(next));
  }
}

export class InMemoryBenchmarkScheduleRepository implements BenchmarkScheduleRepository {
  private readonly rows = new Map<string, BenchmarkSchedule>();

  async insert(schedule: BenchmarkSchedule): Promise<Result<BenchmarkSchedule, AlreadyExistsError>> {
    if (this.rows.has(schedule.id)) return Err(new AlreadyExistsError('benchmark schedule', schedule.id));
    if ([...this.rows.values()].some((s) => s.name === schedule.name)) return Err(new AlreadyExistsError('benchmark schedule named', schedule.name));
    this.rows.set(schedule.id, copy(schedule));
    return Ok(copy(schedule));
  }

  async get(id: string): Promise<BenchmarkSchedule | undefined> {
    const found = this.rows.get(id);
    return found && copy(found);
  }

  async list(): Promise<BenchmarkSchedule[]> {
    return [...this.rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(copy);
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: BenchmarkScheduleChanges,
  ): Promise<Result<BenchmarkSchedule, ConcurrentUpdateError | NotFoundError | AlreadyExistsError>> {
    const current = this.rows.get(id);
    if (!current) return Err(new NotFoundError('benchmark schedule', id));
    if (current.version !== expectedVersion) return Err(new ConcurrentUpdateError('benchmark schedule', id, expectedVersion));
    if (changes.name !== undefined && [...this.rows.values()].some((s) => s.id !== id && s.name === changes.name)) {
      return Err(new AlreadyExistsError('benchmark schedule named', changes.name));
    }
    const next: BenchmarkSchedule = { ...current, ...copy(changes), version: current.version + 1 };
    this.rows.set(id, next);
    return Ok(copy(next));
  }

  async delete(id: string): Promise<boolean> {
    return this.rows.delete(id);
  }
}

export function createInMemoryBenchmarkRepositories(): BenchmarkRepositories {
  return {
    results: new InMemoryBenchmarkResultRepository(),
    runs: new InMemoryBenchmarkRunRepository(),
    schedules: new InMemoryBenchmarkScheduleRepository(),
  };
}
