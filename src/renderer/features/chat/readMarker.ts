// Reading: moving the read position forward when the user has seen messages, and telling their senders.
import type { ParleyDatabase } from '../../db/database';
import { markReadUpTo } from '../../db/conversations';
import { useSession } from '../../store/session';

/** Whether the user can see the window now (a background window reads nothing). */
export function windowIsVisible(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/** Moves the read position forward; the receipt worker tells the senders (now, or once the relay is back). */
export async function markSeen(db: ParleyDatabase, conversationId: string, upToSeq: number): Promise<void> {
  const newlyRead = await markReadUpTo(db, conversationId, upToSeq);
  if (newlyRead.length > 0) useSession.getState().session?.receipts.poke(conversationId);
}
