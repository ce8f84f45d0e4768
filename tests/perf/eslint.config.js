import { createEslintConfig } from '@gpu-shopper/eslint-config';

// ESLint reads its flat config from a default export.
// The server and CLI processes get an environment built from this process's own (PATH, HOME);
// the runner prints the report table, its progress and the bare-Express child its port.
export default createEslintConfig(import.meta.dirname, {
  envFiles: ['src/support/processes.ts'],
  consoleFiles: ['src/run.ts', 'src/support/bare-express.ts'],
});
