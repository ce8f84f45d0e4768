import { createJestConfig } from '@gpu-shopper/jest-preset';

// Jest reads its configuration from a default export. The server under test is a real process
// (its built dist), so a test may wait for provisioning and destruction: generous timeouts.
export default createJestConfig({ testTimeout: 60_000 });
