// Builders of contract messages for tests and the visual harness.
import type { ReceivedMessage } from '../../shared/ipc';

let inbox = 1;

type Overrides = Partial<Omit<ReceivedMessage, 'content'>>;

function base(conversationId: string, from: string, messageId: string, overrides: Overrides) {
  return {
    inboxId: `ib${inbox++}`,
    conversationId,
    messageId,
    sender: { user: from, device: 1 },
    sentAt: 1_700_000_000_000,
    receivedAt: 1_700_000_000_500,
    ...overrides,
  };
}

export function textFrom(from: string, messageId: string, body: string, overrides: Overrides = {}): ReceivedMessage {
  return { ...base(overrides.conversationId ?? `dm:${from}`, from, messageId, overrides), content: { kind: 'text', body } };
}

export function receiptFrom(from: string, receipt: 'delivered' | 'read', messageIds: string[], overrides: Overrides = {}): ReceivedMessage {
  return {
    ...base(overrides.conversationId ?? `dm:${from}`, from, `r-${inbox}`, overrides),
    content: { kind: 'receipt', receipt, messageIds },
  };
}

export function typingFrom(from: string, typing: boolean, overrides: Overrides = {}): ReceivedMessage {
  return { ...base(overrides.conversationId ?? `dm:${from}`, from, `t-${inbox}`, overrides), content: { kind: 'typing', typing } };
}
