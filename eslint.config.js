import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

// What the pure layers (core, raft, dynamo, client) may not touch: they are state machines. Time arrives as tick(),
// randomness from an injected generator, I/O through the Ready batch.
const impureGlobals = [
  'Date', 'performance', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval',
  'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'window', 'document', 'navigator',
  'indexedDB', 'localStorage', 'sessionStorage', 'postMessage', 'self', 'globalThis', 'process',
  'fetch', 'Worker', 'crypto', 'console',
].map((name) => ({ name, message: 'Protocol and client code is pure: inject time, randomness and I/O instead.' }));

// The layers of ../shared/design.md: each may import only the layers listed for it (data flows
// down, events flow up). A layer's own files are always allowed.
const LAYERS = ['core', 'raft', 'dynamo', 'client', 'check', 'sim', 'fuzz', 'runtime', 'ui', 'cli'];
const MAY_IMPORT = {
  core: [],
  raft: ['core'],
  dynamo: ['core'],
  client: ['core'],
  check: ['core'],
  // Hosts know a protocol through its public entry (raft/index.ts: the Protocol), never its inside.
  sim: ['core', 'raft/index', 'dynamo/index', 'client', 'check'],
  fuzz: ['core', 'raft', 'dynamo', 'client', 'check', 'sim'],
  // The in-page cluster is an adapter over the Simulation: runtime uses sim's public API only.
  runtime: ['core', 'raft/index', 'dynamo/index', 'client', 'check', 'sim/index'],
  // The UI sees a cluster only through the controller contract (runtime/cluster-api.ts).
  ui: ['core', 'check', 'runtime/cluster-api'],
  cli: ['core', 'raft', 'dynamo', 'client', 'check', 'sim', 'fuzz'],
};

function layerRules(layer) {
  const allowed = MAY_IMPORT[layer];
  const patterns = [];
  for (const other of LAYERS) {
    if (other === layer || allowed.includes(other)) continue;
    const only = allowed.filter((a) => a.startsWith(`${other}/`));
    patterns.push({
      group: [`**/${other}/*`, `**/${other}/**`, ...only.map((a) => `!**/${a}.ts`)],
      message: `src/${layer} may import only ${allowed.join(', ') || 'nothing from other layers'} (layers: ../shared/design.md).`,
    });
  }
  if (['core', 'raft', 'dynamo', 'client'].includes(layer)) {
    patterns.push({ group: ['idb-keyval', 'd3', 'd3-*', 'svelte', 'svelte/*'], message: `src/${layer} is pure: no storage, drawing or UI libraries.` });
  }
  if (layer !== 'cli') {
    patterns.push({ group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'cli-progress'], message: 'Only src/cli may use Node APIs.' });
  }
  return {
    files: [`src/${layer}/**/*.ts`, `src/${layer}/**/*.svelte`],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

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
  ...LAYERS.map(layerRules),
  {
    // The protocols and the client are pure: time as tick(), randomness injected, no I/O.
    files: ['src/core/**/*.ts', 'src/raft/**/*.ts', 'src/dynamo/**/*.ts', 'src/client/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': ['error', ...impureGlobals],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the injected Rng.' }],
    },
  },
);
