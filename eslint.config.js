import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

// What src/core may not touch: it is a pure state machine. Time arrives as tick(),
// randomness from an injected generator, I/O through the Ready batch.
const impureGlobals = [
  'Date', 'performance', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval',
  'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'window', 'document', 'navigator',
  'indexedDB', 'localStorage', 'sessionStorage', 'postMessage', 'self', 'globalThis', 'process',
  'fetch', 'Worker', 'crypto', 'console',
].map((name) => ({ name, message: 'src/core is pure: inject time, randomness and I/O instead.' }));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.svelte-kit/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: tseslint.parser, svelteConfig } },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': ['error', ...impureGlobals],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the injected Rng.' }],
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process'], message: 'src/core may not use Node APIs.' },
        { group: ['../*', '!../core/*'], message: 'src/core imports nothing from other layers.' },
        { group: ['idb-keyval', 'd3', 'd3-*', 'svelte', 'svelte/*'], message: 'src/core is pure.' },
      ] }],
    },
  },
);
