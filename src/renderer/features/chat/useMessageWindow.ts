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

  const fromSeq = window?.fromSeq;
  const toSeq = window?.toSeq;
  const rows = useLiveQuery(
    () => (fromSeq === undefined || toSeq === undefined ? undefined : rowsInWindow(db, conversationId, fromSeq, toSeq)),
    [db, conversationId, fromSeq, toSeq],
  );

  const move = useCallback(
    (step: Move) => {
      if (busy.current || !window || !rows) return;
      busy.current = true;
      screenWork(
        'chat.page_failed',
        step(
          db,
          window,
          rows.map((row) => row.seq),
        )
          .then(setWindow)
          .finally(() => {
            busy.current = false;
          }),
      );
    },
    [db, window, rows],
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
      if (!window || !rows) return;
      const next = trimLiveWindow(
        window,
        rows.map((row) => row.seq),
        atBottom,
      );
      if (next !== window) setWindow(next);
    },
    [window, rows],
  );

  return {
    window,
    rows,
    loadOlder: useCallback(() => move(loadOlder), [move]),
    loadNewer: useCallback(() => move(loadNewer), [move]),
    showLatest,
    showAround,
    trim,
  };
}
