import { describe, expect, it } from 'vitest';
import { badgeCount, trayMenu, trayTooltip, unreadLabel, windowBehaviour } from './trayPolicy';

describe('tray and badge', () => {
  it('show the unread count, capped for display', () => {
    expect(trayMenu(3)).toEqual([{ label: 'Show Parley', action: 'show' }, { label: '3 unread messages' }, { label: 'Quit Parley', action: 'quit' }]);
    expect(unreadLabel(0)).toBe('No unread messages');
    expect(unreadLabel(1)).toBe('1 unread message');
    expect(unreadLabel(5000)).toBe('999+ unread messages');
    expect(trayTooltip(0)).toBe('Parley');
    expect(trayTooltip(2)).toBe('Parley — 2 unread messages');
    expect(badgeCount(7)).toBe(7);
    expect(badgeCount(-1)).toBe(0);
    expect(badgeCount(1.5)).toBe(0);
  });
});

describe('windowBehaviour', () => {
  it('starts minimised and closes to the tray only when asked, and shows the window for a launch link', () => {
    expect(windowBehaviour({ startMinimised: false, closeToTray: false }, true, false)).toEqual({ showAtStart: true, hideOnClose: false });
    expect(windowBehaviour({ startMinimised: true, closeToTray: true }, true, false)).toEqual({ showAtStart: false, hideOnClose: true });
    expect(windowBehaviour({ startMinimised: true, closeToTray: false }, true, true)).toEqual({ showAtStart: true, hideOnClose: false });
  });

  it('never hides the window where there is no tray to bring it back', () => {
    expect(windowBehaviour({ startMinimised: true, closeToTray: true }, false, false)).toEqual({ showAtStart: true, hideOnClose: false });
  });
});
