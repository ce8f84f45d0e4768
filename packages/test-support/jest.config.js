import { createJestConfig } from '@gpu-shopper/jest-preset';

// Jest reads its configuration from a default export.
export default createJestConfig();
