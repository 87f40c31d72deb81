// Actions that arrive before the message they name. A reaction, edit or delete can overtake its target (the target
// was sent by another of the author's devices, came in a later catch-up, or needed a session repaired first); it is
// kept here and applied when the target is stored (storeReceived, or storeHistoryBatch for a message of the history a
// new device is still importing), under the same rules as if it had come after it. So is an unsent notice from
// another of this user's devices (one kept per message it names): on a new device, it may come before the history
// that holds the message.
// Kept in IndexedDB, sealed at rest like every row (only the conversation id, the target's id and the arrival time
// stay in clear, for the indexes), so a restart between the two loses nothing. Bounded: at most EARLY_ACTIONS_KEPT
// (the oldest go first) and none older than EARLY_ACTION_TTL_MS — an action whose target never comes is forgotten.
import type { ReceivedMessage } from '../../shared/ipc';
import type { ParleyDatabase } from './database';
import type { ActionContent } from './rows';

/** How many early actions a device keeps at most, across all conversations. */
export const EARLY_ACTIONS_KEPT = 200;
/** How long an early action waits for its target (by this device's receive times). */
export const EARLY_ACTION_TTL_MS = 24 * 60 * 60 * 1000;

export type EarlyAction = ReceivedMessage & { content: Extract<ActionContent, { kind: 'reaction' | 'edit' | 'delete' }> };
/** An unsent notice kept for one message it names (`messageIds` has that one id). */
export type EarlyUnsent = ReceivedMessage & { content: Extract<ReceivedMessage['content'], { kind: 'unsent' }> };
export type Kept = EarlyAction | EarlyUnsent;

export interface EarlyActionRow {
  /** Arrival order (auto-increment). */
  id?: number;
  conversationId: string;
  targetMessageId: string;
  /** When this device received the action (ReceivedMessage.receivedAt); it expires EARLY_ACTION_TTL_MS later. */
  receivedAt: number;
  action: Kept;
}

/** Keeps an action whose target is not here yet; drops expired ones and the oldest beyond the bound. */
export async function keepEarlyAction(db: ParleyDatabase, action: Kept): Promise<void> {
  const { conversationId, receivedAt } = action;
  const targetMessageId = action.content.kind === 'unsent' ? action.content.messageIds[0]! : action.content.targetMessageId;
  await db.earlyActions.add({ conversationId, targetMessageId, receivedAt, action });
  await db.earlyActions.where('receivedAt').below(receivedAt - EARLY_ACTION_TTL_MS).delete();
  const excess = (await db.earlyActions.count()) - EARLY_ACTIONS_KEPT;
  if (excess > 0) await db.earlyActions.bulkDelete(await db.earlyActions.limit(excess).primaryKeys());
}

/**
 * Takes (removes and returns, in arrival order) the kept actions naming these just-stored messages, except those
 * that waited longer than EARLY_ACTION_TTL_MS for them.
 */
export async function takeEarlyActions(db: ParleyDatabase, stored: readonly { conversationId: string; messageId: string; receivedAt: number }[]): Promise<Kept[]> {
  if (stored.length === 0) return [];
  const keys = stored.map((message) => [message.conversationId, message.messageId]);
  const ids = (await db.earlyActions.where('[conversationId+targetMessageId]').anyOf(keys).primaryKeys()) as number[];
  if (ids.length === 0) return [];
  const rows = (await db.earlyActions.bulkGet(ids)).filter((row): row is EarlyActionRow => row !== undefined);
  await db.earlyActions.bulkDelete(ids);
  const arrived = new Map(stored.map((message) => [`${message.conversationId}\u0000${message.messageId}`, message.receivedAt]));
  return rows
    .filter((row) => (arrived.get(`${row.conversationId}\u0000${row.targetMessageId}`) ?? Infinity) - row.receivedAt <= EARLY_ACTION_TTL_MS)
    .sort((a, b) => a.id! - b.id!)
    .map((row) => row.action);
}
