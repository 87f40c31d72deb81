// `npm start`: builds, starts a local relay and the desktop app against it. Where the Electron binary is missing (installed
// with ELECTRON_SKIP_BINARY_DOWNLOAD=1), says so in one line and points to `npm run start:browser`.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureLocalRelay } from './local-relay';

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' ? path : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const electron = electronBinary();
  if (!electron) {
    console.error('The Electron binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD?) — run `npm run start:browser` to use Parley in Chromium instead.');
    process.exit(1);
  }
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const relay = await ensureLocalRelay();
  const app = spawn(electron, ['.'], { stdio: 'inherit', env: { PARLEY_RELAY_URL: relay.url, ...process.env } });
  const stop = () => app.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  app.on('exit', (code) => {
    relay.stop();
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
