// Lint: typescript-eslint's recommended rules plus Ferry's dependency rule
// (scripts/eslint/dependency-rule.js). Type-aware rules are left to `tsc`, which runs as its
// own suite, to keep lint fast on two cores.
import tseslint from 'typescript-eslint';
import dependencyRule from './scripts/eslint/dependency-rule.js';

export default tseslint.config(
  // .out: what benchmarks write and build (results, their bundled Workers), git-ignored.
  { ignores: ['**/node_modules/**', '**/.cache/**', '**/dist/**', '**/*.gen.ts', 'data/**', 'scripts/bench/.out/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { ferry: { rules: { 'dependency-rule': dependencyRule } } },
    rules: {
      'ferry/dependency-rule': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
  },
);
