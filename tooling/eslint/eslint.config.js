import js from '@eslint/js';

// The config package is plain JavaScript (no tsconfig), so it gets the untyped recommended rules.
// ESLint reads its flat config from a default export.
export default [
  js.configs.recommended,
  { languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
];
