// Keeps the unread total in view while the messenger runs — in the window title ("(3) Parley") and, through main,
// on the dock/taskbar badge and the tray — from a live query over every chat that is neither muted nor archived (as Signal counts).
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect } from 'react';
import { isMuted } from '../../../shared/notifications/notificationPolicy';
import { countUnread } from '../../db/conversations';
import type { ParleyDatabase } from '../../db/database';
import { invoke } from '../../ipc';
import { useSession } from '../../store/session';

/** One read transaction, whatever the number of chats (it reruns on every stored receive batch). */
export async function unreadTotal(db: ParleyDatabase, now: number): Promise<number> {
  return db.transaction('r', db.conversations, db.messages, async () => {
    const conversations = await db.conversations.toArray();
    const counts = await Promise.all(conversations.filter((row) => !row.archived && !isMuted(row.mutedUntil, now)).map((row) => countUnread(db, row.id, row.lastReadSeq)));
    return counts.reduce((sum, count) => sum + count, 0);
  });
}

/** Counts above this show as "999+". */
const MAX_SHOWN = 999;

export function unreadTitle(total: number): string {
  return total > 0 ? `(${total > MAX_SHOWN ? `${MAX_SHOWN}+` : total}) Parley` : 'Parley';
}

export function useUnreadBadge(): void {
  const db = useSession((state) => state.session?.db);
  const total = useLiveQuery(() => (db ? unreadTotal(db, Date.now()) : 0), [db]);
  useEffect(() => {
    if (total === undefined) return;
    document.title = unreadTitle(total);
    void invoke('app.setUnreadCount', { count: total }).catch(() => undefined);
  }, [total]);
  useEffect(
    () => () => {
      document.title = unreadTitle(0);
      void invoke('app.setUnreadCount', { count: 0 }).catch(() => undefined);
    },
    [],
  );
}
