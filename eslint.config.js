// Lint rules, and above all the one-way import rules of docs/architecture.md ("Processes and boundaries"), for
// code and its tests alike: renderer → shared, preload → shared, main/shell → main/core → shared, server → shared;
// main/browser-shell (the Electron-free host) → main/core → shared; shared imports nothing of ours.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'net', 'http', 'https', 'child_process', 'worker_threads', 'stream', 'events', 'url', 'util', 'buffer'];

/** Builds a no-restricted-imports rule from forbidden layers (folder names) and packages (exact names or `x/*`). */
function boundary(layer, { layers = [], packages = [] }) {
  const message = (what) => `src/${layer} must not import ${what} (docs/architecture.md: imports go one way).`;
  const exact = packages.filter((name) => !name.includes('*'));
  const wildcard = packages.filter((name) => name.includes('*'));
  return {
    // Test files too: a test that reaches across a boundary hides the coupling the rule exists to stop.
    files: [`src/${layer}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: exact.map((name) => ({ name, message: message(name) })),
          patterns: [
            ...layers.map((target) => ({ group: [`**/${target}`, `**/${target}/**`], message: message(target) })),
            ...wildcard.map((group) => ({ group: [group], message: message(group) })),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'src/**/gen/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      // A focused test silently turns the rest of its file (or suite) off: never commit one.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='only'][object.name=/^(describe|it|test|suite)$/]",
          message: '.only skips every other test; remove it before committing.',
        },
        {
          selector: "MemberExpression[property.name='only'][object.property.name=/^(describe|it|test|suite)$/]",
          message: '.only skips every other test; remove it before committing.',
        },
      ],
    },
  },
  { files: ['src/renderer/**/*.{ts,tsx}', 'src/preload/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  // electron-builder hooks are CommonJS modules it require()s.
  { files: ['build/**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  boundary('shared', {
    layers: ['main', 'renderer', 'server', 'preload'],
    packages: ['electron', 'ws', 'better-sqlite3', 'react', 'dexie', ...NODE_BUILTINS],
  }),
  boundary('main/core', {
    layers: ['shell', 'browser-shell', 'renderer', 'server', 'preload'],
    packages: ['electron', 'electron/*', 'react', 'dexie'],
  }),
  boundary('main/shell', { layers: ['browser-shell', 'renderer', 'server', 'preload'] }),
  boundary('main/browser-shell', { layers: ['shell', 'renderer', 'server', 'preload'], packages: ['electron', 'electron/*'] }),
  boundary('preload', { layers: ['main', 'renderer', 'server'], packages: NODE_BUILTINS }),
  boundary('renderer', { layers: ['main', 'server', 'preload'], packages: ['electron', 'ws', 'better-sqlite3', ...NODE_BUILTINS] }),
  boundary('server', { layers: ['main', 'renderer', 'preload'], packages: ['electron', 'react', 'dexie'] }),
);
