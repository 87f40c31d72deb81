// The transfer engine against a real relay on loopback: encrypt into a local file, upload with tus, download with
// Range into another, decrypt; pauses resume where they stopped; a tampered blob, a wrong digest and a blob that
// was not granted each fail with their own error and leave no file behind.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '../../src/shared/protocol';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../support/relay-harness';
import { BLOB_DIR } from '../../src/server/blobs/blob-store';
import { AttachmentDecryptor } from '../../src/main/core/media/cipher/AttachmentDecryptor';
import { AttachmentError } from '../../src/main/core/media/cipher/AttachmentError';
import { encryptToFile } from '../../src/main/core/media/store/encryptToFile';
import type { BlobTokenSource } from '../../src/main/core/media/transfer/BlobTokenSource';
import { blobEndpoint } from '../../src/main/core/media/transfer/blobHttp';
import { encryptAndUpload } from '../../src/main/core/media/transfer/encryptAndUpload';
import { downloadBlob } from '../../src/main/core/media/transfer/rangeDownload';
import { uploadBlob } from '../../src/main/core/media/transfer/tusUpload';

let relay: TestRelay;
let dir: string;
const alice = { user: 'alice', device: 1 };
const bob = { user: 'bob', device: 1 };
const eve = { user: 'eve', device: 1 };

/** What the app gets over the WebSocket, here straight from the in-process relay. */
function tokensFor(device: Address): BlobTokenSource {
  const access = () => relay.blobs.access;
  const unavailable = (error: unknown) => {
    throw new AttachmentError('blob_unavailable', String((error as Error).message));
  };
  return {
    uploadToken: (size) => access().uploadToken(device, size),
    resumeToken: (blobId) => access().resumeToken(device, blobId).catch(unavailable),
    downloadToken: (blobId) => access().downloadToken(device, blobId).catch(unavailable),
  };
}

beforeAll(async () => {
  relay = await startTestRelay();
  dir = makeTempDir('parley-media-');
});
afterAll(async () => {
  await relay.close();
  removeDir(dir);
});

let files = 0;
const path = (name: string) => join(dir, `${name}-${files++}`);

async function decryptFile(file: string, meta: { key: Uint8Array; size: number; digest: Uint8Array }): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(createReadStream(file), new AttachmentDecryptor(meta), new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) }));
  return Buffer.concat(parts);
}

async function sendFile(plaintext: Buffer) {
  const local = path('sent');
  const meta = await encryptToFile(Readable.from([plaintext]), local);
  const blobId = await uploadBlob({ endpoint: blobEndpoint(relay.url), file: local, size: meta.ciphertextSize, tokens: tokensFor(alice) });
  await relay.blobs.access.grant(alice, blobId, [bob]);
  return { meta, blobId, local };
}

