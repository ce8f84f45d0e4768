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

import { type PostgresDatabase } from '../../database.js';
import { resultConditions, resultRow, runConditions, runUpdate, scheduleUpdate, toResult, toRun, toSchedule } from '../../queries/benchmarks.js';
import { isUniqueViolation } from '../../repositories/unique-violation.js';
import { byteOrder } from '../byte-order.js';
import { benchmarkResults, benchmarkRuns, benchmarkSchedules } from '../schema.js';

export class PostgresBenchmarkResultRepository implements BenchmarkResultRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async insert(result: BenchmarkResult): Promise<Result<BenchmarkResult, AlreadyExistsError>> {
    const valid = benchmarkResultSchema.parse(result);
    try {
      await this.db.insert(benchmarkResults).values(resultRow(valid));
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark result', valid.dedupeKey ?? valid.id));
      throw error;
    }
    return Ok(valid);
  }

  async get(id: string): Promise<BenchmarkResult | undefined> {
    const [row] = await this.db.select().from(benchmarkResults).where(eq(benchmarkResults.id, id));
    return row && toResult(row);
  }

  async findByDedupeKey(dedupeKey: string): Promise<BenchmarkResult | undefined> {
    const [row] = await this.db.select().from(benchmarkResults).where(eq(benchmarkResults.dedupeKey, dedupeKey));
    return row && toResult(row);
  }

  async list(query: BenchmarkResultQuery = {}): Promise<BenchmarkResult[]> {
    const base = this.db
      .select()
      .from(benchmarkResults)
      .where(and(...resultConditions(benchmarkResults, byteOrder(benchmarkResults.id), query)))
      .orderBy(desc(byteOrder(benchmarkResults.id)));
    const rows = query.limit === undefined ? await base : await base.limit(query.limit);
    return rows.map(toResult);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.delete(benchmarkResults).where(eq(benchmarkResults.id, id)).returning({ id: benchmarkResults.id })).length > 0;
  }
}

export class PostgresBenchmarkRunRepository implements BenchmarkRunRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async insert(run: BenchmarkRun): Promise<Result<BenchmarkRun, AlreadyExistsError>> {
    const valid = benchmarkRunSchema.parse(run);
    try {
      await this.db.insert(benchmarkRuns).values(valid);
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark run', valid.id));
      throw error;
    }
    return Ok(valid);
  }

  async get(id: string): Promise<BenchmarkRun | undefined> {
    const [row] = await this.db.select().from(benchmarkRuns).where(eq(benchmarkRuns.id, id));
    return row && toRun(row);
  }

  async list(query: BenchmarkRunQuery = {}): Promise<BenchmarkRun[]> {
    const base = this.db
      .select()
      .from(benchmarkRuns)
      .where(and(...runConditions(benchmarkRuns, byteOrder(benchmarkRuns.id), query)))
      .orderBy(desc(byteOrder(benchmarkRuns.id)));
    const rows = query.limit === undefined ? await base : await base.limit(query.limit);
    return rows.map(toRun);
  }

  async update(id: string, expectedVersion: number, changes: BenchmarkRunChanges): Promise<Result<BenchmarkRun, ConcurrentUpdateError | NotFoundError>> {
    // One transaction: read, validate the merged record, write only if the version still matches.
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(benchmarkRuns).where(eq(benchmarkRuns.id, id));
      if (!row) return Err(new NotFoundError('benchmark run', id));
      const { next, set } = runUpdate(row, changes, expectedVersion);
      const updated = await tx
        .update(benchmarkRuns)
        .set(set)
        .where(and(eq(benchmarkRuns.id, id), eq(benchmarkRuns.version, expectedVersion)))
        .returning({ id: benchmarkRuns.id });
      if (updated.length === 0) return Err(new ConcurrentUpdateError('benchmark run', id, expectedVersion));
      return Ok(next);
    });
  }
}

export class PostgresBenchmarkScheduleRepository implements BenchmarkScheduleRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async insert(schedule: BenchmarkSchedule): Promise<Result<BenchmarkSchedule, AlreadyExistsError>> {
    const valid = benchmarkScheduleSchema.parse(schedule);
    try {
      await this.db.insert(benchmarkSchedules).values(valid);
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark schedule', `${valid.id} / ${valid.name}`));
      throw error;
    }
    return Ok(valid);
  }

  async get(id: string): Promise<BenchmarkSchedule | undefined> {
    const [row] = await this.db.select().from(benchmarkSchedules).where(eq(benchmarkSchedules.id, id));
    return row && toSchedule(row);
  }

  async list(): Promise<BenchmarkSchedule[]> {
    return (await this.db.select().from(benchmarkSchedules).orderBy(asc(byteOrder(benchmarkSchedules.name)))).map(toSchedule);
  }

  async update(
    id: string,
    expectedVersion: number,
    changes: BenchmarkScheduleChanges,
  ): Promise<Result<BenchmarkSchedule, ConcurrentUpdateError | NotFoundError | AlreadyExistsError>> {
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.select().from(benchmarkSchedules).where(eq(benchmarkSchedules.id, id));
        if (!row) return Err(new NotFoundError('benchmark schedule', id));
        const { next, set } = scheduleUpdate(row, changes, expectedVersion);
        const updated = await tx
          .update(benchmarkSchedules)
          .set(set)
          .where(and(eq(benchmarkSchedules.id, id), eq(benchmarkSchedules.version, expectedVersion)))
          .returning({ id: benchmarkSchedules.id });
        if (updated.length === 0) return Err(new ConcurrentUpdateError('benchmark schedule', id, expectedVersion));
        return Ok(next);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return Err(new AlreadyExistsError('benchmark schedule named', changes.name ?? id));
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.delete(benchmarkSchedules).where(eq(benchmarkSchedules.id, id)).returning({ id: benchmarkSchedules.id })).length > 0;
  }
}
