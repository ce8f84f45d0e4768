import { createInMemoryRepositories } from './in-memory-repositories.js';
import { describeRepositoryContract } from './repository-contract.js';

describeRepositoryContract('in-memory', () => ({ repos: createInMemoryRepositories() }));