describe('attachment transfers', () => {
  it('derives the blob endpoint from the relay address', () => {
    expect(blobEndpoint('ws://127.0.0.1:8787/v2/ws').toString()).toBe('http://127.0.0.1:8787/v1/blobs');
    expect(blobEndpoint('wss://relay.example.org/v2/ws').toString()).toBe('https://relay.example.org/v1/blobs');
    expect(blobEndpoint('wss://example.org/parley/v2/ws').toString()).toBe('https://example.org/parley/v1/blobs');
  });

  it('encrypts, uploads, downloads and decrypts a file byte for byte', async () => {
    const plaintext = randomBytes(3 * 1024 * 1024 + 123);
    const { meta, blobId, local } = await sendFile(plaintext);
    // The relay holds exactly the local ciphertext, nothing readable.
    expect(readFileSync(join(relay.dataDir, BLOB_DIR, blobId)).equals(readFileSync(local))).toBe(true);
    const received = path('received');
    let progress = 0;
    await downloadBlob({ endpoint: blobEndpoint(relay.url), blobId, file: received, tokens: tokensFor(bob), ...meta, onProgress: (n) => (progress = n) });
    expect(progress).toBe(meta.ciphertextSize);
    expect(createHash('sha256').update(readFileSync(received)).digest().equals(Buffer.from(meta.digest))).toBe(true);
    expect((await decryptFile(received, meta)).equals(plaintext)).toBe(true);
  });

  it('resumes a paused upload and a paused download from where they stopped', async () => {
    const plaintext = randomBytes(6 * 1024 * 1024);
    const local = path('sent');
    const meta = await encryptToFile(Readable.from([plaintext]), local);
    const pause = new AbortController();
    let blobId = '';
    let firstSent = 0;
    const paused = uploadBlob({
      endpoint: blobEndpoint(relay.url),
      file: local,
      size: meta.ciphertextSize,
      tokens: tokensFor(alice),
      signal: pause.signal,
      onBlobId: (id) => void (blobId = id),
      onProgress: (sent) => {
        firstSent = sent;
        if (sent > 2 * 1024 * 1024) pause.abort();
      },
    });
    await expect(paused).rejects.toMatchObject({ code: 'cancelled' });
    const resumedFrom: number[] = [];
    await uploadBlob({ endpoint: blobEndpoint(relay.url), file: local, size: meta.ciphertextSize, tokens: tokensFor(alice), blobId, onProgress: (n) => resumedFrom.push(n) });
    expect(firstSent).toBeLessThan(meta.ciphertextSize);
    expect(resumedFrom[0]).toBeGreaterThan(0);
    await relay.blobs.access.grant(alice, blobId, [bob]);

    const received = path('received');
    const stop = new AbortController();
    const stopped = downloadBlob({
      endpoint: blobEndpoint(relay.url),
      blobId,
      file: received,
      tokens: tokensFor(bob),
      ...meta,
      signal: stop.signal,
      onProgress: (n) => {
        if (n > 3 * 1024 * 1024) stop.abort();
      },
    });
    await expect(stopped).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(received)).toBe(true);
    const starts: number[] = [];
    await downloadBlob({ endpoint: blobEndpoint(relay.url), blobId, file: received, tokens: tokensFor(bob), ...meta, onProgress: (n) => starts.push(n) });
    expect(starts[0]).toBeGreaterThan(3 * 1024 * 1024);
    expect((await decryptFile(received, meta)).equals(plaintext)).toBe(true);
  });

  it('refuses a blob that was not granted to the device', async () => {
    const { meta, blobId } = await sendFile(randomBytes(10_000));
    const received = path('received');
    await expect(downloadBlob({ endpoint: blobEndpoint(relay.url), blobId, file: received, tokens: tokensFor(eve), ...meta })).rejects.toMatchObject({
      code: 'blob_unavailable',
    });
    expect(existsSync(received)).toBe(false);
  });

  it('stops at a tampered chunk and keeps nothing', async () => {
    const { meta, blobId } = await sendFile(randomBytes(1024 * 1024));
    const stored = join(relay.dataDir, BLOB_DIR, blobId);
    const bytes = readFileSync(stored);
    bytes[500_000]! ^= 0xff;
    writeFileSync(stored, bytes);
    const received = path('received');
    await expect(downloadBlob({ endpoint: blobEndpoint(relay.url), blobId, file: received, tokens: tokensFor(bob), ...meta })).rejects.toMatchObject({
      code: 'chunk_tampered',
    });
    expect(existsSync(received)).toBe(false);
  });

  it('rejects a blob whose digest is not the one in the pointer, and keeps nothing', async () => {
    const { meta, blobId } = await sendFile(randomBytes(200_000));
    const received = path('received');
    const digest = Buffer.from(meta.digest);
    digest[5]! ^= 1;
    await expect(
      downloadBlob({ endpoint: blobEndpoint(relay.url), blobId, file: received, tokens: tokensFor(bob), ...meta, digest }),
    ).rejects.toMatchObject({ code: 'digest_mismatch' });
    expect(existsSync(received)).toBe(false);
  });
});

describe('sending while encrypting', () => {
  it('uploads the local copy while it is still being written, and the relay ends with the same bytes', async () => {
    const plaintext = randomBytes(5 * 1024 * 1024 + 7);
    const local = path('sent');
    // A slow source: the uploader must wait for the encryptor, not read past it.
    const slow = Readable.from(
      (async function* () {
        for (let i = 0; i < plaintext.length; i += 512 * 1024) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield plaintext.subarray(i, i + 512 * 1024);
        }
      })(),
    );
    const progress: number[] = [];
    const { attachment, blobId } = await encryptAndUpload({
      source: slow,
      plaintextSize: plaintext.length,
      file: local,
      endpoint: blobEndpoint(relay.url),
      tokens: tokensFor(alice),
      onProgress: (sent) => progress.push(sent),
    });
    expect(readFileSync(join(relay.dataDir, BLOB_DIR, blobId)).equals(readFileSync(local))).toBe(true);
    expect(progress.length).toBeGreaterThan(3);
    expect((await decryptFile(local, attachment)).equals(plaintext)).toBe(true);
  });

  it('fails with the encryption error, and stops the upload, when the file is larger than declared', async () => {
    const local = path('sent');
    await expect(
      encryptAndUpload({
        source: Readable.from([randomBytes(300_000)]),
        plaintextSize: 200_000,
        file: local,
        endpoint: blobEndpoint(relay.url),
        tokens: tokensFor(alice),
      }),
    ).rejects.toMatchObject({ code: 'too_large' });
    expect(existsSync(local)).toBe(false);
  });
});
