// Unsent sync (issue 15): another of this user's devices will not send own messages after all — they failed there for
// good, or the user deleted them there before they went out (main turns a SyncMessage.Unsent into this notice,
// docs/protocol.md). Here only rows shown as being sent from that device (`sending`, from its history) change: they
// become failed, with why, and no Retry — the device that wrote a message is the one that sends it (its Retry reuses
// the message id, and its transcript settles the row here). Anything else (sent, delivered, already failed) stays.
import type { ParleyDatabase } from './database';
import { keepEarlyAction, type EarlyUnsent } from './earlyActions';
import type { StoredMessage } from './rows';

type MessageFailure = NonNullable<StoredMessage['failure']>;

/** Failure codes of own messages that did not go out from another device: this one offers no Retry. */
export const FAILED_ELSEWHERE = 'failed_elsewhere';
export const DELETED_ELSEWHERE = 'deleted_elsewhere';

const FAILURES: Record<'failed' | 'deleted', MessageFailure> = {
  failed: { code: FAILED_ELSEWHERE, message: 'Not sent: it could not be sent from your other device. You can retry it there.' },
  deleted: { code: DELETED_ELSEWHERE, message: 'Not sent: it was deleted on your other device before it went out.' },
};

/** A failed message this device cannot retry: another device wrote it and sends it. */
export function isFailedElsewhere(message: Pick<StoredMessage, 'status' | 'failure'>): boolean {
  return message.status === 'failed' && (message.failure?.code === FAILED_ELSEWHERE || message.failure?.code === DELETED_ELSEWHERE);
}

/** The failure an own message imported from history as failed shows: it failed on the device that wrote it. */
export const FAILED_ON_OTHER_DEVICE = FAILURES.failed;

/** Applies the notice to the rows it names that are here; returns the ids of those that are not (yet). */
async function applyUnsentElsewhere(db: ParleyDatabase, conversationId: string, messageIds: readonly string[], reason: 'failed' | 'deleted', me: string): Promise<string[]> {
  const rows = await db.messages
    .where('[conversationId+messageId+sender]')
    .anyOf(messageIds.map((messageId) => [conversationId, messageId, me]))
    .toArray();
  const unsent = rows
    .filter((row): row is StoredMessage => row.status === 'sending')
    .map((row) => ({ ...row, status: 'failed' as const, failure: FAILURES[reason] }));
  if (unsent.length > 0) await db.messages.bulkPut(unsent);
  const here = new Set(rows.map((row) => row.messageId));
  return messageIds.filter((messageId) => !here.has(messageId));
}

/**
 * Applies an unsent notice to the rows it names; with `keepEarly`, keeps it for each one not here yet (one kept per
 * row, db/earlyActions.ts): on a new device the row may be in the history it is still importing.
 */
export async function applyUnsentNotice(db: ParleyDatabase, notice: EarlyUnsent, me: string, keepEarly: boolean): Promise<void> {
  const { conversationId, content } = notice;
  const absent = await applyUnsentElsewhere(db, conversationId, content.messageIds, content.reason, me);
  if (keepEarly) for (const messageId of absent) await keepEarlyAction(db, { ...notice, content: { ...content, messageIds: [messageId] } });
}
