// The relay's blob store over real HTTP: tus uploads (create, resume at the reported offset, terminate), ranged
// downloads, tokens that only open what they name, the per-blob limit, the account quota, grants (a granted device
// passes a blob on to its own account's devices only), expiry and the
// collection of expired and abandoned blobs. Tokens are minted through BlobAccess as the WebSocket frames do.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordFileFlushes } from '../../../test/support/file-flushes';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../../../test/support/relay-harness';
import { BLOB_DIR } from './blob-store';
import { SqliteBlobIndex } from './sqlite-blob-index';

const alice = { user: 'alice', device: 1 };
const bob = { user: 'bob', device: 1 };
const mallory = { user: 'mallory', device: 1 };

let relay: TestRelay | undefined;
let clock = Date.now();
const now = () => clock;

afterEach(async () => {
  vi.restoreAllMocks();
  await relay?.close();
  relay = undefined;
});

/** From now on, in order: every file flushed to disk (`datasync`: its data, `sync`: all of it) and every blob marked complete. */
async function recordFlushesAndCompletions(dir: string): Promise<string[]> {
  const events = await recordFileFlushes(dir);
  const complete = SqliteBlobIndex.prototype.complete;
  vi.spyOn(SqliteBlobIndex.prototype, 'complete').mockImplementation(function (this: SqliteBlobIndex, ...args) {
    events.push('complete');
    return complete.apply(this, args);
  });
  return events;
}

async function start(overrides: Parameters<typeof startTestRelay>[0] = {}, dataDir?: string): Promise<TestRelay> {
  clock = Date.now();
  relay = await startTestRelay({ blobGcIntervalMs: 3_600_000, ...overrides }, { now, ...(dataDir ? { dataDir } : {}) });
  return relay;
}

const tus = { 'Tus-Resumable': '1.0.0' };

