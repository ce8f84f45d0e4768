/**
 * The drizzle database types the repositories are written against, in a module of their own so the
 * repositories and `openStorage` import them without importing each other.
 */
import type Database from 'better-sqlite3';
import { type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';

import type * as pgSchema from './postgres/schema.js';
import type * as schema from './schema.js';

/** A migrated SQLite database (better-sqlite3: synchronous, one connection). */
export type StorageDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** A migrated PostgreSQL database (node-postgres pool). */
export type PostgresDatabase = NodePgDatabase<typeof pgSchema> & { $client: pg.Pool };
