// The main window, locked down (docs/security.md §16.1): the renderer runs isolated and sandboxed, without Node
// (also not in workers or frames), with web security, no insecure content or experimental features, no <webview>,
// no navigation by dropping a file, no middle-click windows, and DevTools only when allowed (development).
// Navigation, new windows and webviews are refused for every web contents by src/main/shell/security.ts. The
// preferences are written out here, literally, so electronegativity can check them (scripts/electronegativity.ts).
import { BrowserWindow } from 'electron';
import type { RendererLocation } from '../core/security/navigation-policy';

export interface MainWindowOptions {
  preloadPath: string;
  renderer: RendererLocation;
  devTools: boolean;
  /** Show it once loaded (false: start minimised to the tray). */
  show: boolean;
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
      // Reviewed (docs/security.md §16.1): the preload only exposes window.parley, built from the IPC contract.
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
      devTools: options.devTools,
    },
  });
  if (options.show) window.once('ready-to-show', () => window.show());
  void window.loadURL(options.renderer.devServerUrl ?? options.renderer.indexFileUrl);
  return window;
}
