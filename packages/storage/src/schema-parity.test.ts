import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';

import * as pgSchema from './postgres/schema.js';
import * as sqliteSchema from './schema.js';

/**
 * The two schema descriptions (SQLite's and PostgreSQL's) must describe the same tables: names,
 * columns, nullability, primary keys, unique and plain indexes, foreign keys. Types differ by
 * design (timestamptz vs integer ms, jsonb vs text), so they are compared as kinds.
 */
function kindOf(columnType: string): string {
  if (/Timestamp/.test(columnType)) return 'time';
  if (/Json/.test(columnType)) return 'json';
  if (/Boolean/.test(columnType)) return 'boolean';
  if (/Real|Double/.test(columnType)) return 'float';
  if (/Integer|BigInt|Serial/.test(columnType)) return 'integer';
  if (/Text/.test(columnType)) return 'text';
  return columnType;
}

interface TableShape {
  columns: Record<string, { kind: string; notNull: boolean; primary: boolean; hasDefault: boolean }>;
  primaryKeys: string[][];
  indexes: Record<string, { unique: boolean; columns: string[] }>;
  foreignKeys: string[];
}

type AnyConfig = ReturnType<typeof pgTableConfig> | ReturnType<typeof sqliteTableConfig>;

function shapeOf(config: AnyConfig): TableShape {
  const columns: TableShape['columns'] = {};
  for (const column of config.columns) {
    // An integer primary key in SQLite is the rowid, which drizzle reports as defaulted; key
    // generation is the dialect's business, so defaults are compared on the other columns only.
    columns[column.name] = { kind: kindOf(column.columnType), notNull: column.notNull, primary: column.primary, hasDefault: !column.primary && column.hasDefault };
  }
  const indexes: TableShape['indexes'] = {};
  for (const index of config.indexes) {
    indexes[index.config.name ?? '?'] = {
      unique: index.config.unique ?? false,
      columns: index.config.columns.map((c) => ('name' in c ? String(c.name) : '?')),
    };
  }
  return {
    columns,
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    indexes,
    foreignKeys: config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return `${ref.columns.map((c) => c.name).join(',')} -> ${ref.foreignColumns.map((c) => c.name).join(',')}`;
    }),
  };
}

function shapes<T>(schema: Record<string, unknown>, isTable: (value: unknown) => value is T, config: (table: T) => AnyConfig): Map<string, TableShape> {
  const out = new Map<string, TableShape>();
  for (const value of Object.values(schema)) {
    if (!isTable(value)) continue;
    const c = config(value);
    out.set(c.name, shapeOf(c));
  }
  return out;
}

/**
 * Tables only replicas need: the vendors' shared call budgets (one process on SQLite keeps its
 * budget in memory).
 */
const POSTGRES_ONLY = new Set(['rate_budgets']);

describe('one schema on two databases', () => {
  const sqlite = shapes(sqliteSchema, (v): v is SQLiteTable => v instanceof SQLiteTable, sqliteTableConfig);
  const postgres = shapes(pgSchema, (v): v is PgTable => v instanceof PgTable, pgTableConfig);
  for (const table of POSTGRES_ONLY) postgres.delete(table);

  it('has the same tables', () => {
    expect([...postgres.keys()].sort()).toEqual([...sqlite.keys()].sort());
    expect(sqlite.size).toBeGreaterThan(10);
  });

  it.each([...sqlite.keys()])('table %s has the same columns, keys and indexes', (table) => {
    expect(postgres.get(table)).toEqual(sqlite.get(table));
  });
});
