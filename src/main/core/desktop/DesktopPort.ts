// What the renderer may ask of the desktop around it: show the unread count (dock or taskbar badge, tray, window
// title), bring the window forward (a notification was clicked), and hand a saved file to the OS. The Electron shell
// implements it; the browser shell has no dock, tray or file manager, so there it does nothing and has no `files`.

export interface DesktopPort {
  setUnreadCount(count: number): void;
  showWindow(): void;
  /** Saving and opening files the user chose a place for; absent where the shell cannot (browser shell). */
  files?: DesktopFiles;
}

export interface DesktopFiles {
  /** The OS save dialog, starting in Downloads at `suggestedName`; the chosen path, or undefined when cancelled. */
  chooseSavePath(suggestedName: string): Promise<string | undefined>;
  /** Opens a saved file with the app the OS has for its type. */
  openPath(path: string): Promise<void>;
  /** Shows a saved file selected in its folder, without opening it. */
  showInFolder(path: string): void;
}

export const noDesktop: DesktopPort = { setUnreadCount: () => undefined, showWindow: () => undefined };
