// Finds the Electron runtime binary, or says truthfully why there is none, for `npm start` and the Electron-only
// e2e specs. Not require('electron'): without the binary that throws "please delete node_modules/electron and try
// installing again", which misleads where the download was skipped on purpose (ELECTRON_SKIP_BINARY_DOWNLOAD=1).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { path: string } | { missing: string };

export function electronBinary(env: Readonly<Record<string, string | undefined>> = process.env): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (run npm install)' };
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(overridden) ? { path: overridden } : { missing: `ELECTRON_OVERRIDE_DIST_PATH names ${overridden}, which does not exist` };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    const why = env.ELECTRON_SKIP_BINARY_DOWNLOAD
      ? 'npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on build machines that cannot download it'
      : 'its download did not run or failed';
    return { missing: `the Electron runtime binary is not installed (${why}); where the download works, \`node node_modules/electron/install.js\` fetches it` };
  }
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `node_modules/electron/path.txt names ${binary}, which does not exist (a partial download?)` };
}
