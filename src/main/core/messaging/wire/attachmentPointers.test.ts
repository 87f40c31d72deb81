// Messages with files: pointers round-trip through content v2 with every fact the receiver needs, and a pointer no
// honest sender writes (wrong key or digest length, size out of range, odd chunk size, too many files, a bad
// preview) makes the content malformed before anything reaches the media library.
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import type { AttachmentPointerData } from '../../media/AttachmentPointer';
import { decodeEnvelope, encodeEnvelope } from './codec';
import { ContentError, frameContent } from './frame';
import { AttachmentPointerSchema, ContentSchema } from './gen/content_pb';
import type { Envelope } from './model';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function pointer(overrides: Partial<AttachmentPointerData> = {}): AttachmentPointerData {
  return {
    blobId: 'AbCdEfGhIjKlMnOpQrStUv',
    key: new Uint8Array(32).fill(7),
    digest: new Uint8Array(32).fill(9),
    size: 123_456,
    contentType: 'image/jpeg',
    chunkBytes: 65_536,
    fileName: 'holiday.jpg',
    voiceNote: false,
    width: 1600,
    height: 1200,
    durationMs: null,
    blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
    thumbnail: { data: PNG, contentType: 'image/png', width: 64, height: 48 },
    ...overrides,
  };
}

const media = (attachments: AttachmentPointerData[], caption = 'look', replyTo?: string, forwarded?: true): Envelope => ({
  type: 'message',
  conversation: { kind: 'group', groupId: 'AAAAAAAAAAAAAAAAAAAAAA' },
  messageId: '01HZX3M4J8',
  sentAt: 1_700_000_000_000,
  content: { kind: 'media', caption, attachments, ...(replyTo ? { replyTo } : {}), ...(forwarded ? { forwarded } : {}) },
});

/** Content with raw pointers, as any (possibly hostile) sender could write them. */
function withPointers(pointers: MessageInitShape<typeof AttachmentPointerSchema>[], body = ''): Uint8Array {
  const content = create(ContentSchema, {
    messageId: 'm1',
    sentAt: 5n,
    conversation: { kind: { case: 'direct', value: {} } },
    body: { case: 'data', value: { body, attachments: pointers } },
  });
  return frameContent(toBinary(ContentSchema, content));
}

const valid: MessageInitShape<typeof AttachmentPointerSchema> = {
  id: 'AbCdEfGhIjKlMnOpQrStUv',
  key: new Uint8Array(32),
  digest: new Uint8Array(32),
  size: 10n,
  contentType: 'application/pdf',
  chunkSize: 65_536,
  fileName: 'a.pdf',
};

function codeOf(bytes: Uint8Array): string {
  try {
    decodeEnvelope(bytes);
    return 'ok';
  } catch (error) {
    if (error instanceof ContentError) return error.code;
    throw error;
  }
}

describe('attachment pointers in content v2', () => {
  it('round-trips files with a caption and a reply, voice notes and missing optional facts', () => {
    const voice = pointer({ contentType: 'audio/webm', fileName: 'voice.webm', voiceNote: true, width: null, height: null, durationMs: 4_200, blurhash: null, thumbnail: null });
    const envelope = media([pointer(), voice], 'two files', '01HZX3M4J7');
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
    const uncaptioned = media([pointer({ fileName: 'report.pdf', contentType: 'application/pdf', width: null, height: null, blurhash: null, thumbnail: null })], '');
    expect(decodeEnvelope(encodeEnvelope(uncaptioned))).toEqual(uncaptioned);
    const forwarded = media([pointer()], 'from another chat', undefined, true);
    expect(decodeEnvelope(encodeEnvelope(forwarded))).toEqual(forwarded);
    // Files carry the chat's disappearing-message timer, as text does.
    const timed = media([pointer()], 'gone in 30 s');
    if (timed.type === 'message' && timed.content.kind === 'media') timed.content.expireTimerSeconds = 30;
    expect(decodeEnvelope(encodeEnvelope(timed))).toEqual(timed);
  });

  it('accepts a plausible pointer and ignores flags it does not know', () => {
    const decoded = decodeEnvelope(withPointers([{ ...valid, flags: 0b110 }]));
    expect(decoded).toMatchObject({ type: 'message', content: { kind: 'media', caption: '', attachments: [{ blobId: valid.id, size: 10, voiceNote: false, thumbnail: null }] } });
  });

  it('rejects pointers no honest sender writes', () => {
    const broken: MessageInitShape<typeof AttachmentPointerSchema>[] = [
      { ...valid, id: 'not a blob id' },
      { ...valid, key: new Uint8Array(16) },
      { ...valid, digest: new Uint8Array(31) },
      { ...valid, size: 0n },
      { ...valid, size: 2n ** 31n + 1n },
      { ...valid, contentType: 'pdf' },
      { ...valid, contentType: 'text/html; charset=utf-8' },
      { ...valid, chunkSize: 65_535 },
      { ...valid, chunkSize: 512 },
      { ...valid, chunkSize: 2 ** 21 },
      { ...valid, fileName: 'x'.repeat(1025) },
      { ...valid, width: 70_000 },
      { ...valid, durationMs: 25 * 60 * 60 * 1000 },
      { ...valid, blurhash: 'no' },
      { ...valid, thumbnail: { data: PNG, contentType: 'image/svg+xml', width: 1, height: 1 } },
      { ...valid, thumbnail: { data: new Uint8Array(16 * 1024 + 1), contentType: 'image/png', width: 1, height: 1 } },
      { ...valid, thumbnail: { data: PNG, contentType: 'image/png', width: 0, height: 1 } },
    ];
    broken.forEach((bad, index) => expect(codeOf(withPointers([bad])), `case ${index}`).toBe('malformed_content'));
    expect(codeOf(withPointers(Array.from({ length: 33 }, () => valid)))).toBe('malformed_content');
    expect(codeOf(withPointers([valid], 'x'.repeat(16_001)))).toBe('malformed_content');
    expect(codeOf(withPointers(Array.from({ length: 32 }, () => valid), 'x'.repeat(16_000)))).toBe('ok');
  });
});
