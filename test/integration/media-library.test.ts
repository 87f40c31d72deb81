// The app's attachment library against a real relay: a file handed over by the renderer is typed from its content,
// encrypted and uploaded; its pointer goes to another device, which serves the decrypted bytes by range through
// the media URL handler (downloading on demand), pauses and resumes, and never shows the renderer a key.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_APP_SETTINGS, type AttachmentView } from '../../src/shared/ipc';
import { AttachmentError } from '../../src/main/core/media/cipher/AttachmentError';
import { AUTO_DOWNLOADS_AT_ONCE, AutoDownloads, vaultPassedOver, vaultQueue } from '../../src/main/core/media/AutoDownloads';
import { MediaLibrary } from '../../src/main/core/media/MediaLibrary';
import { AttachmentRecords } from '../../src/main/core/media/store/AttachmentRecords';
import { openAttachment } from '../../src/main/core/media/openAttachment';
import { createMediaRequestHandler, type MediaRequest } from '../../src/main/core/media/serve/mediaRequests';
import type { BlobTokenSource } from '../../src/main/core/media/transfer/BlobTokenSource';
import { blobEndpoint } from '../../src/main/core/media/transfer/blobHttp';
import { TransientTransferError } from '../../src/main/core/media/transfer/retrying';
import { silentLogger } from '../../src/main/core/transport';
import { FileSecretStore } from '../../src/main/core/secrets';
import { Vault } from '../../src/main/core/vault';
import type { Address } from '../../src/shared/protocol';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../support/relay-harness';

let relay: TestRelay;
const dirs: string[] = [];
const libraries: MediaLibrary[] = [];
// A JPEG's start (SOI, APP0 JFIF): recognised by its signature whatever random bytes follow.
const JPEG_HEAD = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');

function tokensFor(device: Address): BlobTokenSource {
  const unavailable = (error: unknown) => {
    throw new AttachmentError('blob_unavailable', String((error as Error).message));
  };
  return {
    uploadToken: (size) => relay.blobs.access.uploadToken(device, size),
    resumeToken: (blobId) => relay.blobs.access.resumeToken(device, blobId).catch(unavailable),
    downloadToken: (blobId) => relay.blobs.access.downloadToken(device, blobId).catch(unavailable),
  };
}

async function openLibrary(device: Address, dataDir = makeTempDir('parley-app-')) {
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  const vault = await Vault.open({ dataDir, secrets: await FileSecretStore.open(dataDir) });
  const changes: AttachmentView[] = [];
  const library = await MediaLibrary.open({
    dataDir,
    vault,
    endpoint: () => blobEndpoint(relay.url),
    tokens: tokensFor(device),
    onChanged: (view) => changes.push(view),
    logger: silentLogger,
  });
  libraries.push(library);
  return { library, changes, dataDir, handle: createMediaRequestHandler(() => library), vault };
}

/**
 * The library of an opened device's data, opened a second time with downloads that get their tokens from
 * `downloadToken` (to hold them while the relay is "away").
 */
async function heldLibrary(
  { dataDir, vault }: { dataDir: string; vault: Vault },
  device: Address,
  downloadToken: BlobTokenSource['downloadToken'],
): Promise<MediaLibrary> {
  const library = await MediaLibrary.open({
    dataDir,
    vault,
    endpoint: () => blobEndpoint(relay.url),
    tokens: { ...tokensFor(device), downloadToken },
    onChanged: () => undefined,
    logger: silentLogger,
  });
  libraries.push(library);
  return library;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const get = (path: string, range?: string): MediaRequest => ({ method: 'GET', path, query: new URLSearchParams(), headers: range ? { range } : {}, body: null });

async function bodyOf(response: { body?: Readable | Buffer | string }): Promise<Buffer> {
  if (!response.body || typeof response.body === 'string' || Buffer.isBuffer(response.body)) return Buffer.from(response.body ?? '');
  const parts: Buffer[] = [];
  for await (const part of response.body) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  for (const library of libraries) await library.close();
  await relay.close();
  for (const dir of dirs) removeDir(dir);
});

