import { afterEach, describe, expect, it, vi } from 'vitest';
import { notificationPermission } from './notificationPermission';

afterEach(() => vi.unstubAllGlobals());

describe('the notification permission', () => {
  it('is asked of the browser at most once a second, however many batches arrive meanwhile', () => {
    let asked = 0;
    let permission: NotificationPermission = 'granted';
    vi.stubGlobal(
      'Notification',
      class {
        static get permission() {
          asked += 1;
          return permission;
        }
      },
    );
    const start = 1_000_000;
    for (let batch = 0; batch < 20; batch++) expect(notificationPermission(start + batch * 40)).toBe('granted');
    expect(asked).toBe(1);
    permission = 'denied';
    expect(notificationPermission(start + 1_000)).toBe('denied');
    expect(asked).toBe(2);
  });

  it('is unsupported without the Notification API', () => {
    vi.stubGlobal('Notification', undefined);
    expect(notificationPermission(Date.now())).toBe('unsupported');
  });
});
