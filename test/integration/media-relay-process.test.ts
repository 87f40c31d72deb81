// Attachments through a relay running as its own process: a 200 MB file both ways with the peak memory of this
// process (the app side) and of the relay measured, and the relay killed (SIGKILL) in the middle of an upload and
// of a download — each resumes once the relay is back on the same port and ends with the right digest.
// Tokens are signed with the relay's configured secret, as its WebSocket frame would sign them.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_DIR } from '../../src/server/blobs/blob-store';
import { BlobTokens, newBlobId } from '../../src/server/blobs/blob-tokens';
import { AttachmentDecryptor } from '../../src/main/core/media/cipher/AttachmentDecryptor';
import type { BlobTokenSource } from '../../src/main/core/media/transfer/BlobTokenSource';
import { blobEndpoint } from '../../src/main/core/media/transfer/blobHttp';
import { encryptAndUpload } from '../../src/main/core/media/transfer/encryptAndUpload';
import { downloadBlob } from '../../src/main/core/media/transfer/rangeDownload';
import { uploadBlob } from '../../src/main/core/media/transfer/tusUpload';
import { encryptToFile } from '../../src/main/core/media/store/encryptToFile';
import { startPeakMeter } from '../../bench/media/memory';
import { makeTempDir, removeDir } from '../support/relay-harness';
import { spawnRelay, type RelayProcess } from '../support/relay-process';

const SECRET = randomBytes(32);
const MIB = 1024 * 1024;
const FAST_RETRY = { policy: { baseMs: 50, capMs: 500 } };
let relay: RelayProcess;
let relayDir: string;
let work: string;
let port: number;

const tokens = new BlobTokens(SECRET, Date.now);
function tokenSource(): BlobTokenSource {
  const issue = (kind: 'upload' | 'download', blobId: string, size?: number) => ({
    blobId,
    token: tokens.sign({ kind, blob: blobId, user: 'alice', device: 1, ...(size ? { size } : {}), expiresAt: Date.now() + 600_000 }),
  });
  const sizes = new Map<string, number>();
  return {
    uploadToken: async (size) => {
      const blobId = newBlobId();
      sizes.set(blobId, size);
      return issue('upload', blobId, size);
    },
    resumeToken: async (blobId) => issue('upload', blobId, sizes.get(blobId)),
    downloadToken: async (blobId) => issue('download', blobId),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: chosen } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return chosen;
}

