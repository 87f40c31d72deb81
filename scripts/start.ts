// `npm start`: builds, starts a local relay and the desktop app against it. Where the Electron binary is missing (installed
// with ELECTRON_SKIP_BINARY_DOWNLOAD=1), says so in one line and points to `npm run start:browser`.
import { spawn, spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary';
import { ensureLocalRelay } from './local-relay';

async function main(): Promise<void> {
  const binary = electronBinary();
  if ('missing' in binary) {
    console.error(`Cannot start the desktop app: ${binary.missing}. Run \`npm run start:browser\` to use Parley in Chromium instead.`);
    process.exit(1);
  }
  const electron = binary.path;
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
