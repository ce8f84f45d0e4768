import { createEslintConfig } from '@gpu-shopper/eslint-config';

// ESLint reads its flat config from a default export.
// The SDK reads its own defaults from the environment (GPU_SHOPPER_URL, GPU_SHOPPER_API_KEY,
// GPU_SHOPPER_LOG) in one tolerant helper, and its default logger is the console.
export default createEslintConfig(import.meta.dirname, {
  envFiles: ['src/internal/read-env.ts'],
  consoleFiles: ['src/internal/log.ts'],
});
