import { InMemoryLeaseRepository } from './in-memory-leases.js';
import { describeLeaseContract } from './lease-contract.js';

describeLeaseContract('in-memory', () => ({ leases: new InMemoryLeaseRepository() }));
