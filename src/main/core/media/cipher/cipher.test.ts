import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_HEADER_BYTES,
  ATTACHMENT_TAG_BYTES,
  attachmentCiphertextSize,
  chunkOffset,
  paddedAttachmentSize,
} from '../../../../shared/media/attachmentFormat';
import { AttachmentDecryptor } from './AttachmentDecryptor';
import { AttachmentEncryptor, type EncryptedAttachment } from './AttachmentEncryptor';
import { isAttachmentError, type AttachmentErrorCode } from './AttachmentError';

const CHUNK = 1024;
const UNIT = CHUNK + ATTACHMENT_TAG_BYTES;

async function encrypt(plaintext: Buffer, chunkBytes = CHUNK, pieceBytes = 777): Promise<{ blob: Buffer; meta: EncryptedAttachment }> {
  const encryptor = new AttachmentEncryptor({ chunkBytes });
  const parts: Buffer[] = [];
  // By default odd-sized pieces, so chunk boundaries never line up with writes.
  const pieces = [];
  for (let i = 0; i < plaintext.length; i += pieceBytes) pieces.push(plaintext.subarray(i, i + pieceBytes));
  await pipeline(Readable.from(pieces), encryptor, async (source: AsyncIterable<Buffer>) => {
    for await (const part of source) parts.push(part);
  });
  return { blob: Buffer.concat(parts), meta: encryptor.result() };
}

async function decrypt(
  blob: Buffer,
  options: { key: Uint8Array; size: number; digest?: Uint8Array; chunkBytes?: number },
): Promise<{ plaintext: Buffer; error?: unknown }> {
  // Flowing mode: every chunk the decryptor passes on is seen here before any error that follows it.
  const decryptor = new AttachmentDecryptor({ chunkBytes: CHUNK, ...options });
  const parts: Buffer[] = [];
  const done = new Promise<unknown>((resolve) => {
    decryptor.on('data', (part: Buffer) => parts.push(part));
    decryptor.on('end', () => resolve(undefined));
    decryptor.on('error', resolve);
  });
  decryptor.write(blob.subarray(0, 100));
  decryptor.end(blob.subarray(100));
  const error = await done;
  return { plaintext: Buffer.concat(parts), ...(error === undefined ? {} : { error }) };
}

function chunkAt(blob: Buffer, index: number): Buffer {
  return blob.subarray(chunkOffset(index, CHUNK), chunkOffset(index + 1, CHUNK));
}

async function expectFailure(blob: Buffer, meta: EncryptedAttachment, code: AttachmentErrorCode, overrides: { key?: Uint8Array; size?: number; digest?: Uint8Array } = {}) {
  const result = await decrypt(blob, { key: meta.key, size: meta.size, digest: meta.digest, ...overrides });
  expect(isAttachmentError(result.error, code), `expected ${code}, got ${String(result.error)}`).toBe(true);
  return result;
}

