// The relay's software version, read once from package.json (reported by /healthz).
import { readFileSync } from 'node:fs';

function readPackageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') {
      return parsed.version;
    }
  } catch {
    // A bundled build may not ship package.json next to the sources; the version is then unknown, not fatal.
  }
  return '0.0.0-unknown';
}

export const RELAY_VERSION = readPackageVersion();