async function create(r: TestRelay, token: string, length: number, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${r.httpUrl}/v1/blobs`, { method: 'POST', headers: { ...tus, Authorization: `Bearer ${token}`, 'Upload-Length': String(length), ...extra } });
}

async function patch(r: TestRelay, id: string, token: string, offset: number, body: Uint8Array): Promise<Response> {
  return fetch(`${r.httpUrl}/v1/blobs/${id}`, {
    method: 'PATCH',
    headers: { ...tus, Authorization: `Bearer ${token}`, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    body,
  });
}

async function offsetOf(r: TestRelay, id: string, token: string): Promise<Response> {
  return fetch(`${r.httpUrl}/v1/blobs/${id}`, { method: 'HEAD', headers: { ...tus, Authorization: `Bearer ${token}` } });
}

async function download(r: TestRelay, id: string, token: string, range?: string): Promise<Response> {
  return fetch(`${r.httpUrl}/v1/blobs/${id}`, { headers: { Authorization: `Bearer ${token}`, ...(range ? { Range: range } : {}) } });
}

async function uploadWhole(r: TestRelay, owner = alice, bytes = randomBytes(100_000)) {
  const { blobId, token } = await r.blobs.access.uploadToken(owner, bytes.length);
  expect((await create(r, token, bytes.length)).status).toBe(201);
  expect((await patch(r, blobId, token, 0, bytes)).status).toBe(204);
  return { blobId, bytes };
}

describe('relay blob store', () => {
  it('takes a resumable tus upload and serves it whole and by range to a granted device', async () => {
    const r = await start();
    const bytes = randomBytes(300_000);
    const { blobId, token } = await r.blobs.access.uploadToken(alice, bytes.length);
    const created = await create(r, token, bytes.length);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/blobs/${blobId}`);
    expect((await patch(r, blobId, token, 0, bytes.subarray(0, 120_000))).status).toBe(204);
    // A resuming client asks where to continue.
    const head = await offsetOf(r, blobId, token);
    expect(head.headers.get('upload-offset')).toBe('120000');
    expect(head.headers.get('upload-length')).toBe('300000');
    // Not downloadable before it is finished.
    await expect(r.blobs.access.downloadToken(alice, blobId)).rejects.toMatchObject({ code: 'blob_not_found' });
    expect((await patch(r, blobId, token, 120_000, bytes.subarray(120_000))).status).toBe(204);

    await r.blobs.access.grant(alice, blobId, [bob]);
    const { token: bobToken, size } = await r.blobs.access.downloadToken(bob, blobId);
    expect(size).toBe(bytes.length);
    const whole = await download(r, blobId, bobToken);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await download(r, blobId, bobToken, 'bytes=1000-1999');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);

    const open = await download(r, blobId, bobToken, 'bytes=299000-');
    expect(Buffer.from(await open.arrayBuffer()).equals(bytes.subarray(299_000))).toBe(true);
    const suffix = await download(r, blobId, bobToken, 'bytes=-10');
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(-10))).toBe(true);
    const beyond = await download(r, blobId, bobToken, 'bytes=300000-');
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */300000');
  });

  it('refuses a blob to a device it was not granted to, and says nothing about whether it exists', async () => {
    const r = await start();
    const { blobId } = await uploadWhole(r);
    await r.blobs.access.grant(alice, blobId, [bob]);
    await expect(r.blobs.access.downloadToken(mallory, blobId)).rejects.toMatchObject({ code: 'blob_not_found' });
    await expect(r.blobs.access.downloadToken(mallory, 'AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ code: 'blob_not_found' });
    // Only the uploader, or a device it was granted to (forwarding it, or handing it to its own new device), grants.
    await expect(r.blobs.access.grant(mallory, blobId, [{ user: 'mallory', device: 2 }])).rejects.toMatchObject({ code: 'blob_not_found' });
    await expect(r.blobs.access.downloadToken({ user: 'bob', device: 2 }, blobId)).rejects.toMatchObject({ code: 'blob_not_found' });
    await r.blobs.access.grant(bob, blobId, [{ user: 'Bob', device: 2 }]);
    await expect(r.blobs.access.downloadToken({ user: 'bob', device: 2 }, blobId)).resolves.toMatchObject({ blobId });
    // Bob's token names Bob's blob only: it does not open another blob.
    const other = await uploadWhole(r);
    const { token } = await r.blobs.access.downloadToken(alice, other.blobId);
    expect((await download(r, blobId, token)).status).toBe(403);
  });

  it('lets a granted device forward a finished blob to others, never an unfinished one', async () => {
    const r = await start();
    const { blobId } = await uploadWhole(r);
    await r.blobs.access.grant(alice, blobId, [bob]);
    await expect(r.blobs.access.downloadToken(mallory, blobId)).rejects.toMatchObject({ code: 'blob_not_found' });
    await r.blobs.access.grant(bob, blobId, [mallory]);
    const { token } = await r.blobs.access.downloadToken(mallory, blobId);
    expect((await download(r, blobId, token)).status).toBe(200);
    // A blob still being uploaded is its uploader's alone.
    const unfinished = await r.blobs.access.uploadToken(alice, 1_000);
    expect((await create(r, unfinished.token, 1_000)).status).toBe(201);
    await r.blobs.access.grant(alice, unfinished.blobId, [bob]);
    await expect(r.blobs.access.grant(bob, unfinished.blobId, [mallory])).rejects.toMatchObject({ code: 'blob_not_found' });
  });

  it('accepts only valid, unexpired tokens of the right kind for the right blob', async () => {
    const r = await start({ blobTokenTtlMs: 60_000 });
    const { blobId, bytes } = await uploadWhole(r);
    const { token } = await r.blobs.access.downloadToken(alice, blobId);
    expect((await download(r, blobId, '')).status).toBe(403);
    expect((await download(r, blobId, 'v1.e30.AAAA')).status).toBe(403);
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect((await download(r, blobId, forged)).status).toBe(403);
    const upload = await r.blobs.access.uploadToken(alice, 10);
    expect((await download(r, upload.blobId, upload.token)).status).toBe(403);
    // A download token does not create or write an upload.
    expect((await create(r, token, 10)).status).toBe(403);
    expect((await patch(r, blobId, token, bytes.length, randomBytes(1))).status).toBe(403);
    clock += 60_001;
    expect((await download(r, blobId, token)).status).toBe(401);
  });

  it('holds the upload to the length its token names, and drops client metadata', async () => {
    const r = await start();
    const { blobId, token } = await r.blobs.access.uploadToken(alice, 1000);
    expect((await create(r, token, 1001)).status).toBe(400);
    const created = await create(r, token, 1000, { 'Upload-Metadata': `filename ${Buffer.from('secret.pdf').toString('base64')}` });
    expect(created.status).toBe(201);
    // The same token cannot create the blob twice.
    expect((await create(r, token, 1000)).status).toBe(409);
    const info = readdirSync(join(r.dataDir, BLOB_DIR)).filter((f) => f.endsWith('.json'));
    expect(info).toEqual([`${blobId}.json`]);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(r.dataDir, BLOB_DIR, info[0]!), 'utf8')).not.toContain('secret');
    // A body longer than the declared length is refused.
    expect((await patch(r, blobId, token, 0, randomBytes(1001))).status).toBe(413);
  });

  it('enforces the per-blob limit and the account quota', async () => {
    const r = await start({ blobMaxBytes: 50_000, blobQuotaBytes: 120_000 });
    await expect(r.blobs.access.uploadToken(alice, 50_001)).rejects.toMatchObject({ code: 'blob_too_large' });
    await expect(r.blobs.access.uploadToken(alice, 0)).rejects.toMatchObject({ code: 'invalid_size' });
    await uploadWhole(r, alice, randomBytes(50_000));
    // Tokens issued while there was room; the second creation takes the last of it.
    const first = await r.blobs.access.uploadToken(alice, 50_000);
    const second = await r.blobs.access.uploadToken({ user: 'alice', device: 2 }, 50_000);
    expect((await create(r, first.token, 50_000)).status).toBe(201);
    const refused = await create(r, second.token, 50_000);
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain('quota_exceeded');
    await expect(r.blobs.access.uploadToken(alice, 30_000)).rejects.toMatchObject({ code: 'quota_exceeded' });
    // Another account is unaffected; terminating an upload gives its room back.
    await uploadWhole(r, bob, randomBytes(50_000));
    const terminated = await fetch(`${r.httpUrl}/v1/blobs/${first.blobId}`, { method: 'DELETE', headers: { ...tus, Authorization: `Bearer ${first.token}` } });
    expect(terminated.status).toBe(204);
    await expect.poll(() => r.blobs.index.usedBytes('alice')).toBe(50_000);
  });

  it('expires finished blobs and collects them and abandoned uploads', async () => {
    const r = await start({ blobExpiryMs: 10_000, blobAbandonMs: 5_000 });
    const { blobId } = await uploadWhole(r);
    const abandoned = await r.blobs.access.uploadToken(alice, 500);
    expect((await create(r, abandoned.token, 500)).status).toBe(201);
    expect((await patch(r, abandoned.blobId, abandoned.token, 0, randomBytes(100))).status).toBe(204);
    const dir = join(r.dataDir, BLOB_DIR);
    expect(await r.blobs.collector.collect()).toBe(0);

    clock += 6_000;
    expect(await r.blobs.collector.collect()).toBe(1);
    expect(existsSync(join(dir, abandoned.blobId))).toBe(false);
    expect(existsSync(join(dir, `${abandoned.blobId}.json`))).toBe(false);
    const { token } = await r.blobs.access.downloadToken(alice, blobId);
    expect((await download(r, blobId, token)).status).toBe(200);

    clock += 5_000;
    // Expired: refused at once, even before the collector runs.
    expect((await download(r, blobId, token)).status).toBe(404);
    await expect(r.blobs.access.downloadToken(alice, blobId)).rejects.toMatchObject({ code: 'blob_not_found' });
    expect(await r.blobs.collector.collect()).toBe(1);
    expect(existsSync(join(dir, blobId))).toBe(false);
    expect(await r.blobs.index.usedBytes('alice')).toBe(0);
  });

  it("flushes a finished upload's bytes and the directory naming them before marking it complete (durability 'disk', the default)", async () => {
    const dataDir = makeTempDir();
    try {
      const r = await start({}, dataDir);
      const events = await recordFlushesAndCompletions(dataDir);
      // Over PATCH, and in the creation request itself (tus creation-with-upload).
      await uploadWhole(r);
      const bytes = randomBytes(1_000);
      const { token } = await r.blobs.access.uploadToken(alice, bytes.length);
      const created = await fetch(`${r.httpUrl}/v1/blobs`, {
        method: 'POST',
        headers: { ...tus, Authorization: `Bearer ${token}`, 'Upload-Length': String(bytes.length), 'Content-Type': 'application/offset+octet-stream' },
        body: bytes,
      });
      expect(created.status).toBe(201);
      expect(events).toEqual(['datasync', 'sync', 'complete', 'datasync', 'sync', 'complete']);
    } finally {
      await relay?.close();
      relay = undefined;
      removeDir(dataDir);
    }
  });

  it("flushes no blob file with durability 'process'", async () => {
    const dataDir = makeTempDir();
    try {
      const r = await start({ durability: 'process' }, dataDir);
      const events = await recordFlushesAndCompletions(dataDir);
      await uploadWhole(r);
      expect(events).toEqual(['complete']);
    } finally {
      await relay?.close();
      relay = undefined;
      removeDir(dataDir);
    }
  });

  it('keeps blobs, grants and tokens across a relay restart', async () => {
    const dataDir = makeTempDir();
    try {
      let r = await start({}, dataDir);
      const { blobId, bytes } = await uploadWhole(r);
      await r.blobs.access.grant(alice, blobId, [bob]);
      const { token } = await r.blobs.access.downloadToken(bob, blobId);
      await r.close();
      relay = undefined;
      r = await start({}, dataDir);
      const again = await download(r, blobId, token);
      expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
      await expect(r.blobs.access.downloadToken(bob, blobId)).resolves.toMatchObject({ blobId });
    } finally {
      await relay?.close();
      relay = undefined;
      removeDir(dataDir);
    }
  });
});
