// End-to-end suites: the real renderer in Debian's Chromium through the browser shell (docs/architecture.md, "Testing without Electron"), and
// Electron-only specs that skip themselves, saying why, where no Electron binary exists.
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/support/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts/test-results',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1200, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'browser-shell', testMatch: 'browser/**/*.spec.ts' },
    { name: 'electron', testMatch: 'electron/**/*.spec.ts' },
    // The built renderer against an in-memory fake window.parley: every screen, both themes, two sizes, axe.
    { name: 'visual', testMatch: 'visual/**/*.spec.ts' },
  ],
});
