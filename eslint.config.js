// ESLint (flat config) with typescript-eslint: the project's rules over the production tree and the tests.
// Not on yet, for the integrator once the branches have landed (each needs a pass over many files):
// typescript-eslint's recommendedTypeChecked (needs tsconfig.test.json as the project), no-non-null-assertion.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'train/', 'bench/results/', 'models/default/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // strict TS, no `any`: the house rule (DESIGN.md)
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // every disable must say which rule and why
      'no-warning-comments': 'off',
      eqeqeq: ['error', 'always'],
      // more than six arguments take an option object named after what it is (diffusers' kwargs in the builders)
      'max-params': ['error', 6],
      'no-console': 'off',
    },
  },
  {
    // small files with one job (DESIGN.md): a production file over 300 lines is split, not excused
    files: ['cli/**', 'core/**', 'models/**', 'video/**', 'bench/**'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    // Node ESM helpers of the tests (module hooks)
    files: ['**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    // the CLI prints through its Io streams; only the executable and benchmarks touch the process directly
    files: ['core/**', 'models/**', 'video/**'],
    rules: { 'no-console': 'error' },
  },
);
