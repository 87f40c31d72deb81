// The window of history on screen pages newer as the person scrolls down. Each page move asks IndexedDB for the new
// window's rows; until they come, what is on screen is still the previous window. The hook must never hand the list
// a window with rows that are not its own: a window already called "live" over the old page's rows made the old
// page's bottom look like the newest message, and a wheel there pinned the list to the end, so the new rows then
// jumped the view past a page (seen in the e2e catch-up: messages 450–479 never on screen).
import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, seedMessages } from '../../testing/db';
import { MAX_WINDOW } from './messageWindow';
import { useMessageWindow, type MessageWindowState } from './useMessageWindow';

const COUNT = 320;
const db = freshDatabase('message-window-hook');
let newestSeq = 0;

beforeAll(async () => {
  await seedMessages(db, { conversationId: 'dm:bob', count: COUNT });
  newestSeq = Number(await db.messages.orderBy('seq').lastKey());
});

describe('useMessageWindow paging newer', () => {
  it('hands out a window only with its own rows: never "live" over an older page', async () => {
    const renders: Array<Pick<MessageWindowState, 'window' | 'rows'>> = [];
    // Opened with nothing read: at the first unread message, the oldest, far from the newest.
    const { result } = renderHook(() => {
      const state = useMessageWindow(db, 'dm:bob', 0, null, null);
      renders.push({ window: state.window, rows: state.rows });
      return state;
    });
    await waitFor(() => expect(result.current.rows?.length).toBeGreaterThan(0));
    expect(result.current.window?.toSeq).not.toBeNull();

    for (let page = 0; page < 20 && result.current.window?.toSeq !== null; page++) {
      const before = result.current.window;
      act(() => result.current.loadNewer());
      await waitFor(() => expect(result.current.window).not.toBe(before));
    }
    expect(result.current.window?.toSeq).toBeNull();
    expect(result.current.rows?.at(-1)?.seq).toBe(newestSeq);

    for (const { window, rows } of renders) {
      if (!window || !rows) continue;
      // The rows on screen are exactly the window's: from its first seq to its last (the newest when live).
      expect(rows[0]?.seq).toBe(window.fromSeq);
      expect(rows.at(-1)?.seq).toBe(window.toSeq ?? newestSeq);
      expect(rows.length).toBeLessThanOrEqual(MAX_WINDOW);
    }
  });
});
