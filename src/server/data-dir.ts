// Where a relay keeps its database when PARLEY_DATA_DIR is not set: the per-user application-data directory
// of the platform. Pure: the platform, environment and home directory are parameters.
import { join, win32 } from 'node:path';

export function defaultRelayDataDir(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, 'Parley', 'relay');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Parley', 'relay');
  const dataHome = nonEmpty(env.XDG_DATA_HOME) ?? join(home, '.local', 'share');
  return join(dataHome, 'parley', 'relay');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
