// The tray icon and the dock/taskbar badge, following the unread count; the tray menu shows the window or quits.
// (The window title follows it too: the renderer sets it.) Decisions (labels, counts, when to hide) are in src/main/core/desktop/trayPolicy.ts.
import { join } from 'node:path';
import { app, Menu, nativeImage, Tray } from 'electron';
import { badgeCount, trayMenu, trayTooltip, type TrayAction } from '../core/desktop/trayPolicy';

export interface TrayHost {
  /** False where the desktop has no tray (some Linux desktops): the window must then never hide. */
  available: boolean;
  setUnread(count: number): void;
  destroy(): void;
}

export interface TrayOptions {
  iconPath: string;
  onAction: (action: TrayAction) => void;
}

export function createTray(options: TrayOptions): TrayHost {
  let tray: Tray | null = null;
  try {
    tray = new Tray(nativeImage.createFromPath(options.iconPath).resize({ width: 16, height: 16 }));
    tray.on('click', () => options.onAction('show'));
  } catch {
    tray = null;
  }
  let unread = 0;
  const render = () => {
    app.setBadgeCount(badgeCount(unread));
    if (!tray) return;
    tray.setToolTip(trayTooltip(unread));
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenu(unread).map((item) => (item.action ? { label: item.label, click: () => options.onAction(item.action!) } : { label: item.label, enabled: false })),
      ),
    );
  };
  render();
  return {
    available: tray !== null,
    setUnread(count) {
      unread = count;
      render();
    },
    destroy() {
      tray?.destroy();
      tray = null;
    },
  };
}

/** The tray icon shipped with the app (resources/icon.png, next to the built main bundle). */
export function trayIconPath(mainDir: string): string {
  return join(mainDir, '../../resources/icon.png');
}
