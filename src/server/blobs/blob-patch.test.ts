// The relay's own tus PATCH (blob-patch.ts) at the protocol level, over real HTTP: each rule of docs/protocol.md
// "Blobs" — Tus-Resumable, Content-Type, Upload-Offset must match (409), never past the declared length (413, with
// or without Content-Length), the upload token checked (forged, expired, another blob, a download token), resume
// after a dropped connection with exactly the bytes that arrived, one request per upload at a time (423), and a
// stalled body cut so the upload is free again.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../../../test/support/relay-harness';
import { BLOB_DIR } from './blob-store';

const alice = { user: 'alice', device: 1 };
const tus = { 'Tus-Resumable': '1.0.0' };
const offsetOctets = { 'Content-Type': 'application/offset+octet-stream' };

let relay: TestRelay | undefined;
let clock = Date.now();

afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

async function start(overrides: Parameters<typeof startTestRelay>[0] = {}): Promise<TestRelay> {
  clock = Date.now();
  relay = await startTestRelay({ blobGcIntervalMs: 3_600_000, ...overrides }, { now: () => clock });
  return relay;
}

/** A created upload of `size` bytes and its token. */
async function created(r: TestRelay, size: number): Promise<{ blobId: string; token: string; url: string }> {
  const { blobId, token } = await r.blobs.access.uploadToken(alice, size);
  const response = await fetch(`${r.httpUrl}/v1/blobs`, { method: 'POST', headers: { ...tus, Authorization: `Bearer ${token}`, 'Upload-Length': String(size) } });
  expect(response.status).toBe(201);
  return { blobId, token, url: `${r.httpUrl}/v1/blobs/${blobId}` };
}

function patch(url: string, token: string, offset: number, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'PATCH', headers: { ...tus, ...offsetOctets, Authorization: `Bearer ${token}`, 'Upload-Offset': String(offset), ...headers }, body });
}

async function offsetOf(url: string, token: string): Promise<number> {
  const response = await fetch(url, { method: 'HEAD', headers: { ...tus, Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return Number(response.headers.get('upload-offset'));
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

function bytesOnDisk(r: TestRelay, blobId: string): number {
  return statSync(join(r.dataDir, BLOB_DIR, blobId)).size;
}

/** A PATCH whose body the test writes piece by piece (node:http, so it can stall or cut the connection). */
function openPatch(url: string, token: string, offset: number, headers: Record<string, string> = {}) {
  const request = http.request(url, {
    method: 'PATCH',
    headers: { ...tus, ...offsetOctets, Authorization: `Bearer ${token}`, 'Upload-Offset': String(offset), ...headers },
  });
  const response = new Promise<{ status: number; offset: string | undefined; body: string }>((resolve, reject) => {
    request.once('response', (incoming) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += String(chunk)));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, offset: incoming.headers['upload-offset'] as string | undefined, body }));
    });
    request.once('error', reject);
  });
  response.catch(() => {});
  return { request, response };
}

