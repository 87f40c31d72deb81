// Composition root of the Electron app: the only file that wires the shell (Electron) and the core together.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog, shell } from 'electron';
import { APP_VERSION } from './core/app-info';
import { loadCoreConfig } from './core/config';
import { createCore } from './core/createCore';
import { windowBehaviour } from './core/desktop/trayPolicy';
import { DeepLinkInbox } from './core/links/DeepLinkInbox';
import type { RendererLocation } from './core/security/navigation-policy';
import { devToolsAllowed } from './core/security/windowPolicy';
import { stderrLogger } from './core/transport';
import { loadRolloutId } from './core/updates/rolloutId';
import { resolveUpdateConfig } from './core/updates/updateConfig';
import { rolloutBucket } from './core/updates/updatePolicy';
import { electronDesktopFiles } from './shell/desktopFiles';
import { receiveDeepLinks } from './shell/deepLinks';
import { registerIpc, windowEventSink } from './shell/ipc';
import { MainWindowHost } from './shell/MainWindowHost';
import { handleMediaProtocol, registerMediaScheme } from './shell/mediaProtocol';
import { watchNetwork } from './shell/networkWatch';
import { openKeychainSecretStore } from './shell/SafeStorageSecretStore';
import { guardWebContents, hardenSession } from './shell/security';
import { createTray, trayIconPath } from './shell/tray';
import { startUpdates } from './shell/updater';

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
  let ready = false;
  let hideOnClose = false;
  const windows = new MainWindowHost({
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    renderer,
    devTools: devToolsAllowed(app.isPackaged),
    hideOnClose: () => hideOnClose,
  });
  const deepLinks = new DeepLinkInbox(stderrLogger);
  const launchLinks = receiveDeepLinks(deepLinks, process.argv, () => ready && windows.show());
  guardWebContents(renderer);
  registerMediaScheme();

  await app.whenReady();
  hardenSession(renderer);
  const config = loadCoreConfig(process.env, app.getPath('userData'));
  const secrets = await openKeychainSecretStore(config.dataDir);
  if (!secrets.ok) {
    dialog.showErrorBox('Parley cannot open your keys', secrets.message);
    app.quit();
    return;
  }
  const tray = createTray({ iconPath: trayIconPath(import.meta.dirname), onAction: (action) => (action === 'show' ? windows.show() : app.quit()) });
  const core = await createCore({
    shell: 'electron',
    config,
    secrets: secrets.store,
    // Reviewed (docs/security.md §16.1): links.open hands over only what isSafeExternalUrl allows.
    links: { open: (url) => shell.openExternal(url) }, // eng-disable OPEN_EXTERNAL_JS_CHECK
    logger: stderrLogger,
    deepLinks,
    desktop: { setUnreadCount: (count) => tray.setUnread(count), showWindow: () => windows.show(), files: electronDesktopFiles(() => windows.current()) },
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
  handleMediaProtocol(core.media);
  const stopWatchingNetwork = watchNetwork(() => core.client.networkChanged());
  core.events.subscribe(windowEventSink(() => windows.current()));
  const behaviour = () => windowBehaviour(core.settings.get(), tray.available, launchLinks > 0);
  hideOnClose = behaviour().hideOnClose;
  core.settings.onChange(() => (hideOnClose = behaviour().hideOnClose));
  ready = true;
  windows.open(behaviour().showAtStart);

  app.on('activate', () => windows.show());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    stopWatchingNetwork();
    tray.destroy();
    void core.close();
  });
}

void main();
