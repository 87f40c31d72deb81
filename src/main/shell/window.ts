// The main window, locked down: context isolation, sandbox, no Node in the page, no navigation away from our
// renderer, no new windows; links the user clicks go to the OS browser only when the policy allows.
import { BrowserWindow, shell } from 'electron';
import { isSafeExternalUrl } from '../core/links/link-policy';
import { isRendererUrl, type RendererLocation } from './navigation-policy';

export interface MainWindowOptions {
  preloadPath: string;
  renderer: RendererLocation;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Parley',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
    },
  });

  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url, options.renderer)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());

  if (options.renderer.devServerUrl) void window.loadURL(options.renderer.devServerUrl);
  else void window.loadURL(options.renderer.indexFileUrl);
  return window;
}
