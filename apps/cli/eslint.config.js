import { createEslintConfig } from '@gpu-shopper/eslint-config';

// ESLint reads its flat config from a default export.
// oclif loads each command and hook from its file's default export; src/env.ts is the one place that reads
// the environment (GPU_SHOPPER_*, provider keys); the test support spawns processes with an env.
// bin/run.js (oclif's launcher) and scripts/manifest.mjs (build step) are plain JS outside the TypeScript project.
export default [
  { ignores: ['bin/**', 'scripts/**'] },
  ...createEslintConfig(import.meta.dirname, {
    defaultExportFiles: ['src/commands/**/*.ts', 'src/hooks/**/*.ts'],
    envFiles: ['src/env.ts', 'src/test-support/**/*.ts'],
  }),
];
