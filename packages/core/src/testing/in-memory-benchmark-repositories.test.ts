import { describeBenchmarkRepositoryContract } from './benchmark-repository-contract.js';
import { createInMemoryBenchmarkRepositories } from './in-memory-benchmark-repositories.js';

describeBenchmarkRepositoryContract('in-memory', () => ({ repos: createInMemoryBenchmarkRepositories() }));
