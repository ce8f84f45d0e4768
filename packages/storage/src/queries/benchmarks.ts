/**
 * The benchmark repositories' parts that read the same on SQLite and PostgreSQL: the row mappers,
 * the row written for a result, the list filters and the merge behind an optimistic update.
 * Statements, transactions and affected-row counts stay with each dialect's repository.
 */
import { eq, gte, inArray, type AnyColumn, type SQL } from 'drizzle-orm';

import {
  benchmarkResultSchema,
  benchmarkRunSchema,
  benchmarkScheduleSchema,
  type BenchmarkResult,
  type BenchmarkResultQuery,
  type BenchmarkRun,
  type BenchmarkRunChanges,
  type BenchmarkRunQuery,
  type BenchmarkSchedule,
  type BenchmarkScheduleChanges,
} from '@gpu-shopper/core';

import { beforeCursor, type OrderedId } from './ordered-id.js';

/** The nested part of a result, stored as one JSON document (no dates inside, so it round-trips as is). */
function resultData(result: BenchmarkResult): Record<string, unknown> {
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

/** The `benchmark_results` row of a validated result: the filtered fields as columns, the rest as `data`. */
export function resultRow(valid: BenchmarkResult) {
  return {
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
  };
}

/** What a result is read back from; the schema checks each field, so their types are left open here. */
export interface BenchmarkResultRow {
  readonly data: Record<string, unknown>;
  readonly id: unknown;
  readonly timestamp: unknown;
  readonly source: unknown;
  readonly gpuSku: unknown;
  readonly provider: unknown;
  readonly location: unknown;
  readonly pricePerHourMicros: unknown;
  readonly sessionId: unknown;
  readonly offerId: unknown;
  readonly runId: unknown;
  readonly dedupeKey: unknown;
  readonly createdAt: unknown;
}

export function toResult(row: BenchmarkResultRow): BenchmarkResult {
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

/** The columns of `benchmark_results` a listing filters on, whichever dialect's table holds them. */
export interface BenchmarkResultColumns {
  readonly modelName: AnyColumn;
  readonly gpuSku: AnyColumn;
  readonly provider: AnyColumn;
  readonly runtime: AnyColumn;
  readonly source: AnyColumn;
  readonly runId: AnyColumn;
  readonly timestamp: AnyColumn;
  readonly valid: AnyColumn;
}

/** The WHERE terms of a BenchmarkResultQuery; `orderedId` is the id as the dialect sorts it (cursor `beforeId`). */
export function resultConditions(columns: BenchmarkResultColumns, orderedId: OrderedId, query: BenchmarkResultQuery): SQL[] {
  const where: SQL[] = [];
  if (query.model !== undefined) where.push(eq(columns.modelName, query.model));
  if (query.gpuSku !== undefined) where.push(eq(columns.gpuSku, query.gpuSku));
  if (query.provider !== undefined) where.push(eq(columns.provider, query.provider));
  if (query.runtime !== undefined) where.push(eq(columns.runtime, query.runtime));
  if (query.source !== undefined) where.push(eq(columns.source, query.source));
  if (query.runId !== undefined) where.push(eq(columns.runId, query.runId));
  if (query.since !== undefined) where.push(gte(columns.timestamp, query.since));
  if (query.includeInvalid !== true) where.push(eq(columns.valid, true));
  if (query.beforeId !== undefined) where.push(beforeCursor(orderedId, query.beforeId));
  return where;
}

/** Attempts carry dates inside the entries document; JSON stores them as ISO strings, read back here. */
function reviveEntries(entries: unknown[]): unknown[] {
  return entries.map((entry) => {
    const e = entry as { attempts?: { startedAt: string; endedAt: string | null }[] };
    return {
      ...e,
      attempts: (e.attempts ?? []).map((a) => ({ ...a, startedAt: new Date(a.startedAt), endedAt: a.endedAt === null ? null : new Date(a.endedAt) })),
    };
  });
}

export function toRun(row: { readonly entries: unknown[] }): BenchmarkRun {
  return benchmarkRunSchema.parse({ ...row, entries: reviveEntries(row.entries) });
}

/** The columns of `benchmark_runs` a listing filters on, whichever dialect's table holds them. */
export interface BenchmarkRunColumns {
  readonly status: AnyColumn;
  readonly scheduleId: AnyColumn;
}

/** The WHERE terms of a BenchmarkRunQuery; `orderedId` is the id as the dialect sorts it (cursor `beforeId`). */
export function runConditions(columns: BenchmarkRunColumns, orderedId: OrderedId, query: BenchmarkRunQuery): SQL[] {
  const where: SQL[] = [];
  if (query.statuses !== undefined) where.push(inArray(columns.status, [...query.statuses]));
  if (query.scheduleId !== undefined) where.push(eq(columns.scheduleId, query.scheduleId));
  if (query.beforeId !== undefined) where.push(beforeCursor(orderedId, query.beforeId));
  return where;
}

/**
 * The run an update makes of the stored row, validated whole before anything is written, and the
 * columns it sets: identity, creation time, request and schedule never change after insert.
 */
export function runUpdate(row: { readonly entries: unknown[] }, changes: BenchmarkRunChanges, expectedVersion: number) {
  const next = benchmarkRunSchema.parse({ ...toRun(row), ...changes, version: expectedVersion + 1 });
  const { id: _id, createdAt: _created, request: _request, scheduleId: _schedule, ...set } = next;
  return { next, set };
}

export function toSchedule(row: object): BenchmarkSchedule {
  return benchmarkScheduleSchema.parse(row);
}

/** The schedule an update makes of the stored row, validated whole, and the columns it sets (all but identity and creation time). */
export function scheduleUpdate(row: object, changes: BenchmarkScheduleChanges, expectedVersion: number) {
  const next = benchmarkScheduleSchema.parse({ ...toSchedule(row), ...changes, version: expectedVersion + 1 });
  const { id: _id, createdAt: _created, ...set } = next;
  return { next, set };
}
