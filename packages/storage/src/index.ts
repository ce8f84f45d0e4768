/**
 * @gpu-shopper/storage — persistence for GPU Shopper on SQLite (the embedded default) or
 * PostgreSQL (shared by several server replicas): `openDatabase()` picks one, applies migrations and
 * returns repositories implementing core's ports.
 */
export { type PostgresDatabase, type StorageDatabase } from './database.js';
export {
  openDatabase,
  openStorage,
  type DatabaseSelection,
  type SqliteStorage,
  type Storage,
  type StorageOptions,
} from './open-storage.js';
export { PostgresRateBudgetStore, type PostgresRateBudgetStoreOptions } from './postgres/repositories/rate-budgets.js';
export { openPostgresStorage, redactDatabaseUrl, type PostgresStorage, type PostgresStorageOptions } from './postgres/open-postgres-storage.js';
export { SqliteApiKeyRepository } from './repositories/api-keys.js';
export { SqliteBenchmarkResultRepository, SqliteBenchmarkRunRepository, SqliteBenchmarkScheduleRepository } from './repositories/benchmarks.js';
export { SqliteBudgetRepository } from './repositories/budgets.js';
export { SqliteConsumerRepository } from './repositories/consumers.js';
export { SqliteCostLedgerRepository } from './repositories/cost-ledger.js';
export { SqliteDeploymentIdentityRepository } from './repositories/deployment-identity.js';
export { SqliteIdempotencyRepository } from './repositories/idempotency.js';
export { SqliteLeaseRepository } from './repositories/leases.js';
export { SqliteOfferFailureRepository } from './repositories/offer-failures.js';
export { SqliteSessionSecretRepository } from './repositories/session-secrets.js';
export { SqliteSessionRepository } from './repositories/sessions.js';
export { StorageQueryError, redactQueryError } from './query-errors.js';
