import { describe, expect, it, vi } from 'vitest';
import type { IpcEvents, ReceivedMessage } from '../../../shared/ipc';
import { ReceivedHandOver } from './ReceivedHandOver';

const message = (id: string): ReceivedMessage => ({
  inboxId: id,
  conversationId: 'dm:alice',
  messageId: `m-${id}`,
  sender: { user: 'alice', device: 1 },
  sentAt: 1,
  receivedAt: 2,
  content: { kind: 'text', body: id },
});

describe('ReceivedHandOver', () => {
  it('sends no messages.received until the renderer asked for what main holds, then every one', () => {
    const held = [message('a'), message('b')];
    const emit = vi.fn();
    const handOver = new ReceivedHandOver({ pending: () => held }, { emit } as unknown as IpcEvents);
    handOver.show([held[1]!]);
    expect(emit).not.toHaveBeenCalled();
    expect(handOver.pending()).toEqual(held);
    const later = [message('c')];
    handOver.show(later);
    expect(emit).toHaveBeenCalledExactlyOnceWith('messages.received', later);
  });
});
