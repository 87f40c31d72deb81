// The tray, the dock/taskbar badge and the window's close/start behaviour, as pure decisions (src/main/shell/tray.ts applies
// them). The window is never hidden where there is no tray to bring it back from.

export type TrayAction = 'show' | 'quit';

export interface TrayMenuItem {
  label: string;
  /** Absent: an informational line (disabled). */
  action?: TrayAction;
}

/** Unread counts beyond this show as "999+" (the dock badge and the tray say the same). */
export const MAX_SHOWN_UNREAD = 999;

export function unreadLabel(unread: number): string {
  if (unread <= 0) return 'No unread messages';
  const shown = unread > MAX_SHOWN_UNREAD ? `${MAX_SHOWN_UNREAD}+` : String(unread);
  return `${shown} unread ${unread === 1 ? 'message' : 'messages'}`;
}

export function trayMenu(unread: number): TrayMenuItem[] {
  return [{ label: 'Show Parley', action: 'show' }, { label: unreadLabel(unread) }, { label: 'Quit Parley', action: 'quit' }];
}

export function trayTooltip(unread: number): string {
  return unread > 0 ? `Parley — ${unreadLabel(unread)}` : 'Parley';
}

/** The dock / taskbar badge number (0 clears it). */
export function badgeCount(unread: number): number {
  return Number.isInteger(unread) && unread > 0 ? unread : 0;
}

export interface WindowBehaviour {
  /** Show the window when the app starts. */
  showAtStart: boolean;
  /** Closing the window hides it to the tray instead of closing it. */
  hideOnClose: boolean;
}

export function windowBehaviour(settings: { startMinimised: boolean; closeToTray: boolean }, trayAvailable: boolean, launchedWithLink: boolean): WindowBehaviour {
  if (!trayAvailable) return { showAtStart: true, hideOnClose: false };
  return { showAtStart: !settings.startMinimised || launchedWithLink, hideOnClose: settings.closeToTray };
}
