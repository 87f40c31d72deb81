// `npm run start:browser`: a local relay, the real core, and the real renderer in Chromium (or any browser at
// the printed URL) — Parley where the Electron binary is not available (docs/architecture.md, "Testing without Electron").
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { loadCoreConfig } from '../src/main/core/config';
import { startBrowserShell } from '../src/main/browser-shell/start';
import { defaultRelayDataDir } from '../src/server/data-dir';
import { ensureLocalRelay } from './local-relay';

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main(): Promise<void> {
  const relay = await ensureLocalRelay();
  const defaultDataDir = join(dirname(defaultRelayDataDir(process.platform, process.env, homedir())), 'browser-shell');
  const config = loadCoreConfig({ PARLEY_RELAY_URL: relay.url, ...process.env }, defaultDataDir);
  const shell = await startBrowserShell({
    config,
    rendererDir: resolve('out/renderer'),
    bridgeFile: resolve('out/browser-bridge/bridge.js'),
    port: Number(process.env.PARLEY_BROWSER_PORT ?? 5858),
  });
  console.log(`Parley (browser shell) is at ${shell.url}  — data: ${config.dataDir}. Press Ctrl+C to stop.`);
  console.warn('Keys here are protected by a key file, not the OS keychain: use the desktop app for real protection.');

  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (process.env.PARLEY_NO_BROWSER !== '1' && existsSync(chromium) && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    spawn(chromium, [...CHROMIUM_FLAGS, `--user-data-dir=${join(config.dataDir, 'chromium')}`, `--app=${shell.url}`], { stdio: 'ignore', detached: true }).unref();
  }

  const stop = () => {
    void shell.close().finally(() => {
      relay.stop();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`start:browser failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
