// Composition root of the Electron app: the only file that wires the shell (Electron) and the core together.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, shell } from 'electron';
import { loadCoreConfig } from './core/config';
import { createCore } from './core/createCore';
import { DeepLinkInbox } from './core/links/DeepLinkInbox';
import { FileSecretStore } from './core/secrets';
import { stderrLogger } from './core/transport';
import { receiveDeepLinks } from './shell/deepLinks';
import { registerIpc, windowEventSink } from './shell/ipc';
import { SafeStorageSecretStore } from './shell/SafeStorageSecretStore';
import { watchNetwork } from './shell/networkWatch';
import { createMainWindow } from './shell/window';
import type { RendererLocation } from './shell/navigation-policy';

const renderer: RendererLocation = {
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
  indexFileUrl: pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).toString(),
};

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let window: BrowserWindow | null = null;
  let ready = false;
  const showWindow = () => {
    if (!ready) return;
    if (!window) {
      window = createMainWindow({ preloadPath: join(import.meta.dirname, '../preload/index.cjs'), renderer });
      window.on('closed', () => (window = null));
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const deepLinks = new DeepLinkInbox(stderrLogger);
  receiveDeepLinks(deepLinks, process.argv, showWindow);

  await app.whenReady();
  const config = loadCoreConfig(process.env, app.getPath('userData'));
  const secrets = SafeStorageSecretStore.available() ? new SafeStorageSecretStore() : await FileSecretStore.open(config.dataDir);
  const core = await createCore({
    shell: 'electron',
    config,
    secrets,
    links: { open: (url) => shell.openExternal(url) },
    logger: stderrLogger,
    deepLinks,
  });

  registerIpc(core.dispatch, renderer);
  const stopWatchingNetwork = watchNetwork(() => core.client.networkChanged());
  core.events.subscribe(windowEventSink(() => window));
  ready = true;
  showWindow();

  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    stopWatchingNetwork();
    void core.close();
  });
}

void main();
