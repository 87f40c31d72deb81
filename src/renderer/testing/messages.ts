// Builders of contract messages for tests and the visual harness.
import type { AttachmentView, ReceivedMessage } from '../../shared/ipc';

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

/** Another device of `from` (this user) will not send these own messages: failed there, or deleted first. */
export function unsentFrom(from: string, messageIds: string[], reason: 'failed' | 'deleted', overrides: Overrides = {}): ReceivedMessage {
  return { ...base(overrides.conversationId ?? `dm:${from}`, from, `u-${inbox}`, overrides), content: { kind: 'unsent', messageIds, reason } };
}

export function typingFrom(from: string, typing: boolean, overrides: Overrides = {}): ReceivedMessage {
  return { ...base(overrides.conversationId ?? `dm:${from}`, from, `t-${inbox}`, overrides), content: { kind: 'typing', typing } };
}

let attachment = 1;

/** An attachment as main reports it; ids are 22 base64url characters like the real ones. */
export function attachmentView(overrides: Partial<AttachmentView> = {}): AttachmentView {
  const size = overrides.size ?? 48_213;
  return {
    id: `att${String(attachment++).padStart(19, '0')}`,
    direction: 'incoming',
    kind: 'file',
    contentType: 'application/pdf',
    fileName: 'report.pdf',
    size,
    voiceNote: false,
    width: null,
    height: null,
    durationMs: null,
    blurhash: null,
    hasThumbnail: false,
    executable: false,
    state: 'pending',
    transferred: 0,
    total: size + 1_000,
    error: null,
    ...overrides,
  };
}

export function mediaFrom(from: string, messageId: string, attachments: AttachmentView[], caption = '', overrides: Overrides = {}): ReceivedMessage {
  return { ...base(overrides.conversationId ?? `dm:${from}`, from, messageId, overrides), content: { kind: 'media', caption, attachments } };
}

/** A reaction, edit, delete or timer change from `from` (sent at `sentAt`, default the builders' usual time). */
export function actionFrom(from: string, messageId: string, content: Extract<ReceivedMessage['content'], { kind: 'reaction' | 'edit' | 'delete' | 'expiry_timer' }>, overrides: Overrides = {}): ReceivedMessage {
  return { ...base(overrides.conversationId ?? `dm:${from}`, from, messageId, overrides), content };
}
