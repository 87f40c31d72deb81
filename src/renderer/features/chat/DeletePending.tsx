// The sign on an own tombstone while the delete for everyone still waits in the outbox (offline, relay down): the
// message is gone here at once, but not yet for the others, and the user should see that, as on a queued send.
import { useLiveQuery } from 'dexie-react-hooks';
import type { StoredMessage } from '../../db/rows';
import { requireSession } from '../../store/session';
import { StatusTick } from './StatusTick';

export function DeletePending({ message }: { message: StoredMessage }) {
  const { db } = requireSession();
  const waiting = useLiveQuery(
    async () =>
      (await db.outbox.where('[conversationId+id]').between([message.conversationId, -Infinity], [message.conversationId, Infinity]).toArray()).some(
        (row) => row.messageSeq === message.seq && row.action?.kind === 'delete',
      ),
    [db, message.conversationId, message.seq],
    false,
  );
  return waiting ? <StatusTick status="queued" /> : null;
}
