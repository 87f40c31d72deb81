// The main window: built with the hardened webPreferences of src/main/core/security/windowPolicy.ts. Navigation,
// new windows and webviews are guarded for every web contents by src/main/shell/security.ts.
import { BrowserWindow } from 'electron';
import type { RendererLocation } from '../core/security/navigation-policy';
import { hardenedWebPreferences } from '../core/security/windowPolicy';

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
    webPreferences: hardenedWebPreferences(options.preloadPath, options.devTools),
  });
  if (options.show) window.once('ready-to-show', () => window.show());
  void window.loadURL(options.renderer.devServerUrl ?? options.renderer.indexFileUrl);
  return window;
}
