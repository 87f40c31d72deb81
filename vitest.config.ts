// Two test projects, both run by `npx vitest run`: everything outside the renderer in Node (as before), and the
// renderer in happy-dom with fake-indexeddb (docs/architecture.md, "Testing without Electron"), against a fake window.parley.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const timeouts = { testTimeout: 20_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts', '*.test.ts'],
          exclude: ['src/renderer/**', '**/node_modules/**'],
          environment: 'node',
          ...timeouts,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['src/renderer/testing/setup.ts'],
          ...timeouts,
        },
      },
    ],
  },
});
