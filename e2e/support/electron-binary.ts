// Finds the Electron binary, or says why there is none, so Electron-only specs can skip with a reason.
import { createRequire } from 'node:module';

export function electronBinary(): { path: string } | { missing: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string') return { path };
    return { missing: 'the electron package did not resolve to a binary path' };
  } catch (error) {
    return {
      missing: `no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    };
  }
}
