import { createJestConfig } from '@gpu-shopper/jest-preset';

// Jest reads its configuration from a default export. The tests spawn the built CLI and the built
// server as real processes (a provisioning takes a few seconds in simulate mode): generous timeouts.
export default createJestConfig({ testTimeout: 90_000 });
