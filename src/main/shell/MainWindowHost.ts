// The one main window over the app's life: made on demand, brought forward when asked (second launch, tray,
// notification click), and — when the user chose "keep running in the tray" and there is a tray — hidden instead of
// closed, until the app really quits.
import { app, type BrowserWindow } from 'electron';
import type { RendererLocation } from '../core/security/navigation-policy';
import { createMainWindow } from './window';

export interface MainWindowHostOptions {
  preloadPath: string;
  renderer: RendererLocation;
  devTools: boolean;
  /** Read at each close: whether closing hides the window to the tray. */
  hideOnClose: () => boolean;
}

export class MainWindowHost {
  private window: BrowserWindow | null = null;
  private quitting = false;

  constructor(private readonly options: MainWindowHostOptions) {
    app.on('before-quit', () => (this.quitting = true));
  }

  current(): BrowserWindow | null {
    return this.window;
  }

  /** Makes the window if there is none; shows it only if `show` (start minimised makes it hidden). */
  open(show: boolean): BrowserWindow {
    if (this.window) return this.window;
    const window = createMainWindow({ preloadPath: this.options.preloadPath, renderer: this.options.renderer, devTools: this.options.devTools, show });
    window.on('close', (event) => {
      if (this.quitting || !this.options.hideOnClose()) return;
      event.preventDefault();
      window.hide();
    });
    window.on('closed', () => (this.window = null));
    this.window = window;
    return window;
  }

  /** Shows and focuses the window, making it if needed. */
  show(): void {
    const existing = this.window;
    if (!existing) {
      this.open(true);
      return;
    }
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
  }
}
