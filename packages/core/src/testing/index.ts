/**
 * In-memory fakes of every core port, for tests of core services and of the apps that compose them.
 * Test code only (the boundary lint rejects imports of this entry point from production code).
 */
export { FakeClock } from './fake-clock.js';
export { SequentialIdGenerator } from './sequential-id-generator.js';
export { MemoryLogger, type LogRecord } from './memory-logger.js';
export {
  InMemoryApiKeyRepository,
  InMemoryBudgetRepository,
  InMemoryConsumerRepository,
  InMemoryCostLedgerRepository,
  InMemoryDeploymentIdentityRepository,
  InMemoryIdempotencyRepository,
  InMemoryOfferFailureRepository,
  InMemorySessionRepository,
  InMemorySessionSecretRepository,
  createInMemoryRepositories,
} from './in-memory-repositories.js';
export { FakeProvider, type FakeProviderOperation } from './fake-provider.js';
export { FakeRemoteExec } from './fake-remote-exec.js';
export { buildOffer, buildProvisionRequest, buildSession, buildTemplate } from './fixtures.js';
export { describeRepositoryContract, type RepositoryHarness } from './repository-contract.js';
export { FakeKeyGenerator, FakeReadinessProbe, fakeSecretCipher, type FakeReadinessStep } from './fake-session-access.js';
export { createCoreHarness, type CoreHarness, type CoreHarnessOptions } from './core-harness.js';
export {
  InMemoryBenchmarkResultRepository,
  InMemoryBenchmarkRunRepository,
  InMemoryBenchmarkScheduleRepository,
  createInMemoryBenchmarkRepositories,
} from './in-memory-benchmark-repositories.js';
export { buildBenchmarkResult, buildBenchmarkRun, buildBenchmarkSchedule } from './benchmark-fixtures.js';
export { describeBenchmarkRepositoryContract, type BenchmarkRepositoryHarness } from './benchmark-repository-contract.js';
export { InMemoryLeaseRepository } from './in-memory-leases.js';
export { describeLeaseContract, type LeaseHarness } from './lease-contract.js';
