// Relay ids: stable for a resend, distinct per copy, valid on the wire, and sorted by the message's time.
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MessageId } from '../../../shared/protocol';
import { relayMessageId } from './relayIds';

describe('relayMessageId', () => {
  it('is the same for a resend and different for every other copy', () => {
    const message = ulid();
    const id = relayMessageId('dm', message, 'bob.1');
    expect(relayMessageId('dm', message, 'bob.1')).toBe(id);
    const others = [
      relayMessageId('dm', message, 'bob.2'),
      relayMessageId('receipt', message, 'bob.1'),
      relayMessageId('dm', ulid(), 'bob.1'),
      relayMessageId('skdm', null, 'bob.1'),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
    for (const each of [id, ...others]) expect(MessageId.safeParse(each).success).toBe(true);
  });

  it('sorts by the time of the end-to-end message, whatever the other parts', () => {
    const times = [Date.UTC(2026, 10, 24, 9), Date.UTC(2026, 10, 24, 9, 0, 0, 1), Date.UTC(2026, 10, 24, 10), Date.UTC(2027, 0, 1)];
    const ids = times.map((time, i) => relayMessageId('group', ulid(time), `group-${times.length - i}`, i));
    expect([...ids].sort()).toEqual(ids);
    expect(relayMessageId('dm', ulid(times[0]), 'z').slice(0, 10)).toBe(ids[0]!.slice(0, 10));
  });

  it('puts copies without a time-ordered message id first, still distinct', () => {
    const first = relayMessageId('dm', 'not-a-ulid', 'bob.1');
    expect(first.startsWith('0000000000')).toBe(true);
    expect(relayMessageId('skdm', null, 'group', 7, 'bob.1') < relayMessageId('dm', ulid(), 'bob.1')).toBe(true);
    expect(first).not.toBe(relayMessageId('dm', 'not-a-ulid-either', 'bob.1'));
  });
});
