// Facts about this build the renderer may know.
import type { AppInfo } from '../../shared/ipc';
import type { CoreConfig } from './config';

export const APP_VERSION = '0.1.0';

export function appInfo(shell: AppInfo['shell'], config: CoreConfig): AppInfo {
  return { version: APP_VERSION, shell, defaultRelayUrl: config.defaultRelayUrl };
}
