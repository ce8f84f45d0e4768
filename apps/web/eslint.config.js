import { createEslintConfig } from '@gpu-shopper/eslint-config';

// ESLint reads its flat config from a default export.
export default createEslintConfig(import.meta.dirname);
