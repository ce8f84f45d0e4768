/**
 * @gpu-shopper/storage — SQLite persistence for GPU Shopper: `openStorage()` applies migrations and
 * returns repositories implementing core's ports.
 */
export { openStorage, type Storage, type StorageDatabase, type StorageOptions } from './open-storage.js';
export { SqliteApiKeyRepository } from './repositories/api-keys.js';
export { SqliteBenchmarkResultRepository, SqliteBenchmarkRunRepository, SqliteBenchmarkScheduleRepository } from './repositories/benchmarks.js';
export { SqliteBudgetRepository } from './repositories/budgets.js';
export { SqliteConsumerRepository } from './repositories/consumers.js';
export { SqliteCostLedgerRepository } from './repositories/cost-ledger.js';
export { SqliteDeploymentIdentityRepository } from './repositories/deployment-identity.js';
export { SqliteIdempotencyRepository } from './repositories/idempotency.js';
export { SqliteOfferFailureRepository } from './repositories/offer-failures.js';
export { SqliteSessionSecretRepository } from './repositories/session-secrets.js';
export { SqliteSessionRepository } from './repositories/sessions.js';
