// Composition root of the Electron app: the only file that wires the shell (Electron) and the core together.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { loadCoreConfig } from './core/config';
import { createCore } from './core/createCore';
import { DeepLinkInbox } from './core/links/DeepLinkInbox';
import type { RendererLocation } from './core/security/navigation-policy';
import { devToolsAllowed } from './core/security/windowPolicy';
import { APP_VERSION } from './core/app-info';
import { stderrLogger } from './core/transport';
import { loadRolloutId } from './core/updates/rolloutId';
import { resolveUpdateConfig } from './core/updates/updateConfig';
import { rolloutBucket } from './core/updates/updatePolicy';
import { receiveDeepLinks } from './shell/deepLinks';
import { registerIpc, windowEventSink } from './shell/ipc';
import { watchNetwork } from './shell/networkWatch';
import { openKeychainSecretStore } from './shell/SafeStorageSecretStore';
import { guardWebContents, hardenSession } from './shell/security';
import { startUpdates } from './shell/updater';
import { createMainWindow } from './shell/window';

const buildUpdates = {
  feedUrl: typeof __PARLEY_UPDATE_FEED_URL__ === 'string' ? __PARLEY_UPDATE_FEED_URL__ : '',
  releasePublicKey: typeof __PARLEY_RELEASE_PUBLIC_KEY__ === 'string' ? __PARLEY_RELEASE_PUBLIC_KEY__ : '',
};

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
      window = createMainWindow({
        preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
        renderer,
        devTools: devToolsAllowed(app.isPackaged),
        show: true,
      });
      window.on('closed', () => (window = null));
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const deepLinks = new DeepLinkInbox(stderrLogger);
  receiveDeepLinks(deepLinks, process.argv, showWindow);
  guardWebContents(renderer);

  await app.whenReady();
  hardenSession(renderer);
  const config = loadCoreConfig(process.env, app.getPath('userData'));
  const secrets = await openKeychainSecretStore(config.dataDir);
  if (!secrets.ok) {
    dialog.showErrorBox('Parley cannot open your keys', secrets.message);
    app.quit();
    return;
  }
  const core = await createCore({
    shell: 'electron',
    config,
    secrets: secrets.store,
    links: { open: (url) => shell.openExternal(url) },
    logger: stderrLogger,
    deepLinks,
    updates: async (wiring) =>
      startUpdates(
        {
          config: resolveUpdateConfig(buildUpdates, process.env, app.isPackaged),
          currentVersion: APP_VERSION,
          rolloutBucket: rolloutBucket(await loadRolloutId(config.dataDir)),
          dataDir: config.dataDir,
          logger: stderrLogger,
        },
        wiring,
      ),
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
