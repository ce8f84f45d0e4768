import { createEslintConfig } from '@gpu-shopper/eslint-config';

// ESLint reads its flat config from a default export. scripts/ holds the plain-Node smoke test of
// the built dist (JavaScript outside the TypeScript project, so the typed rules cannot parse it).
export default [...createEslintConfig(import.meta.dirname), { ignores: ['scripts/**'] }];
