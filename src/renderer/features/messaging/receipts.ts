// Delivery and read receipts, and typing notices: sent straight through messages.send (not the outbox), best
// effort. Their failures are logged, never shown: a lost receipt only leaves a tick one step behind.
import { ulid } from 'ulid';
import type { ReceivedMessage } from '../../../shared/ipc';
import { invoke } from '../../ipc';

/** The contract's limit of message ids per receipt. */
const MAX_IDS_PER_RECEIPT = 500;

function logDropped(kind: string, error: unknown): void {
  console.warn('parley.receipt_dropped', { kind, error: error instanceof Error ? error.name : typeof error });
}

export async function sendReceipts(conversationId: string, receipt: 'delivered' | 'read', messageIds: readonly string[]): Promise<void> {
  for (let start = 0; start < messageIds.length; start += MAX_IDS_PER_RECEIPT) {
    try {
      await invoke('messages.send', {
        conversationId,
        messageId: ulid(),
        content: { kind: 'receipt', receipt, messageIds: messageIds.slice(start, start + MAX_IDS_PER_RECEIPT) },
      });
    } catch (error) {
      logDropped(receipt, error);
    }
  }
}

/** Groups messages by conversation and sends one receipt (per 500 ids) to each. */
export async function acknowledge(messages: readonly Pick<ReceivedMessage, 'conversationId' | 'messageId'>[], receipt: 'delivered' | 'read'): Promise<void> {
  const byConversation = new Map<string, string[]>();
  for (const message of messages) {
    const ids = byConversation.get(message.conversationId) ?? [];
    ids.push(message.messageId);
    byConversation.set(message.conversationId, ids);
  }
  await Promise.all([...byConversation].map(([conversationId, ids]) => sendReceipts(conversationId, receipt, ids)));
}

export async function sendTyping(conversationId: string, typing: boolean): Promise<void> {
  try {
    await invoke('messages.send', { conversationId, messageId: ulid(), content: { kind: 'typing', typing } });
  } catch (error) {
    logDropped('typing', error);
  }
}
