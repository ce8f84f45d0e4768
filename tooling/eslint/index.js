/**
 * Shared ESLint flat config. Each package's `eslint.config.js` calls `createEslintConfig(import.meta.dirname)`.
 * Type-aware rules catch the promise mistakes that matter most around provider and SSH I/O
 * (floating and misused promises); the boundary rule enforces the dependency rules of docs/architecture.md.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

import { boundariesPlugin } from './boundaries.js';

const TEST_FILES = ['**/*.test.ts', '**/testing/**/*.ts', '**/test/**/*.ts', '**/test-support/**/*.ts'];

/**
 * @param {string} tsconfigRootDir the package folder (its tsconfig.json drives type-aware rules)
 * @param {{ defaultExportFiles?: string[], envFiles?: string[], consoleFiles?: string[] }} [options]
 *   defaultExportFiles: files whose framework demands a default export (oclif commands);
 *   envFiles: the only files allowed to read `process.env`;
 *   consoleFiles: files allowed to write to the console directly (loggers, CLI entry points).
 */
export function createEslintConfig(tsconfigRootDir, options = {}) {
  const { defaultExportFiles = [], envFiles = [], consoleFiles = [] } = options;
  return tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'drizzle/**', '*.config.js', '*.config.cjs', '*.config.ts'] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      plugins: { 'gpu-shopper': boundariesPlugin },
      rules: {
        'gpu-shopper/boundaries': 'error',
        '@typescript-eslint/no-floating-promises': 'error',
        // Ports are async (a PostgreSQL implementation will await); synchronous implementations still
        // declare their methods async so a thrown invariant becomes a rejection, not a synchronous throw.
        '@typescript-eslint/require-await': 'off',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/no-explicit-any': 'error',
        '@typescript-eslint/no-non-null-assertion': 'error',
        '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
        '@typescript-eslint/only-throw-error': 'error',
        '@typescript-eslint/switch-exhaustiveness-check': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        curly: ['error', 'multi-line'],
        eqeqeq: ['error', 'smart'],
        'no-console': 'error',
        'no-restricted-syntax': [
          'error',
          {
            selector: 'ExportDefaultDeclaration',
            message: 'Use named exports; default exports only where a framework demands them.',
          },
        ],
        // Libraries take typed options; only an app's env.ts reads the environment.
        'no-restricted-properties': [
          'error',
          { object: 'process', property: 'env', message: 'Read configuration in env.ts and pass typed options.' },
        ],
      },
    },
    {
      files: TEST_FILES,
      rules: {
        'no-restricted-properties': 'off',
        'no-console': 'off',
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/unbound-method': 'off',
        // HTTP test clients type response bodies as any; tests assert on their shape explicitly.
        '@typescript-eslint/no-unsafe-member-access': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
      },
    },
    ...(defaultExportFiles.length ? [{ files: defaultExportFiles, rules: { 'no-restricted-syntax': 'off' } }] : []),
    ...(envFiles.length ? [{ files: envFiles, rules: { 'no-restricted-properties': 'off' } }] : []),
    ...(consoleFiles.length ? [{ files: consoleFiles, rules: { 'no-console': 'off' } }] : []),
  );
}
