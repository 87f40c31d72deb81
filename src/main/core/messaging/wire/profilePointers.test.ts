// A profile pointer rides along on what a user writes: it round-trips, and one no honest sender writes is dropped
// while the message it came with is still read (a profile must never cost a message).
import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './codec';
import { frameContent } from './frame';
import { ContentSchema } from './gen/content_pb';

const pointer = { blobId: 'AAAAAAAAAAAAAAAAAAAAAA', key: new Uint8Array(32).fill(1), digest: new Uint8Array(32).fill(2), size: 4_000, chunkBytes: 65_536 };
const text = { kind: 'text' as const, body: 'hello' };

describe('profile pointers on the wire', () => {
  it('round-trip on a message and on a transcript', () => {
    const message = { type: 'message' as const, conversation: { kind: 'dm' as const }, messageId: 'm1', sentAt: 5, content: text, profile: pointer };
    expect(decodeEnvelope(encodeEnvelope(message))).toEqual(message);
    const transcript = { type: 'sync_sent' as const, messageId: 'm1', sentAt: 5, recipient: 'bob', message: { ...message, profile: undefined }, profile: pointer };
    const decoded = decodeEnvelope(encodeEnvelope(transcript));
    expect(decoded).toMatchObject({ type: 'sync_sent', profile: pointer });
  });

  it.each([
    ['a short key', { key: new Uint8Array(16) }],
    ['a short digest', { digest: new Uint8Array(31) }],
    ['an oversized document', { size: 200_000n }],
    ['an empty document', { size: 0n }],
    ['a chunk size that is not a power of two', { chunkSize: 70_000 }],
    ['a blob id that is not one', { id: '../../etc/passwd' }],
  ])('ignores a pointer with %s and still reads the message', (_what, bad) => {
    const wire = create(ContentSchema, {
      messageId: 'm1',
      sentAt: 5n,
      conversation: { kind: { case: 'direct', value: {} } },
      profile: { id: pointer.blobId, key: pointer.key, digest: pointer.digest, size: 4_000n, chunkSize: 65_536, ...bad },
      body: { case: 'data', value: { body: 'hello' } },
    });
    const decoded = decodeEnvelope(frameContent(toBinary(ContentSchema, wire)));
    expect(decoded).toMatchObject({ type: 'message', content: text });
    expect(decoded).not.toHaveProperty('profile');
  });
});
