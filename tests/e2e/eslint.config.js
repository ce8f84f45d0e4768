import { createEslintConfig } from '@gpu-shopper/eslint-config';

// ESLint reads its flat config from a default export.
// The server process is started with an environment built from this process's own; the browser
// tests read CI and CHROMIUM_PATH.
export default createEslintConfig(import.meta.dirname, { envFiles: ['src/support/server-process.ts', 'src/model/model-world.ts', 'src/console/browser.ts'] });