// A loaded machine (the whole suite runs in parallel) can take long to start tsx: a generous start timeout, and a
// second try, so a slow start is not mistaken for a transfer that does not resume.
async function startRelay(): Promise<RelayProcess> {
  let failure: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await spawnRelay({ dataDir: relayDir, port, startTimeoutMs: 60_000, env: { PARLEY_RELAY_BLOB_TOKEN_SECRET: SECRET.toString('base64') } });
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/** Kills the relay and starts it again; a restart that fails stops the transfer (via `stop`) instead of leaving it retrying. */
function killAndRestart(stop: AbortController): Promise<unknown> {
  relay.kill('SIGKILL');
  return relay.exited.then(async () => {
    try {
      relay = await startRelay();
      return undefined;
    } catch (error) {
      stop.abort();
      return error;
    }
  });
}

function randomFile(name: string, bytes: number): string {
  const file = join(work, name);
  const buffer = Buffer.allocUnsafe(4 * MIB);
  const fd = openSync(file, 'w');
  for (let done = 0; done < bytes; done += buffer.length) writeSync(fd, randomFillSync(buffer), 0, Math.min(buffer.length, bytes - done));
  closeSync(fd);
  return file;
}

async function sha256(file: string, transform?: AttachmentDecryptor): Promise<string> {
  const hash = createHash('sha256');
  const sink = new Writable({ write: (chunk: Buffer, _e, callback) => (hash.update(chunk), callback()) });
  await (transform ? pipeline(createReadStream(file), transform, sink) : pipeline(createReadStream(file), sink));
  return hash.digest('hex');
}

beforeAll(async () => {
  relayDir = makeTempDir('parley-relay-');
  work = makeTempDir('parley-media-');
  port = await freePort();
  relay = await startRelay();
});
afterAll(async () => {
  await relay?.stop();
  removeDir(relayDir);
  removeDir(work);
});

describe('attachments through a relay process', () => {
  it('sends and receives 200 MB with flat memory on both sides', async () => {
    const size = 200 * MIB;
    const plain = randomFile('plain-200', size);
    const source = tokenSource();
    global.gc?.();
    const app = startPeakMeter(process.pid);
    const server = startPeakMeter(relay.pid);
    const { attachment, blobId } = await encryptAndUpload({
      source: createReadStream(plain, { highWaterMark: 256 * 1024 }),
      plaintextSize: size,
      file: join(work, 'local-200'),
      endpoint: blobEndpoint(relay.url),
      tokens: source,
    });
    const sendApp = app.growth();
    const sendRelay = server.growth();
    const app2 = startPeakMeter(process.pid);
    const server2 = startPeakMeter(relay.pid);
    const received = join(work, 'received-200');
    await downloadBlob({ endpoint: blobEndpoint(relay.url), blobId, file: received, tokens: source, ...attachment });
    const receiveApp = app2.growth();
    const receiveRelay = server2.growth();
    // Printed for the record (the issue asks for memory to be measured); the bounds are generous for a shared machine.
    console.log(`200 MB peak RSS growth, MiB — send: app ${mib(sendApp)}, relay ${mib(sendRelay)}; receive: app ${mib(receiveApp)}, relay ${mib(receiveRelay)}`);
    for (const growth of [sendApp, sendRelay, receiveApp, receiveRelay]) if (growth !== undefined) expect(growth).toBeLessThan(64 * MIB);
    expect(await sha256(received, new AttachmentDecryptor(attachment))).toBe(await sha256(plain));
  }, 240_000);

  it('finishes an upload after the relay is killed in the middle of it', async () => {
    const plain = randomFile('plain-up', 40 * MIB);
    const local = join(work, 'local-up');
    const attachment = await encryptToFile(createReadStream(plain), local);
    let killed = false;
    let restarted: Promise<unknown> | undefined;
    const retries: string[] = [];
    const stop = new AbortController();
    const blobId = await uploadBlob({
      signal: stop.signal,
      endpoint: blobEndpoint(relay.url),
      file: local,
      size: attachment.ciphertextSize,
      tokens: tokenSource(),
      ...FAST_RETRY,
      onRetry: (error) => retries.push(error.message),
      onProgress: (sent) => {
        if (!killed && sent > 10 * MIB) {
          killed = true;
          restarted = killAndRestart(stop);
        }
      },
    }).catch(async (error: unknown) => {
      // A failed restart stops the transfer: report why.
      throw (await restarted) ?? error;
    });
    expect(await restarted).toBeUndefined();
    expect(killed).toBe(true);
    expect(retries.length).toBeGreaterThan(0);
    const stored = join(relayDir, BLOB_DIR, blobId);
    expect(createHash('sha256').update(readFileSync(stored)).digest().equals(Buffer.from(attachment.digest))).toBe(true);
  }, 120_000);

  it('finishes a download after the relay is killed in the middle of it', async () => {
    const plain = randomFile('plain-down', 40 * MIB);
    const source = tokenSource();
    const { attachment, blobId } = await encryptAndUpload({
      source: createReadStream(plain),
      plaintextSize: 40 * MIB,
      file: join(work, 'local-down'),
      endpoint: blobEndpoint(relay.url),
      tokens: source,
    });
    let killed = false;
    let restarted: Promise<unknown> | undefined;
    const received = join(work, 'received-down');
    const stop = new AbortController();
    await downloadBlob({
      signal: stop.signal,
      endpoint: blobEndpoint(relay.url),
      blobId,
      file: received,
      tokens: source,
      ...attachment,
      ...FAST_RETRY,
      onProgress: (got) => {
        if (!killed && got > 10 * MIB) {
          killed = true;
          restarted = killAndRestart(stop);
        }
      },
    }).catch(async (error: unknown) => {
      // A failed restart stops the transfer: report why.
      throw (await restarted) ?? error;
    });
    expect(await restarted).toBeUndefined();
    expect(killed).toBe(true);
    expect(createHash('sha256').update(readFileSync(received)).digest().equals(Buffer.from(attachment.digest))).toBe(true);
    expect(await sha256(received, new AttachmentDecryptor(attachment))).toBe(await sha256(plain));
  }, 240_000);
});

function mib(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : (bytes / MIB).toFixed(1);
}
