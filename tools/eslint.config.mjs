// Flat config. The one rule that matters most: src/core stays pure (no vscode, no SDK).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'tools/code-server/**', 'tools/node24/**', 'test-results/**', '.run/**', 'media/**', 'test/support/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // Bundled suites register mocha globals first, then require their test files.
    files: ['test/integration/**/index.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'src/core is pure: reach the editor through a port in src/vscode.' },
          { name: '@anthropic-ai/sdk', message: 'src/core is pure: the SDK lives in src/llm.' },
        ],
        patterns: [
          { group: ['@anthropic-ai/sdk/*'], message: 'src/core is pure: the SDK lives in src/llm.' },
          { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'node:http', 'node:https', 'node:child_process'], message: 'src/core does no I/O.' },
        ],
      }],
    },
  },
);
