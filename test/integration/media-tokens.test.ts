// Blob tokens over the authenticated WebSocket: a device gets upload tokens for its own blobs, grants them to the
// devices it sends to, and only those get download tokens; an attachment goes all the way through a real relay
// with nothing but the blob_* frames and the HTTP endpoints. Also the refusals each frame can get.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAndUpload } from '../../src/main/core/media/transfer/encryptAndUpload';
import { blobEndpoint } from '../../src/main/core/media/transfer/blobHttp';
import { downloadBlob } from '../../src/main/core/media/transfer/rangeDownload';
import { transportBlobTokens } from '../../src/main/core/media/transfer/transportBlobTokens';
import type { Transport } from '../../src/main/core/transport';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { registerDevice, transportFor, waitForState, type TestDevice } from './support';

let relay: TestRelay;
let dir: string;
const transports: Transport[] = [];
let alice: TestDevice;
let bob: TestDevice;
let eve: TestDevice;

async function online(device: TestDevice): Promise<Transport> {
  const transport = transportFor(relay.url, device);
  transports.push(transport);
  transport.start();
  await waitForState(transport, 'online');
  return transport;
}

beforeAll(async () => {
  relay = await startTestRelay({ blobMaxBytes: 5_000_000, blobQuotaBytes: 8_000_000 });
  dir = mkdtempSync(join(tmpdir(), 'parley-tokens-'));
  [alice, bob, eve] = await Promise.all([registerDevice(relay.url, 'alice'), registerDevice(relay.url, 'bob'), registerDevice(relay.url, 'eve')]);
});
afterAll(async () => {
  for (const transport of transports) transport.stop();
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('blob tokens over the WebSocket', () => {
  it('sends an attachment to a granted device and refuses it to anyone else', async () => {
    const [aliceTokens, bobTokens, eveTokens] = (await Promise.all([online(alice), online(bob), online(eve)])).map(transportBlobTokens);
    const plaintext = randomBytes(1_500_000);
    const { attachment, blobId } = await encryptAndUpload({
      source: Readable.from([plaintext]),
      plaintextSize: plaintext.length,
      file: join(dir, 'sent'),
      endpoint: blobEndpoint(relay.url),
      tokens: aliceTokens!,
    });
    // Not granted yet: nobody but the uploader gets a download token.
    await expect(bobTokens!.downloadToken(blobId)).rejects.toMatchObject({ code: 'blob_unavailable' });
    await aliceTokens!.grant(blobId, [{ user: bob.username, device: bob.device }]);
    const received = join(dir, 'received');
    await downloadBlob({ endpoint: blobEndpoint(relay.url), blobId, file: received, tokens: bobTokens!, ...attachment });
    expect(readFileSync(received).equals(readFileSync(join(dir, 'sent')))).toBe(true);
    await expect(eveTokens!.downloadToken(blobId)).rejects.toMatchObject({ code: 'blob_unavailable' });
    // A device it was not granted to cannot grant it (not even to itself); one it was granted to may pass it on (a
    // forward); only the uploader resumes.
    await expect(eveTokens!.grant(blobId, [{ user: eve.username, device: eve.device }])).rejects.toMatchObject({ code: 'blob_unavailable' });
    await bobTokens!.grant(blobId, [{ user: eve.username, device: eve.device }]);
    await expect(eveTokens!.downloadToken(blobId)).resolves.toBeDefined();
    await expect(eveTokens!.resumeToken(blobId)).rejects.toMatchObject({ code: 'blob_unavailable' });
  });

  it('answers the per-blob limit and the quota with their own errors', async () => {
    const transport = await online(alice);
    await expect(transport.blobUploadToken(5_000_001)).rejects.toMatchObject({ code: 'blob_too_large' });
    await expect(transportBlobTokens(transport).uploadToken(5_000_001)).rejects.toMatchObject({ code: 'too_large' });
    const first = await transport.blobUploadToken(5_000_000);
    expect(first.blobId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The quota counts what was created, so reserve the first one on the HTTP side.
    const created = await fetch(`${relay.httpUrl}/v1/blobs`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${first.token}`, 'Upload-Length': '5000000' } });
    expect(created.status).toBe(201);
    await expect(transport.blobUploadToken(4_000_000)).rejects.toMatchObject({ code: 'quota_exceeded' });
  });

  it('refuses malformed blob frames as malformed', async () => {
    const transport = await online(eve);
    await expect(transport.blobDownloadToken('not-a-blob-id')).rejects.toMatchObject({ code: 'malformed_frame' });
    await expect(transport.blobUploadToken(0)).rejects.toMatchObject({ code: 'malformed_frame' });
  });
});
