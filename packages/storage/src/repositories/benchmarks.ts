import { and, asc, desc, eq } from 'drizzle-orm';

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
import { resultConditions, resultRow, runConditions, runUpdate, scheduleUpdate, toResult, toRun, toSchedule } from '../queries/benchmarks.js';
import { benchmarkResults, benchmarkRuns, benchmarkSchedules } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

export class SqliteBenchmarkResultRepository implements BenchmarkResultRepository {
  constructor(private readonly db: StorageDatabase) {}

  async insert(result: BenchmarkResult): Promise<Result<BenchmarkResult, AlreadyExistsError>> {
    const valid = benchmarkResultSchema.parse(result);
    try {
      this.db.insert(benchmarkResults).values(resultRow(valid)).run();
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
    const base = this.db
      .select()
      .from(benchmarkResults)
      .where(and(...resultConditions(benchmarkResults, benchmarkResults.id, query)))
      .orderBy(desc(benchmarkResults.id));
    const rows = query.limit === undefined ? base.all() : base.limit(query.limit).all();
    return rows.map(toResult);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.delete(benchmarkResults).where(eq(benchmarkResults.id, id)).run().changes > 0;
  }
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
    const base = this.db
      .select()
      .from(benchmarkRuns)
      .where(and(...runConditions(benchmarkRuns, benchmarkRuns.id, query)))
      .orderBy(desc(benchmarkRuns.id));
    const rows = query.limit === undefined ? base.all() : base.limit(query.limit).all();
    return rows.map(toRun);
  }

  async update(id: string, expectedVersion: number, changes: BenchmarkRunChanges): Promise<Result<BenchmarkRun, ConcurrentUpdateError | NotFoundError>> {
    // One transaction: read, validate the merged record, write only if the version still matches.
    return this.db.transaction((tx) => {
      const row = tx.select().from(benchmarkRuns).where(eq(benchmarkRuns.id, id)).get();
      if (!row) return Err(new NotFoundError('benchmark run', id));
      const { next, set } = runUpdate(row, changes, expectedVersion);
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
        const { next, set } = scheduleUpdate(row, changes, expectedVersion);
        const updated = tx
          .update(benchmarkSchedules)
          .set(set)
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
