// What the renderer may ask of the desktop around it: show the unread count (dock or taskbar badge, tray, window
// title) and bring the window forward (a notification was clicked). The Electron shell implements it; the browser
// shell has no dock or tray, so there it does nothing.

export interface DesktopPort {
  setUnreadCount(count: number): void;
  showWindow(): void;
}

export const noDesktop: DesktopPort = { setUnreadCount: () => undefined, showWindow: () => undefined };
