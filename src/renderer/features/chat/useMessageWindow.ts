// The rows of the open chat on screen: a bounded window of history (messageWindow.ts) kept live by Dexie, with
// actions to page older and newer as the user scrolls.
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ParleyDatabase } from '../../db/database';
import { rowsInWindow } from '../../db/history';
import type { StoredMessage } from '../../db/rows';
import { screenWork } from '../../db/screenWork';
import { latestWindow, loadNewer, loadOlder, openWindow, trimLiveWindow, windowAround, type MessageWindow } from './messageWindow';

export interface MessageWindowState {
  window: MessageWindow | null;
  rows: StoredMessage[] | undefined;
  loadOlder(): void;
  loadNewer(): void;
  /** Back to the newest page (live). */
  showLatest(): Promise<void>;
  /** A page around this message. */
  showAround(seq: number): Promise<void>;
  /** Keeps a live window bounded as messages arrive. */
  trim(atBottom: boolean): void;
}

type Move = (db: ParleyDatabase, window: MessageWindow, loaded: readonly number[]) => Promise<MessageWindow>;

/**
 * `focusSeq`: a message to show (a search hit): the window opens around it, and moves there whenever `focusNonce`
 * changes. Without one it opens at the read position.
 */
export function useMessageWindow(
  db: ParleyDatabase,
  conversationId: string,
  openAtReadSeq: number | null,
  focusSeq: number | null,
  focusNonce: number | null,
): MessageWindowState {
  const [window, setWindow] = useState<MessageWindow | null>(null);
  const busy = useRef(false);

  useEffect(() => {
    if (openAtReadSeq === null) return;
    let current = true;
    const opening = focusSeq === null ? openWindow(db, conversationId, openAtReadSeq) : windowAround(db, conversationId, focusSeq);
    screenWork('chat.window_failed', opening.then((opened) => current && setWindow(opened)));
    return () => {
      current = false;
    };
    // focusNonce: the same message asked for again is a new request.
  }, [db, conversationId, openAtReadSeq, focusSeq, focusNonce]);

  // The window on screen is the one whose rows are loaded. A window just asked for takes over only with its own
  // rows: until they come (the live query keeps the last result meanwhile) the screen still shows the previous
  // window's rows, and calling it by the new window's edges would, for one, call the old page's bottom "the newest
  // message" (a wheel there pinned the list to the end and the new rows then jumped the view past a page).
  const fromSeq = window?.fromSeq;
  const toSeq = window?.toSeq;
  const loaded = useLiveQuery(
    async () => (fromSeq === undefined || toSeq === undefined ? undefined : { fromSeq, toSeq, rows: await rowsInWindow(db, conversationId, fromSeq, toSeq) }),
    [db, conversationId, fromSeq, toSeq],
  );
  const shown = useRef<{ window: MessageWindow; rows: StoredMessage[] } | null>(null);
  const current = shown.current;
  if (window && loaded && loaded.fromSeq === window.fromSeq && loaded.toSeq === window.toSeq && (current?.window !== window || current.rows !== loaded.rows)) {
    shown.current = { window, rows: loaded.rows };
  }
  const onScreen = shown.current;
  const pending = onScreen?.window !== window;

  const move = useCallback(
    (step: Move) => {
      if (busy.current || pending || !onScreen) return;
      busy.current = true;
      screenWork(
        'chat.page_failed',
        step(
          db,
          onScreen.window,
          onScreen.rows.map((row) => row.seq),
        )
          .then(setWindow)
          .finally(() => {
            busy.current = false;
          }),
      );
    },
    [db, onScreen, pending],
  );

  const showLatest = useCallback(async () => {
    setWindow(await latestWindow(db, conversationId));
  }, [db, conversationId]);

  const showAround = useCallback(
    async (seq: number) => {
      setWindow(await windowAround(db, conversationId, seq));
    },
    [db, conversationId],
  );

  const trim = useCallback(
    (atBottom: boolean) => {
      if (pending || !onScreen) return;
      const next = trimLiveWindow(
        onScreen.window,
        onScreen.rows.map((row) => row.seq),
        atBottom,
      );
      if (next !== onScreen.window) setWindow(next);
    },
    [onScreen, pending],
  );

  return {
    window: onScreen?.window ?? null,
    rows: onScreen?.rows,
    loadOlder: useCallback(() => move(loadOlder), [move]),
    loadNewer: useCallback(() => move(loadNewer), [move]),
    showLatest,
    showAround,
    trim,
  };
}
