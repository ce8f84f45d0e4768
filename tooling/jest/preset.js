/**
 * Jest preset shared by every package. Tests run as ES modules (NODE_OPTIONS carries
 * --experimental-vm-modules), TypeScript is transpiled by ts-jest without type checking (the
 * `typecheck` task does that), and `@gpu-shopper/*` imports resolve to `src/` through the
 * `@gpu-shopper/source` export condition, so no build is needed before testing.
 *
 * @param {import('jest').Config} [overrides]
 * @returns {import('jest').Config}
 */
export function createJestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    // A ceiling for a state that never comes, not a wait: on a loaded two-core machine (parallel
    // suites, other work) a test that takes 1 s idle can take 20, and jest's 5 s default fails it.
    testTimeout: 60_000,
    roots: ['<rootDir>/src'],
    testMatch: ['**/*.test.ts'],
    extensionsToTreatAsEsm: ['.ts'],
    testEnvironmentOptions: { customExportConditions: ['@gpu-shopper/source', 'node', 'node-addons'] },
    // NodeNext-style './x.js' specifiers point at './x.ts' under ts-jest.
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', useESM: true }] },
    ...overrides,
  };
}
