// The signed-in session: this account's database, outbox and receipt workers, set once messaging has started.
// Components and actions read it; only app/session.ts sets it.
import { create } from 'zustand';
import type { ParleyDatabase } from '../db/database';
import type { ReceiptWorker } from '../sync/ReceiptWorker';
import type { OutboxWorker } from '../sync/outbox/OutboxWorker';

export interface Session {
  me: string;
  db: ParleyDatabase;
  outbox: Pick<OutboxWorker, 'poke'>;
  receipts: Pick<ReceiptWorker, 'poke'>;
}

interface SessionStore {
  session: Session | null;
}

export const useSession = create<SessionStore>(() => ({ session: null }));

/** The session, for actions that cannot run without one. */
export function requireSession(): Session {
  const session = useSession.getState().session;
  if (!session) throw new Error('Messaging has not started.');
  return session;
}