describe('attachment stream format', () => {
  it('round-trips sizes around chunk and bucket edges, with the size, padding and digest it promises', async () => {
    for (const size of [1, 540, 541, 542, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 20_000]) {
      const plaintext = randomBytes(size);
      const { blob, meta } = await encrypt(plaintext);
      expect(meta.size).toBe(size);
      expect(blob.length).toBe(attachmentCiphertextSize(size, CHUNK));
      expect(meta.ciphertextSize).toBe(blob.length);
      expect(Buffer.from(meta.digest)).toEqual(createHash('sha256').update(blob).digest());
      const { plaintext: out, error } = await decrypt(blob, { key: meta.key, size, digest: meta.digest });
      expect(error).toBeUndefined();
      expect(out.equals(plaintext)).toBe(true);
    }
  });

  it('writes the same format whether writes split chunks or hold whole ones (encrypted in place, the last held back)', async () => {
    for (const size of [CHUNK, 2 * CHUNK, 5 * CHUNK, 5 * CHUNK + 3, 20_000]) {
      const plaintext = randomBytes(size);
      for (const pieceBytes of [CHUNK, 3 * CHUNK, 2 * CHUNK + 5, size]) {
        const { blob, meta } = await encrypt(plaintext, CHUNK, pieceBytes);
        expect(blob.length).toBe(attachmentCiphertextSize(size, CHUNK));
        expect(Buffer.from(meta.digest)).toEqual(createHash('sha256').update(blob).digest());
        const { plaintext: out, error } = await decrypt(blob, { key: meta.key, size, digest: meta.digest });
        expect(error).toBeUndefined();
        expect(out.equals(plaintext)).toBe(true);
      }
    }
  });

  it('round-trips any content (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 6000 }), async (bytes) => {
        const plaintext = Buffer.from(bytes);
        const { blob, meta } = await encrypt(plaintext);
        const { plaintext: out, error } = await decrypt(blob, { key: meta.key, size: meta.size, digest: meta.digest });
        return error === undefined && out.equals(plaintext);
      }),
      { numRuns: 40 },
    );
  });

  it('pads to a bucket, so near sizes give the same ciphertext length', async () => {
    const a = await encrypt(randomBytes(10_000));
    const b = await encrypt(randomBytes(10_100));
    expect(paddedAttachmentSize(10_000)).toBe(paddedAttachmentSize(10_100));
    expect(a.blob.length).toBe(b.blob.length);
  });

  it('uses a fresh key and salt every time: the same file never encrypts the same way', async () => {
    const plaintext = randomBytes(3000);
    const first = await encrypt(plaintext);
    const second = await encrypt(plaintext);
    expect(Buffer.from(first.meta.key).equals(Buffer.from(second.meta.key))).toBe(false);
    expect(first.blob.subarray(4, ATTACHMENT_HEADER_BYTES).equals(second.blob.subarray(4, ATTACHMENT_HEADER_BYTES))).toBe(false);
  });

  it('passes on the verified ciphertext instead of the plaintext when asked, from a given byte, whole chunks only', async () => {
    const plaintext = randomBytes(5 * CHUNK + 100);
    const { blob, meta } = await encrypt(plaintext);
    const passOn = async (bytes: Buffer, from: number) => {
      const decryptor = new AttachmentDecryptor({ key: meta.key, size: meta.size, digest: meta.digest, chunkBytes: CHUNK, ciphertextFrom: from });
      const parts: Buffer[] = [];
      const done = new Promise<unknown>((resolve) => {
        decryptor.on('data', (part: Buffer) => parts.push(part));
        decryptor.on('end', () => resolve(undefined));
        decryptor.on('error', resolve);
      });
      // Pieces that never line up with chunks.
      for (let at = 0; at < bytes.length; at += 333) decryptor.write(bytes.subarray(at, at + 333));
      decryptor.end();
      return { out: Buffer.concat(parts), error: await done };
    };
    for (const from of [0, 10, ATTACHMENT_HEADER_BYTES, chunkOffset(2, CHUNK) + 7, blob.length]) {
      const { out, error } = await passOn(blob, from);
      expect(error).toBeUndefined();
      expect(out.equals(blob.subarray(from))).toBe(true);
    }
    const tampered = Buffer.from(blob);
    tampered[chunkOffset(2, CHUNK) + 10]! ^= 0x01;
    const { out, error } = await passOn(tampered, 0);
    expect(isAttachmentError(error, 'chunk_tampered')).toBe(true);
    // The header and chunks 0 and 1, verified; nothing of chunk 2.
    expect(out.equals(blob.subarray(0, chunkOffset(2, CHUNK)))).toBe(true);
  });

  describe('rejects, with a clear error and no plaintext past the damage', () => {
    const size = 5 * CHUNK + 100;
    let plaintext: Buffer;
    let blob: Buffer;
    let meta: EncryptedAttachment;

    async function setUp() {
      plaintext = randomBytes(size);
      ({ blob, meta } = await encrypt(plaintext));
    }

    it('a changed byte inside a chunk', async () => {
      await setUp();
      const tampered = Buffer.from(blob);
      tampered[chunkOffset(2, CHUNK) + 10]! ^= 0x01;
      const { plaintext: out } = await expectFailure(tampered, meta, 'chunk_tampered');
      // Chunks 0 and 1 verified and passed; nothing of chunk 2 or later did.
      expect(out.equals(plaintext.subarray(0, 2 * CHUNK))).toBe(true);
    });

    it('a changed tag', async () => {
      await setUp();
      const tampered = Buffer.from(blob);
      tampered[chunkOffset(1, CHUNK) + UNIT - 1]! ^= 0x80;
      await expectFailure(tampered, meta, 'chunk_tampered');
    });

    it('a changed header (the salt is bound into every chunk)', async () => {
      await setUp();
      const tampered = Buffer.from(blob);
      tampered[20]! ^= 0x01;
      const { plaintext: out } = await expectFailure(tampered, meta, 'chunk_tampered');
      expect(out.length).toBe(0);
    });

    it('an unknown version or a chunk size other than the pointer names', async () => {
      await setUp();
      const version = Buffer.from(blob);
      version[0] = 9;
      await expectFailure(version, meta, 'bad_header');
      const chunkSize = Buffer.from(blob);
      chunkSize[1] = 11;
      await expectFailure(chunkSize, meta, 'bad_header');
    });

    it('two chunks swapped', async () => {
      await setUp();
      const swapped = Buffer.concat([blob.subarray(0, chunkOffset(1, CHUNK)), chunkAt(blob, 2), chunkAt(blob, 1), blob.subarray(chunkOffset(3, CHUNK))]);
      expect(swapped.length).toBe(blob.length);
      const { plaintext: out } = await expectFailure(swapped, meta, 'chunk_tampered');
      expect(out.length).toBe(CHUNK);
    });

    it('a chunk repeated in place of the next', async () => {
      await setUp();
      const repeated = Buffer.concat([blob.subarray(0, chunkOffset(2, CHUNK)), chunkAt(blob, 1), blob.subarray(chunkOffset(3, CHUNK))]);
      await expectFailure(repeated, meta, 'chunk_tampered');
    });

    it('a chunk repeated in addition (the blob grows)', async () => {
      await setUp();
      const longer = Buffer.concat([blob.subarray(0, chunkOffset(2, CHUNK)), chunkAt(blob, 1), blob.subarray(chunkOffset(2, CHUNK))]);
      await expectFailure(longer, meta, 'chunk_tampered');
    });

    it('bytes appended after the final chunk', async () => {
      await setUp();
      await expectFailure(Buffer.concat([blob, Buffer.alloc(1)]), meta, 'trailing_data');
    });

    it('the final chunk dropped', async () => {
      await setUp();
      const lastStart = chunkOffset(Math.floor((blob.length - ATTACHMENT_HEADER_BYTES) / UNIT), CHUNK);
      await expectFailure(blob.subarray(0, lastStart), meta, 'truncated');
    });

    it('the stream cut inside a chunk', async () => {
      await setUp();
      await expectFailure(blob.subarray(0, chunkOffset(3, CHUNK) + 50), meta, 'truncated');
    });

    it('the final chunks dropped and the size lied about to match (the final flag catches it)', async () => {
      await setUp();
      // A pointer claiming 3 whole chunks; chunk 2 was sealed as "not final", so it does not open as the last one.
      const cut = blob.subarray(0, chunkOffset(3, CHUNK));
      const lie = 3 * CHUNK;
      expect(attachmentCiphertextSize(lie, CHUNK)).toBeGreaterThanOrEqual(cut.length);
      const padded = paddedAttachmentSize(lie);
      if (padded === 3 * CHUNK) {
        await expectFailure(cut, meta, 'chunk_tampered', { size: lie, digest: undefined });
      } else {
        await expectFailure(cut, meta, 'truncated', { size: lie, digest: undefined });
      }
    });

    it('the wrong key', async () => {
      await setUp();
      const { plaintext: out } = await expectFailure(blob, meta, 'chunk_tampered', { key: randomBytes(32) });
      expect(out.length).toBe(0);
    });

    it('the wrong digest (every chunk fine, but not the blob the sender named)', async () => {
      await setUp();
      const wrong = Buffer.from(meta.digest);
      wrong[0]! ^= 1;
      await expectFailure(blob, meta, 'digest_mismatch', { digest: wrong });
    });
  });

  it('refuses plaintext beyond the size limit while it streams', async () => {
    const encryptor = new AttachmentEncryptor({ chunkBytes: CHUNK, maxBytes: 4000 });
    const failure = pipeline(Readable.from([randomBytes(3000), randomBytes(3000)]), encryptor, async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source) void _;
    });
    await expect(failure).rejects.toMatchObject({ code: 'too_large' });
  });
});