const alice = { user: 'alice', device: 1 };
const bob = { user: 'bob', device: 1 };

describe('media library', () => {
  it('stages a file through the media URL, sends its pointer, and serves it decrypted by range on the other device', async () => {
    const sender = await openLibrary(alice);
    const receiver = await openLibrary(bob);
    const image = Buffer.concat([JPEG_HEAD, randomBytes(900_000)]);
    const staged = await sender.handle({
      method: 'PUT',
      path: '/stage',
      query: new URLSearchParams({ name: '../holiday.jpg', width: '640', height: '480', blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj' }),
      headers: { contentLength: String(image.length) },
      body: Readable.from([image.subarray(0, 1000), image.subarray(1000)]),
    });
    expect(staged.status).toBe(201);
    const view = JSON.parse(String(staged.body)) as AttachmentView;
    expect(view).toMatchObject({ kind: 'image', contentType: 'image/jpeg', fileName: 'holiday.jpg', width: 640, height: 480, direction: 'outgoing' });

    const pointer = await sender.library.pointer(view.id);
    expect(await sender.library.view(view.id)).toMatchObject({ state: 'uploaded' });
    await relay.blobs.access.grant(alice, pointer.blobId, [bob]);

    const received = await receiver.library.adopt(pointer);
    // The renderer's view holds no key, digest or blob id.
    const text = JSON.stringify(received);
    for (const secret of [Buffer.from(pointer.key).toString('base64'), Buffer.from(pointer.digest).toString('base64'), pointer.blobId]) expect(text).not.toContain(secret);
    expect(received).toMatchObject({ state: 'pending', kind: 'image', blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj' });

    // Playing (a range request) downloads on demand and waits for the bytes it needs.
    const part = await receiver.handle(get(`/attachment/${received.id}`, 'bytes=500000-600000'));
    expect(part.status).toBe(206);
    expect(part.headers['Content-Range']).toBe(`bytes 500000-600000/${image.length}`);
    expect((await bodyOf(part)).equals(image.subarray(500_000, 600_001))).toBe(true);
    await expect.poll(async () => (await receiver.library.view(received.id)).state).toBe('downloaded');
    const whole = await receiver.handle(get(`/attachment/${received.id}`));
    expect(whole.headers['Content-Type']).toBe('image/jpeg');
    expect((await bodyOf(whole)).equals(image)).toBe(true);
  });

  it('refuses too large, empty and unreadable input before uploading a byte', async () => {
    const { handle } = await openLibrary(alice);
    const usedBefore = await relay.blobs.index.usedBytes('alice');
    const tooLarge = await handle({ method: 'PUT', path: '/stage', query: new URLSearchParams({ name: 'big.bin' }), headers: { contentLength: String(2 ** 31 + 1) }, body: Readable.from([Buffer.alloc(10)]) });
    expect(tooLarge.status).toBe(413);
    const empty = await handle({ method: 'PUT', path: '/stage', query: new URLSearchParams({ name: 'empty.txt' }), headers: { contentLength: '0' }, body: Readable.from([]) });
    expect(empty.status).toBe(400);
    expect(JSON.parse(String(empty.body))).toMatchObject({ error: 'unreadable' });
    expect(await relay.blobs.index.usedBytes('alice')).toBe(usedBefore);
    expect((await handle(get('/attachment/AAAAAAAAAAAAAAAAAAAAAA'))).status).toBe(404);
    expect((await handle(get('/attachment/../../etc/passwd'))).status).toBe(404);
  });

  it('serves documents only as downloads, and flags executables', async () => {
    const sender = await openLibrary(alice);
    const exe = Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000b800000000000000400000000000000000', 'hex'), randomBytes(5000)]);
    const staged = await sender.library.stage(Readable.from([exe]), { declaredSize: exe.length, fileName: 'invoice.pdf.exe' });
    expect(staged).toMatchObject({ kind: 'file', executable: true });
    await sender.library.pointer(staged.id);
    const served = await sender.handle(get(`/attachment/${staged.id}`));
    expect(served.headers['Content-Type']).toBe('application/octet-stream');
    expect(served.headers['Content-Disposition']).toContain('attachment;');
    await bodyOf(served);
  });

  it('lists the transfers that have not finished, paused ones too, and drops finished and cancelled ones', async () => {
    const sender = await openLibrary(alice);
    const data = randomBytes(200_000);
    const staged = await sender.library.stage(Readable.from([data]), { declaredSize: data.length, fileName: 'notes.bin' });
    const pointer = await sender.library.pointer(staged.id);
    await relay.blobs.access.grant(alice, pointer.blobId, [bob]);
    expect(await sender.library.listTransfers()).toEqual([]);

    // bob's downloads get no token (as when the relay is away: they retry) until the test lets them go, so they
    // are caught while they run.
    let open = false;
    const letGo = () => (open = true);
    const receiver = await openLibrary(bob);
    const tokens = tokensFor(bob);
    const held = await heldLibrary(receiver, bob, async (blobId) => (open ? tokens.downloadToken(blobId) : Promise.reject(new TransientTransferError('The relay is away.'))));
    const [first, second, untouched] = [await held.adopt(pointer), await held.adopt(pointer), await held.adopt(pointer)];
    await held.download(first.id);
    await held.download(second.id);
    expect((await held.listTransfers()).map((view) => [view.id, view.state])).toEqual([
      [first.id, 'downloading'],
      [second.id, 'downloading'],
    ]);
    await held.pause(second.id);
    expect((await held.listTransfers()).map((view) => [view.id, view.state])).toEqual([
      [first.id, 'downloading'],
      [second.id, 'paused'],
    ]);
    letGo();
    await expect.poll(async () => (await held.view(first.id)).state, { timeout: 20_000 }).toBe('downloaded');
    expect((await held.listTransfers()).map((view) => [view.id, view.state])).toEqual([[second.id, 'paused']]);
    await held.cancel(second.id);
    expect(await held.listTransfers()).toEqual([]);
    expect((await held.view(untouched.id)).state).toBe('pending');
  });

  it('keeps the list of running transfers right when several change at once (each change reads and writes the list)', async () => {
    const sender = await openLibrary(alice);
    const data = randomBytes(50_000);
    const staged = await sender.library.stage(Readable.from([data]), { declaredSize: data.length, fileName: 'both.bin' });
    const pointer = await sender.library.pointer(staged.id);
    await relay.blobs.access.grant(alice, pointer.blobId, [bob]);
    // Downloads that never get a token (the relay is away): they stay running until cancelled.
    const receiver = await openLibrary(bob);
    const held = await heldLibrary(receiver, bob, async () => Promise.reject(new TransientTransferError('The relay is away.')));
    const views = [await held.adopt(pointer), await held.adopt(pointer), await held.adopt(pointer)];
    await Promise.all(views.map((view) => held.download(view.id)));
    expect((await held.listTransfers()).map((view) => view.state)).toEqual(['downloading', 'downloading', 'downloading']);
    await Promise.all(views.map((view) => held.cancel(view.id)));
    expect(await held.listTransfers()).toEqual([]);
  });

  it('opens a file by saving it where the user chose and opening that copy; a program is only shown; nothing decrypted goes elsewhere', async () => {
    const sender = await openLibrary(alice);
    const receiver = await openLibrary(bob);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000)]);
    const exe = Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000b800000000000000400000000000000000', 'hex'), randomBytes(5000)]);
    const receive = async (bytes: Buffer, fileName: string) => {
      const staged = await sender.library.stage(Readable.from([bytes]), { declaredSize: bytes.length, fileName });
      const pointer = await sender.library.pointer(staged.id);
      await relay.blobs.access.grant(alice, pointer.blobId, [bob]);
      return receiver.library.adopt(pointer);
    };
    const doc = await receive(pdf, 'minutes.pdf');
    const program = await receive(exe, 'invoice.pdf.exe');
    const chosen = makeTempDir('parley-chosen-');
    dirs.push(chosen);
    const asked: string[] = [];
    const did: string[] = [];
    let answer: string | undefined;
    const files = {
      chooseSavePath: async (name: string) => (asked.push(name), answer),
      openPath: async (path: string) => void did.push(`open ${path}`),
      showInFolder: (path: string) => void did.push(`show ${path}`),
    };

    // Not downloaded yet: refused before any dialog.
    await expect(openAttachment(receiver.library, files, doc.id)).rejects.toMatchObject({ code: 'unreadable' });
    expect(asked).toEqual([]);
    await expect(openAttachment(receiver.library, undefined, doc.id)).rejects.toMatchObject({ code: 'unreadable' });

    for (const id of [doc.id, program.id]) {
      await receiver.library.download(id);
      await expect.poll(async () => (await receiver.library.view(id)).state).toBe('downloaded');
    }
    // The user cancels the dialog: nothing is written or opened.
    expect(await openAttachment(receiver.library, files, doc.id)).toBe('cancelled');
    expect(asked).toEqual(['minutes.pdf']);
    expect(readdirSync(chosen)).toEqual([]);

    answer = join(chosen, 'minutes (1).pdf');
    expect(await openAttachment(receiver.library, files, doc.id)).toBe('opened');
    expect(readFileSync(answer).equals(pdf)).toBe(true);
    answer = join(chosen, 'invoice.pdf.exe');
    expect(await openAttachment(receiver.library, files, program.id)).toBe('shown');
    expect(readFileSync(answer).equals(exe)).toBe(true);
    expect(did).toEqual([`open ${join(chosen, 'minutes (1).pdf')}`, `show ${answer}`]);
    // The only plaintext on disk is where the user chose: the app's data holds the files encrypted, no temp copy.
    for (const file of filesUnder(receiver.dataDir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(pdf.subarray(0, 64)) || bytes.includes(exe.subarray(0, 64)), file).toBe(false);
    }

    // A local copy changed on disk: the save stops at the bad chunk and leaves no partial file behind.
    const local = receiver.library.fileOf(doc.id);
    const spoiled = readFileSync(local);
    spoiled[spoiled.length - 100]! ^= 1;
    writeFileSync(local, spoiled);
    answer = join(chosen, 'again.pdf');
    await expect(openAttachment(receiver.library, files, doc.id)).rejects.toMatchObject({ code: 'chunk_tampered' });
    expect(existsSync(answer)).toBe(false);
    expect(did).toHaveLength(2);
  });

  it('deletes the files of a deleted or expired message from disk and vault, its transfer stopped, and nothing else', async () => {
    const sender = await openLibrary(alice);
    const data = randomBytes(300_000);
    const sent = { conversationId: 'dm:bob', messageId: '01HZXK3W8Q5V6T7Y8Z9A0B1C2D', sender: 'alice' };
    const staged = await sender.library.stage(Readable.from([data]), { declaredSize: data.length, fileName: 'plan.bin' });
    const pointer = await sender.library.pointer(staged.id);
    await sender.library.placeIn([staged.id], sent);
    await relay.blobs.access.grant(alice, pointer.blobId, [bob]);

    // bob has the file twice, from two messages: one downloaded, one downloading while its message is deleted.
    const receiver = await openLibrary(bob);
    const first = { conversationId: 'dm:alice', messageId: '01HZXK3W8Q5V6T7Y8Z9A0B1C2E', sender: 'alice' };
    const second = { ...first, messageId: '01HZXK3W8Q5V6T7Y8Z9A0B1C2F' };
    const kept = await receiver.library.adopt(pointer, undefined, first);
    await receiver.library.download(kept.id);
    await expect.poll(async () => (await receiver.library.view(kept.id)).state, { timeout: 20_000 }).toBe('downloaded');
    const gone = await receiver.library.adopt(pointer, undefined, second);
    await receiver.library.download(gone.id);
    await receiver.library.forgetMessages([second, { ...first, messageId: '01HZXK3W8Q5V6T7Y8Z9A0B1C2G' }]);
    expect(existsSync(receiver.library.fileOf(gone.id))).toBe(false);
    await expect(receiver.library.view(gone.id)).rejects.toMatchObject({ code: 'unknown_attachment' });
    expect(await receiver.library.listTransfers()).toEqual([]);
    expect(existsSync(receiver.library.fileOf(kept.id))).toBe(true);
    // The same message from someone else names other files: nothing of alice's goes.
    await receiver.library.forgetMessages([{ ...first, sender: 'mallory' }]);
    expect(existsSync(receiver.library.fileOf(kept.id))).toBe(true);
    await receiver.library.forgetMessages([first]);
    expect(existsSync(receiver.library.fileOf(kept.id))).toBe(false);
    await expect(receiver.library.view(kept.id)).rejects.toMatchObject({ code: 'unknown_attachment' });

    // The sender's copy goes with its own message, and stays gone after a restart.
    expect(existsSync(sender.library.fileOf(staged.id))).toBe(true);
    await sender.library.forgetMessages([sent]);
    expect(existsSync(sender.library.fileOf(staged.id))).toBe(false);
    await sender.library.close();
    const reopened = await openLibrary(alice, sender.dataDir);
    await expect(reopened.library.view(staged.id)).rejects.toMatchObject({ code: 'unknown_attachment' });
  });

  it('deletes the files a deleted message names when they belong to it or to no message yet, and only those; again is harmless', async () => {
    const { library, vault } = await openLibrary(alice);
    const stage = async (name: string) => {
      const data = randomBytes(50_000);
      const view = await library.stage(Readable.from([data]), { declaredSize: data.length, fileName: name });
      await library.pointer(view.id);
      return view;
    };
    const message = (messageId: string) => ({ conversationId: 'dm:bob', messageId, sender: 'alice' });
    // Staged, and its message deleted before it was sent: main never placed it in a message.
    const unsent = await stage('unsent.bin');
    // Placed in another message: naming it from this one does not take it.
    const other = await stage('other.bin');
    await library.placeIn([other.id], message('01HZXK3W8Q5V6T7Y8Z9A0B1C3A'));
    // Received before main kept a list of each message's files: its record names its message, the list does not.
    const legacy = await stage('legacy.bin');
    await library.placeIn([legacy.id], message('01HZXK3W8Q5V6T7Y8Z9A0B1C3B'));
    await new AttachmentRecords(vault).forgetMessage(message('01HZXK3W8Q5V6T7Y8Z9A0B1C3B'));

    const deleted = [
      { ...message('01HZXK3W8Q5V6T7Y8Z9A0B1C3C'), files: [unsent.id, other.id] },
      { ...message('01HZXK3W8Q5V6T7Y8Z9A0B1C3B'), files: [legacy.id] },
    ];
    await library.forgetMessages(deleted);
    for (const view of [unsent, legacy]) {
      expect(existsSync(library.fileOf(view.id))).toBe(false);
      await expect(library.view(view.id)).rejects.toMatchObject({ code: 'unknown_attachment' });
    }
    expect(existsSync(library.fileOf(other.id))).toBe(true);
    expect((await library.view(other.id)).state).toBe('uploaded');
    // The renderer names a message again when it did not see the answer (a crash): nothing more happens.
    await library.forgetMessages(deleted);
    expect(existsSync(library.fileOf(other.id))).toBe(true);
  });

  it('forgets a message without files here with one vault read and no write, and one with files as before', async () => {
    const { library, vault } = await openLibrary(alice);
    const data = randomBytes(20_000);
    const staged = await library.stage(Readable.from([data]), { declaredSize: data.length, fileName: 'kept.bin' });
    await library.pointer(staged.id);
    const message = (messageId: string) => ({ conversationId: 'dm:bob', messageId, sender: 'alice' });
    const withFile = message('01HZXK3W8Q5V6T7Y8Z9A0B1C5A');
    await library.placeIn([staged.id], withFile);
    // The purge of expired messages names every one (whether it has files is sealed in the renderer).
    const without = [message('01HZXK3W8Q5V6T7Y8Z9A0B1C5B'), message('01HZXK3W8Q5V6T7Y8Z9A0B1C5C')];
    const deletes = vi.spyOn(vault, 'delete');
    const puts = vi.spyOn(vault, 'put');
    await library.forgetMessages(without);
    expect(deletes).not.toHaveBeenCalled();
    expect(puts).not.toHaveBeenCalled();
    expect(existsSync(library.fileOf(staged.id))).toBe(true);
    await library.forgetMessages([withFile]);
    expect(existsSync(library.fileOf(staged.id))).toBe(false);
    expect(await new AttachmentRecords(vault).ofMessage(withFile)).toBeUndefined();
    deletes.mockRestore();
    puts.mockRestore();
  });

  it('sweep: lists what it had before it opened (not what it holds for the renderer), deletes only listed ids, and files without a record', async () => {
    const first = await openLibrary(alice);
    const stage = async (library: MediaLibrary, name: string) => {
      const data = randomBytes(20_000);
      const view = await library.stage(Readable.from([data]), { declaredSize: data.length, fileName: name });
      await library.pointer(view.id);
      return view;
    };
    const message = { conversationId: 'dm:bob', messageId: '01HZXK3W8Q5V6T7Y8Z9A0B1C4A', sender: 'alice' };
    const placed = await stage(first.library, 'placed.bin');
    await first.library.placeIn([placed.id], message);
    const unplaced = await stage(first.library, 'unplaced.bin');
    const held = await stage(first.library, 'held.bin');
    // Made in this run: not listed, and not deleted even when named.
    expect((await first.library.sweepPage(0, 10, () => new Set())).files).toEqual([]);
    await first.library.sweep([placed.id]);
    expect(existsSync(first.library.fileOf(placed.id))).toBe(true);
    await first.library.close();
    await first.vault.close();

    // Left in the store by a crash: an encrypted file with no record (no key); and something that is not ours.
    const attachments = join(first.dataDir, 'attachments');
    const keyless = join(attachments, `${randomBytes(16).toString('base64url')}.pat`);
    writeFileSync(keyless, randomBytes(100));
    writeFileSync(join(attachments, 'notes.txt'), 'not an attachment');

    const { library } = await openLibrary(alice, first.dataDir);
    const fresh = await stage(library, 'fresh.bin');
    const listed = [];
    for (let offset = 0; ; ) {
      const page = await library.sweepPage(offset, 1, () => new Set([held.id]));
      listed.push(...page.files);
      offset += page.files.length;
      if (!page.more) break;
    }
    expect(listed.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      [
        { id: placed.id, message },
        { id: unplaced.id, message: null },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(existsSync(keyless)).toBe(false);
    expect(existsSync(join(attachments, 'notes.txt'))).toBe(true);

    await library.sweep([placed.id, held.id, fresh.id]);
    expect(existsSync(library.fileOf(placed.id))).toBe(false);
    await expect(library.view(placed.id)).rejects.toMatchObject({ code: 'unknown_attachment' });
    for (const kept of [unplaced, held, fresh]) expect(existsSync(library.fileOf(kept.id))).toBe(true);
  });

  it('pauses and resumes a download, and resumes an unfinished download after a restart', async () => {
    const sender = await openLibrary(alice);
    const data = randomBytes(8 * 1024 * 1024);
    const staged = await sender.library.stage(Readable.from([data]), { declaredSize: data.length, fileName: 'video.bin' });
    const pointer = await sender.library.pointer(staged.id);
    await relay.blobs.access.grant(alice, pointer.blobId, [bob]);

    const receiver = await openLibrary(bob);
    const adopted = await receiver.library.adopt(pointer);
    await receiver.library.download(adopted.id);
    const paused = await receiver.library.pause(adopted.id);
    expect(['paused', 'downloaded']).toContain(paused.state);
    if (paused.state === 'paused') {
      const resumed = await receiver.library.resume(adopted.id);
      expect(resumed.state).toBe('downloading');
    }
    await expect.poll(async () => (await receiver.library.view(adopted.id)).state, { timeout: 20_000 }).toBe('downloaded');

    // A download running when the app stops continues at the next start.
    const second = await receiver.library.adopt(pointer);
    await receiver.library.download(second.id);
    await receiver.library.close();
    await receiver.vault.close();
    const reopened = await openLibrary(bob, receiver.dataDir);
    await expect.poll(async () => (await reopened.library.view(second.id)).state, { timeout: 20_000 }).toBe('downloaded');
    const served = await reopened.handle(get(`/attachment/${second.id}`, 'bytes=0-99'));
    expect((await bodyOf(served)).equals(data.subarray(0, 100))).toBe(true);
  });

  it('downloads what arrives within the limits by itself, a few at a time, never restarts what the user cancelled, goes on after a restart, and takes up what a raised limit now allows', async () => {
    const sender = await openLibrary(alice);
    const data = randomBytes(100_000);
    const staged = await sender.library.stage(Readable.from([data]), { declaredSize: data.length, fileName: 'notes.bin' });
    const pointer = await sender.library.pointer(staged.id);
    await relay.blobs.access.grant(alice, pointer.blobId, [bob]);

    // Downloads get no token (the relay is away: they retry) until the test lets them go, so they are caught running.
    let open = false;
    const receiver = await openLibrary(bob);
    const tokens = tokensFor(bob);
    const held = await heldLibrary(receiver, bob, async (blobId) => (open ? tokens.downloadToken(blobId) : Promise.reject(new TransientTransferError('The relay is away.'))));
    const limits = { ...DEFAULT_APP_SETTINGS.autoDownload, file: data.length };
    const auto = await AutoDownloads.open({ library: held, store: vaultQueue(receiver.vault), passedOverStore: vaultPassedOver(receiver.vault), limits: () => limits, logger: silentLogger });
    const arrived: AttachmentView[] = [];
    for (let index = 0; index < AUTO_DOWNLOADS_AT_ONCE + 2; index++) arrived.push(await held.adopt(pointer));
    await auto.offer(arrived);
    const states = () => Promise.all(arrived.map(async (view) => (await held.view(view.id)).state));
    await expect.poll(states).toEqual(['downloading', 'downloading', 'downloading', 'pending', 'pending']);

    // A file over the limit for its kind is not queued.
    limits.file = data.length - 1;
    const tooLarge = await held.adopt(pointer);
    await auto.offer([tooLarge]);
    // The user cancels one that runs: the next in line starts, and the cancelled one is not started again.
    await held.cancel(arrived[1]!.id);
    await expect.poll(states).toEqual(['downloading', 'pending', 'downloading', 'downloading', 'pending']);

    // The app stops with three files running and one waiting, and starts again with the relay back.
    await auto.close();
    await held.close();
    open = true;
    const reopened = await MediaLibrary.open({ dataDir: receiver.dataDir, vault: receiver.vault, endpoint: () => blobEndpoint(relay.url), tokens, onChanged: () => undefined, logger: silentLogger });
    libraries.push(reopened);
    const again = await AutoDownloads.open({ library: reopened, store: vaultQueue(receiver.vault), passedOverStore: vaultPassedOver(receiver.vault), limits: () => limits, logger: silentLogger });
    const after = () => Promise.all([...arrived, tooLarge].map(async (view) => (await reopened.view(view.id)).state));
    await expect.poll(after, { timeout: 20_000 }).toEqual(['downloaded', 'pending', 'downloaded', 'downloaded', 'downloaded', 'pending']);
    await expect.poll(() => vaultQueue(receiver.vault).load()).toEqual([]);
    expect(await vaultPassedOver(receiver.vault).load()).toEqual([tooLarge.id]);

    // The user raises the limit: the file passed over downloads by itself; the one the user cancelled still does not.
    limits.file = data.length;
    await again.limitsChanged();
    await expect.poll(after, { timeout: 20_000 }).toEqual(['downloaded', 'pending', 'downloaded', 'downloaded', 'downloaded', 'downloaded']);
    expect(await vaultPassedOver(receiver.vault).load()).toEqual([]);
    await again.close();
  });
});
