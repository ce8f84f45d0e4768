import { and, asc, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';

import {
  AlreadyExistsError,
  ConcurrentUpdateError,
  Err,
  NotFoundError,
  Ok,
  benchmarkResultSchema,
  benchmarkRunSchema,
  benchmarkScheduleSchema,
  type BenchmarkResult,
  type BenchmarkResultQuery,
  type BenchmarkResultRepository,
  type BenchmarkRun,
  type BenchmarkRunChanges,
  type BenchmarkRunQuery,
  type BenchmarkRunRepository,
  type BenchmarkSchedule,
  type BenchmarkScheduleChanges,
  type BenchmarkScheduleRepository,
  type Result,
} from '@gpu-shopper/core';

import { type StorageDatabase } from '../database.js';
import { benchmarkResults, benchmarkRuns, benchmarkSchedules } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

type ResultRow = typeof benchmarkResults.$inferSelect;
type RunRow = typeof benchmarkRuns.$inferSelect;
type ScheduleRow = typeof benchmarkSchedules.$inferSelect;

/** The nested part of a result, stored as one JSON document (no dates inside, so it round-trips as is). */
export function resultData(result: BenchmarkResult): Record<string, unknown> {
  return {
    hardware: result.hardware,
    model: result.model,
    testConfig: result.testConfig,
    results: result.results,
    gpuStats: result.gpuStats,
    qualityResults: result.qualityResults,
    invalidReasons: result.invalidReasons,
  };
}

function toResult(row: ResultRow): BenchmarkResult {
  return benchmarkResultSchema.parse({
    ...row.data,
    id: row.id,
    timestamp: row.timestamp,
    source: row.source,
    gpuSku: row.gpuSku,
    provider: row.provider,
    location: row.location,
    pricePerHourMicros: row.pricePerHourMicros,
    sessionId: row.sessionId,
    offerId: row.offerId,
    runId: row.runId,
    dedupeKey: row.dedupeKey,
    createdAt: row.createdAt,
  });
}

export class SqliteBenchmarkResultRepository implements BenchmarkResultRepository {
  constructor(private readonly db: StorageDatabase) {}

  async insert(result: BenchmarkResult): Promise<Result<BenchmarkResult, AlreadyExistsError>> {
    const valid = benchmarkResultSchema.parse(result);
    try {
      this.db
        .insert(benchmarkResults)
        .values({
          id: valid.id,
          timestamp: valid.timestamp,
          source: valid.source,
          gpuSku: valid.gpuSku,
          gpuName: valid.hardware.gpuName,
          provider: valid.provider,
          location: valid.location,
          pricePerHourMicros: valid.pricePerHourMicros,
          modelName: valid.model.name,
          runtime: valid.model.runtime,
          avgTokensPerSecond: valid.results.avgTokensPerSecond,
          valid: valid.invalidReasons.length === 0,
          sessionId: valid.sessionId,
          offerId: valid.offerId,
          runId: valid.runId,
          dedupeKey: valid.dedupeKey,
          data: resultData(valid),
          createdAt: valid.createdAt,
        })
        .run();
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark result', valid.dedupeKey ?? valid.id));
      throw error;
    }
    return Ok(valid);
  }

  async get(id: string): Promise<BenchmarkResult | undefined> {
    const row = this.db.select().from(benchmarkResults).where(eq(benchmarkResults.id, id)).get();
    return row && toResult(row);
  }

  async findByDedupeKey(dedupeKey: string): Promise<BenchmarkResult | undefined> {
    const row = this.db.select().from(benchmarkResults).where(eq(benchmarkResults.dedupeKey, dedupeKey)).get();
    return row && toResult(row);
  }

  async list(query: BenchmarkResultQuery = {}): Promise<BenchmarkResult[]> {
    const where: SQL[] = [];
    if (query.model !== undefined) where.push(eq(benchmarkResults.modelName, query.model));
    if (query.gpuSku !== undefined) where.push(eq(benchmarkResults.gpuSku, query.gpuSku));
    if (query.provider !== undefined) where.push(eq(benchmarkResults.provider, query.provider));
    if (query.runtime !== undefined) where.push(eq(benchmarkResults.runtime, query.runtime));
    if (query.source !== undefined) where.push(eq(benchmarkResults.source, query.source));
    if (query.runId !== undefined) where.push(eq(benchmarkResults.runId, query.runId));
    if (query.since !== undefined) where.push(gte(benchmarkResults.timestamp, query.since));
    if (query.includeInvalid !== true) where.push(eq(benchmarkResults.valid, true));
    if (query.beforeId !== undefined) where.push(lt(benchmarkResults.id, query.beforeId));
    const base = this.db
      .select()
      .from(benchmarkResults)
      .where(and(...where))
      .orderBy(desc(benchmarkResults.id));
    const rows = query.limit === undefined ? base.all() : base.limit(query.limit).all();
    return rows.map(toResult);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.delete(benchmarkResults).where(eq(benchmarkResults.id, id)).run().changes > 0;
  }
}

/** Attempts carry dates inside the entries document; JSON stores them as ISO strings, read back here. */
export function reviveEntries(entries: unknown[]): unknown[] {
  return entries.map((entry) => {
    const e = entry as { attempts?: { startedAt: string; endedAt: string | null }[] };
    return {
      ...e,
      attempts: (e.attempts ?? []).map((a) => ({ ...a, startedAt: new Date(a.startedAt), endedAt: a.endedAt === null ? null : new Date(a.endedAt) })),
    };
  });
}

function toRun(row: RunRow): BenchmarkRun {
  return benchmarkRunSchema.parse({ ...row, entries: reviveEntries(row.entries) });
}

export class SqliteBenchmarkRunRepository implements BenchmarkRunRepository {
  constructor(private readonly db: StorageDatabase) {}

  async insert(run: BenchmarkRun): Promise<Result<BenchmarkRun, AlreadyExistsError>> {
    const valid = benchmarkRunSchema.parse(run);
    try {
      this.db
        .insert(benchmarkRuns)
        .values(valid)
        .run();
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark run', valid.id));
      throw error;
    }
    return Ok(valid);
  }

  async get(id: string): Promise<BenchmarkRun | undefined> {
    const row = this.db.select().from(benchmarkRuns).where(eq(benchmarkRuns.id, id)).get();
    return row && toRun(row);
  }

  async list(query: BenchmarkRunQuery = {}): Promise<BenchmarkRun[]> {
    const where: SQL[] = [];
    if (query.statuses !== undefined) where.push(inArray(benchmarkRuns.status, [...query.statuses]));
    if (query.scheduleId !== undefined) where.push(eq(benchmarkRuns.scheduleId, query.scheduleId));
    if (query.beforeId !== undefined) where.push(lt(benchmarkRuns.id, query.beforeId));
    const base = this.db
      .select()
      .from(benchmarkRuns)
      .where(and(...where))
      .orderBy(desc(benchmarkRuns.id));
    const rows = query.limit === undefined ? base.all() : base.limit(query.limit).all();
    return rows.map(toRun);
  }

  async update(id: string, expectedVersion: number, changes: BenchmarkRunChanges): Promise<Result<BenchmarkRun, ConcurrentUpdateError | NotFoundError>> {
    // One transaction: read, validate the merged record, write only if the version still matches.
    return this.db.transaction((tx) => {
      const row = tx.select().from(benchmarkRuns).where(eq(benchmarkRuns.id, id)).get();
      if (!row) return Err(new NotFoundError('benchmark run', id));
      const next = benchmarkRunSchema.parse({ ...toRun(row), ...changes, version: expectedVersion + 1 });
      const { id: _id, createdAt: _created, request: _request, scheduleId: _schedule, ...set } = next;
      const updated = tx
        .update(benchmarkRuns)
        .set(set)
        .where(and(eq(benchmarkRuns.id, id), eq(benchmarkRuns.version, expectedVersion)))
        .run();
      if (updated.changes === 0) return Err(new ConcurrentUpdateError('benchmark run', id, expectedVersion));
      return Ok(next);
    });
  }
}

function toSchedule(row: ScheduleRow): BenchmarkSchedule {
  return benchmarkScheduleSchema.parse(row);
}

export class SqliteBenchmarkScheduleRepository implements BenchmarkScheduleRepository {
  constructor(private readonly db: StorageDatabase) {}

  async insert(schedule: BenchmarkSchedule): Promise<Result<BenchmarkSchedule, AlreadyExistsError>> {
    const valid = benchmarkScheduleSchema.parse(schedule);
    try {
      this.db
        .insert(benchmarkSchedules)
        .values(valid)
        .run();
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark schedule', `${valid.id} / ${valid.name}`));
      throw error;
    }
    return Ok(valid);
  }

  async get(id: string): Promise<BenchmarkSchedule | undefined> {
    const row = this.db.select().from(benchmarkSchedules).where(eq(benchmarkSchedules.id, id)).get();
    return row && toSchedule(row);
  }

  async list(): Promise<BenchmarkSchedule[]> {
    return this.db.select().from(benchmarkSchedules).orderBy(asc(benchmarkSchedules.name)).all().map(toSchedule);
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: BenchmarkScheduleChanges,
  ): Promise<Result<BenchmarkSchedule, ConcurrentUpdateError | NotFoundError | AlreadyExistsError>> {
    try {
      return this.db.transaction((tx) => {
        const row = tx.select().from(benchmarkSchedules).where(eq(benchmarkSchedules.id, id)).get();
        if (!row) return Err(new NotFoundError('benchmark schedule', id));
        const next = benchmarkScheduleSchema.parse({ ...toSchedule(row), ...changes, version: expectedVersion + 1 });
        const { id: _id, createdAt: _created, runTemplate, ...set } = next;
        const updated = tx
          .update(benchmarkSchedules)
          .set({ ...set, runTemplate })
          .where(and(eq(benchmarkSchedules.id, id), eq(benchmarkSchedules.version, expectedVersion)))
          .run();
        if (updated.changes === 0) return Err(new ConcurrentUpdateError('benchmark schedule', id, expectedVersion));
        return Ok(next);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark schedule named', changes.name ?? id));
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    return this.db.delete(benchmarkSchedules).where(eq(benchmarkSchedules.id, id)).run().changes > 0;
  }
}
