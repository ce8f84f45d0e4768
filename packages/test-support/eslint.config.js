import { createEslintConfig } from '@gpu-shopper/eslint-config';

// Everything here serves tests: it may read the environment (CI, PATH, HOME) and write loud skips.
const config = createEslintConfig(import.meta.dirname);
config.push({ files: ['src/**/*.ts'], rules: { 'no-restricted-properties': 'off', 'no-console': 'off' } });

// ESLint reads its flat config from a default export.
export default config;