describe('tus PATCH on the relay', () => {
  it('asks for the tus version, the offset content type and a well-formed offset', async () => {
    const r = await start();
    const { url, token, blobId } = await created(r, 1000);
    const noVersion = await fetch(url, { method: 'PATCH', headers: { ...offsetOctets, Authorization: `Bearer ${token}`, 'Upload-Offset': '0' }, body: randomBytes(10) });
    expect(noVersion.status).toBe(412);
    expect(noVersion.headers.get('tus-version')).toBe('1.0.0');
    expect((await patch(url, token, 0, randomBytes(10), { 'Content-Type': 'application/octet-stream' })).status).toBe(415);
    for (const bad of ['-1', '1.5', 'ten', '', '01']) {
      const response = await patch(url, token, 0, randomBytes(10), { 'Upload-Offset': bad });
      expect(response.status, bad).toBe(400);
      expect(await errorOf(response)).toBe('upload_offset_invalid');
    }
    expect((await patch(url.replace(blobId, 'not-a-blob'), token, 0, randomBytes(10))).status).toBe(404);
    expect(bytesOnDisk(r, blobId)).toBe(0);
  });

  it('refuses an offset that is not the relay’s with 409 and writes nothing', async () => {
    const r = await start();
    const { url, token, blobId } = await created(r, 1000);
    expect((await patch(url, token, 0, randomBytes(400))).status).toBe(204);
    for (const offset of [0, 399, 401, 1000]) {
      const response = await patch(url, token, offset, randomBytes(10));
      expect(response.status).toBe(409);
      expect(response.headers.get('upload-offset')).toBe('400');
      expect(await errorOf(response)).toBe('upload_offset_mismatch');
    }
    expect(await offsetOf(url, token)).toBe(400);
    expect(bytesOnDisk(r, blobId)).toBe(400);
  });

  it('never writes past the declared length, whether the body declares its length or not (413)', async () => {
    const r = await start();
    const { url, token, blobId } = await created(r, 1000);
    expect((await patch(url, token, 0, randomBytes(600))).status).toBe(204);
    // Declared too long: refused before a byte is read.
    const declared = await patch(url, token, 600, randomBytes(401));
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toBe('exceeds_upload_length');
    expect(bytesOnDisk(r, blobId)).toBe(600);
    // Chunked (no Content-Length): refused while streaming, nothing beyond the length on disk.
    const chunked = openPatch(url, token, 600, { 'Transfer-Encoding': 'chunked' });
    chunked.request.write(randomBytes(300));
    chunked.request.write(randomBytes(300));
    chunked.request.end();
    const answer = await chunked.response;
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('exceeds_upload_length');
    expect(bytesOnDisk(r, blobId)).toBeLessThanOrEqual(1000);
    expect(await offsetOf(url, token)).toBe(bytesOnDisk(r, blobId));
    await expect(r.blobs.access.downloadToken(alice, blobId)).rejects.toMatchObject({ code: 'blob_not_found' });
  });

  it('keeps to the account quota: no upload gets more room than its creation reserved', async () => {
    const r = await start({ blobQuotaBytes: 1500 });
    const first = await created(r, 1000);
    // The quota is taken at creation; a second upload that would pass it is never created, so it cannot be written.
    const second = await r.blobs.access.uploadToken({ user: 'alice', device: 2 }, 500);
    const third = await r.blobs.access.uploadToken({ user: 'alice', device: 3 }, 500);
    expect((await fetch(`${r.httpUrl}/v1/blobs`, { method: 'POST', headers: { ...tus, Authorization: `Bearer ${second.token}`, 'Upload-Length': '500' } })).status).toBe(201);
    const refused = await fetch(`${r.httpUrl}/v1/blobs`, { method: 'POST', headers: { ...tus, Authorization: `Bearer ${third.token}`, 'Upload-Length': '500' } });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain('quota_exceeded');
    expect((await patch(`${r.httpUrl}/v1/blobs/${third.blobId}`, third.token, 0, randomBytes(500))).status).toBe(404);
    // The reserved uploads take exactly their room and no more.
    expect((await patch(first.url, first.token, 0, randomBytes(1001))).status).toBe(413);
    expect((await patch(first.url, first.token, 0, randomBytes(1000))).status).toBe(204);
    expect(await r.blobs.index.usedBytes('alice')).toBe(1500);
  });

  it('checks the upload token of every PATCH', async () => {
    const r = await start({ blobTokenTtlMs: 60_000 });
    const { url, token, blobId } = await created(r, 1000);
    const other = await created(r, 1000);
    const [version, claims, mac] = token.split('.') as [string, string, string];
    const claimsText = Buffer.from(claims, 'base64url').toString('utf8');
    const tampered = `${version}.${Buffer.from(claimsText.replace('"size":1000', '"size":9999')).toString('base64url')}.${mac}`;
    const forgedMac = `${version}.${claims}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const [bad, error] of [
      [tampered, 'upload_token_bad_signature'],
      [forgedMac, 'upload_token_bad_signature'],
      [other.token, 'upload_token_wrong_blob'],
      ['garbage', 'upload_token_malformed'],
    ] as const) {
      const response = await patch(url, bad, 0, randomBytes(10));
      expect(response.status, error).toBe(403);
      expect(await errorOf(response)).toBe(error);
    }
    const { token: downloadToken } = await r.blobs.access.downloadToken(alice, (await finished(r)).blobId);
    expect((await patch(url, downloadToken, 0, randomBytes(10))).status).toBe(403);
    expect((await fetch(url, { method: 'PATCH', headers: { ...tus, ...offsetOctets, 'Upload-Offset': '0' }, body: randomBytes(10) })).status).toBe(403);
    clock += 60_001;
    const expired = await patch(url, token, 0, randomBytes(10));
    expect(expired.status).toBe(401);
    expect(await errorOf(expired)).toBe('upload_token_expired');
    expect(bytesOnDisk(r, blobId)).toBe(0);
  });

  it('resumes after a dropped connection from exactly the bytes that arrived', async () => {
    const r = await start();
    const bytes = randomBytes(3 * 1024 * 1024);
    const { url, token, blobId } = await created(r, bytes.length);
    const first = openPatch(url, token, 0, { 'Content-Length': String(bytes.length) });
    const sent = 1_234_567;
    first.request.write(bytes.subarray(0, sent));
    await expect.poll(() => bytesOnDisk(r, blobId), { timeout: 10_000 }).toBe(sent);
    first.request.destroy();
    await expect(first.response).rejects.toThrow();
    expect(await offsetOf(url, token)).toBe(sent);
    // The relay lets go of the dropped request's lock; the resume continues where the bytes end.
    await expect.poll(async () => (await patch(url, token, sent, bytes.subarray(sent))).status, { timeout: 10_000 }).toBe(204);
    const { token: download } = await r.blobs.access.downloadToken(alice, blobId);
    const whole = await fetch(url, { headers: { Authorization: `Bearer ${download}` } });
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('lets one request write an upload at a time (423), while HEAD still answers', async () => {
    const r = await start();
    const bytes = randomBytes(200_000);
    const { url, token, blobId } = await created(r, bytes.length);
    const holder = openPatch(url, token, 0, { 'Content-Length': String(bytes.length) });
    holder.request.write(bytes.subarray(0, 50_000));
    await expect.poll(() => bytesOnDisk(r, blobId)).toBe(50_000);

    const second = await patch(url, token, 50_000, bytes.subarray(50_000));
    expect(second.status).toBe(423);
    expect(await errorOf(second)).toBe('upload_locked');
    const terminate = await fetch(url, { method: 'DELETE', headers: { ...tus, Authorization: `Bearer ${token}` } });
    expect(terminate.status).toBe(423);
    expect(await offsetOf(url, token)).toBe(50_000);

    holder.request.end(bytes.subarray(50_000));
    expect(await holder.response).toMatchObject({ status: 204, offset: String(bytes.length) });
    await expect(r.blobs.access.downloadToken(alice, blobId)).resolves.toMatchObject({ blobId });
  });

  it('cuts a body that stalls, keeps its bytes and frees the upload', async () => {
    const r = await start({ blobUploadIdleMs: 300 });
    const bytes = randomBytes(100_000);
    const { url, token, blobId } = await created(r, bytes.length);
    const stalled = openPatch(url, token, 0, { 'Content-Length': String(bytes.length) });
    stalled.request.write(bytes.subarray(0, 40_000));
    await expect(stalled.response).rejects.toThrow();
    expect(bytesOnDisk(r, blobId)).toBe(40_000);
    // The cut request lets go of the upload as soon as its file is closed (a moment after the connection).
    await expect.poll(async () => (await patch(url, token, 40_000, bytes.subarray(40_000))).status, { timeout: 10_000 }).toBe(204);
  });
});

async function finished(r: TestRelay): Promise<{ blobId: string }> {
  const { url, token, blobId } = await created(r, 10);
  expect((await patch(url, token, 0, randomBytes(10))).status).toBe(204);
  return { blobId };
}
