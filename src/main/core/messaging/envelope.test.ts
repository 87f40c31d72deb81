import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../shared/crypto/bytes';
import { EnvelopeError, decodeEnvelope, encodeEnvelope, paddedLength, type Envelope } from './envelope';

const text = (body: string): Envelope => ({
  type: 'message',
  conversation: { kind: 'dm' },
  messageId: '01HZX3M4J8',
  sentAt: 1_700_000_000_000,
  content: { kind: 'text', body },
});

function raw(json: unknown, version = 1): Uint8Array {
  return new ByteWriter().u8(version).varBytes(new TextEncoder().encode(JSON.stringify(json))).finish();
}

describe('content envelope', () => {
  it('round-trips every kind', () => {
    const envelopes: Envelope[] = [
      text('hello'),
      { type: 'message', conversation: { kind: 'group', groupId: 'AAAAAAAAAAAAAAAAAAAAAA' }, messageId: 'm1', sentAt: 1, content: { kind: 'typing', typing: true } },
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'm2', sentAt: 1, content: { kind: 'receipt', receipt: 'read', messageIds: ['a', 'b'] } },
      {
        type: 'group_update',
        groupId: 'AAAAAAAAAAAAAAAAAAAAAA',
        messageId: 'm3',
        sentAt: 1,
        update: { kind: 'renamed', by: 'alice', name: 'Club' },
        state: { name: 'Club', members: ['alice', 'bob'], admins: ['alice'], createdBy: 'alice', revision: 2 },
      },
      { type: 'sender_key', groupId: 'AAAAAAAAAAAAAAAAAAAAAA', distribution: 'QUJD' },
    ];
    for (const envelope of envelopes) expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('pads to size buckets, so lengths reveal only the bucket', () => {
    expect(encodeEnvelope(text('a')).length).toBe(256);
    expect(encodeEnvelope(text('a'.repeat(100))).length).toBe(256);
    expect(encodeEnvelope(text('a'.repeat(300))).length).toBe(512);
    expect(paddedLength(16 * 1024 + 1)).toBe(32 * 1024);
    expect(paddedLength(40_000)).toBe(48 * 1024);
    const sizes = new Set(Array.from({ length: 200 }, (_, i) => encodeEnvelope(text('x'.repeat(i + 1))).length));
    expect([...sizes]).toEqual([256, 512]);
  });

  it('rejects what is not a valid envelope, with a typed error', () => {
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      raw(text('x'), 2),
      raw({ ...text('x'), extra: true }),
      raw({ ...text('x'), content: { kind: 'text', body: '' } }),
      raw({ ...text('x'), content: { kind: 'text', body: 'x'.repeat(16_001) } }),
      raw({ ...text('x'), messageId: 'has space' }),
      raw({ type: 'group_update', groupId: 'short', messageId: 'm', sentAt: 1, update: { kind: 'member_left', by: 'al' }, state: {} }),
      new ByteWriter().u8(1).u32(10).bytes(new Uint8Array(3)).finish(),
      new ByteWriter().u8(1).u32(5).bytes(new TextEncoder().encode('{nope')).finish(),
    ];
    for (const bytes of bad) expect(() => decodeEnvelope(bytes)).toThrow(EnvelopeError);
  });
});
