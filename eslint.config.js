// Lint rules, and above all the one-way import rules of DESIGN.md §1:
// renderer → shared, preload → shared, main/shell → main/core → shared, server → shared.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'net', 'http', 'https', 'child_process', 'worker_threads', 'stream', 'events', 'url', 'util', 'buffer'];

/** Builds a no-restricted-imports rule from forbidden layers and packages. */
function boundary(layer, { layers = [], packages = [] }) {
  return {
    files: [`src/${layer}/**/*.{ts,tsx}`],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...layers.map((target) => ({
              group: [`**/${target}`, `**/${target}/**`],
              message: `src/${layer} must not import ${target} (DESIGN.md §1: imports go one way).`,
            })),
            ...(packages.length
              ? [{ group: packages, message: `src/${layer} must not import ${packages.join(', ')} (DESIGN.md §1).` }]
              : []),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  { files: ['src/renderer/**/*.{ts,tsx}', 'src/preload/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  boundary('shared', {
    layers: ['main', 'renderer', 'server', 'preload'],
    packages: ['electron', 'ws', 'better-sqlite3', 'react', 'dexie', ...NODE_BUILTINS],
  }),
  boundary('main/core', {
    layers: ['shell', 'renderer', 'server', 'preload'],
    packages: ['electron', 'electron/*', 'react', 'dexie'],
  }),
  boundary('main/shell', { layers: ['renderer', 'server', 'preload'] }),
  boundary('preload', { layers: ['main', 'renderer', 'server'], packages: NODE_BUILTINS }),
  boundary('renderer', { layers: ['main', 'server', 'preload'], packages: ['electron', 'ws', 'better-sqlite3', ...NODE_BUILTINS] }),
  boundary('server', { layers: ['main', 'renderer', 'preload'], packages: ['electron', 'react', 'dexie'] }),
);
