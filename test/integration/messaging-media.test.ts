// Files in messages, end to end through a real relay and real cores driven over IPC as the renderer drives them:
// files staged through the media URL go out as one message with a caption; each recipient device gets the
// attachments (never a key, digest or blob id), downloads those within its automatic download limits as the message
// arrives, may fetch exactly those blobs (the sender granted them to the devices it sent the message to), and serves
// the decrypted bytes. A receiver that restarts before its renderer stored the message is offered the same
// attachments again (and the file sweep leaves them); files that cannot be sent fail the message with the reason.
// The sender's other devices get a transcript of it and may fetch its files too.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_SETTINGS, type AttachmentView, type ReceivedMessage } from '../../src/shared/ipc';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { fetchAttachment, jpeg, stage } from './media-harness';
import { TestUser, addContact, dm } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close().catch(() => undefined)));
});
afterAll(async () => {
  await relay?.close();
});

async function user(prefix: string, options: { autoCommit?: boolean } = {}): Promise<TestUser> {
  const created = await TestUser.create(relay.url, prefix, options);
  users.push(created);
  return created;
}

const pdf = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(bytes)]);

function mediaIn(user: TestUser, conversationId: string): Extract<ReceivedMessage['content'], { kind: 'media' }> | undefined {
  const found = user.conversation(conversationId).find((message) => message.content.kind === 'media');
  return found?.content.kind === 'media' ? found.content : undefined;
}

describe('files in messages', () => {
  it('sends an image and a document with a caption as one message; the recipient’s main downloads the image as it arrives, the document on request', async () => {
    const alice = await user('ma');
    const bob = await user('mb');
    await addContact(alice, bob);
    // bob's Settings › Media: pictures download by themselves, documents never.
    await bob.call('settings.update', { autoDownload: { ...DEFAULT_APP_SETTINGS.autoDownload, file: 0 } });
    const changes: AttachmentView[] = [];
    bob.core.events.subscribe((event, payload) => void (event === 'media.changed' && changes.push(payload as AttachmentView)));
    const image = jpeg(300_000);
    const document = pdf(50_000);
    const staged = [await stage(alice, image, 'beach.jpg'), await stage(alice, document, '../../etc/Report Q3.pdf')];

    const sent = await alice.callRetrying('messages.send', { conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000001', content: { kind: 'media', caption: 'Trip photos', attachmentIds: staged.map((a) => a.id) } });
    expect(sent.messageId).toBe('01HZX3M4J8MEDIA00000000001');

    const received = await waitFor(() => mediaIn(bob, dm(alice)), 'the message with files');
    expect(received.caption).toBe('Trip photos');
    expect(received.attachments).toMatchObject([
      { direction: 'incoming', kind: 'image', contentType: 'image/jpeg', fileName: 'beach.jpg', size: image.length },
      { direction: 'incoming', kind: 'file', contentType: 'application/pdf', fileName: 'Report Q3.pdf', size: document.length, state: 'pending' },
    ]);
    // Nobody asked bob's main for the image (no media.download, no media URL): it downloaded as the message arrived.
    const [photo, report] = received.attachments as [AttachmentView, AttachmentView];
    await expect.poll(async () => (await bob.call('media.get', { id: photo.id })).state, { timeout: 20_000 }).toBe('downloaded');
    expect(changes.some((view) => view.id === photo.id && view.state === 'downloading')).toBe(true);
    expect((await bob.call('media.get', { id: report.id })).state).toBe('pending');
    // Each side's files name their message (the transfers list's "Show in chat").
    expect(photo.message).toEqual({ conversationId: dm(alice), messageId: '01HZX3M4J8MEDIA00000000001', sender: alice.username });
    expect((await alice.call('media.get', { id: staged[0]!.id })).message).toEqual({ conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000001', sender: alice.username });
    // Nothing the renderer is handed names a key, a digest or a blob id.
    const library = alice.core.client.messenger().media;
    const secrets = (await Promise.all(staged.map((a) => library.record(a.id)))).flatMap((record) => [record.key, record.digest!, record.blobId!]);
    const handedOver = JSON.stringify([bob.received, changes, await bob.call('messages.pending', {})]);
    for (const secret of secrets) expect(handedOver).not.toContain(secret);

    // bob raises the limit for documents (to 16 MB): main's background queue fetches the report that now falls under it.
    await bob.call('settings.update', { autoDownload: DEFAULT_APP_SETTINGS.autoDownload });
    await expect.poll(async () => (await bob.call('media.get', { id: report.id })).state, { timeout: 20_000 }).toBe('downloaded');

    // The bytes come decrypted through bob's media URL: the relay let his device fetch what alice granted it.
    expect((await fetchAttachment(bob, photo.id)).equals(image)).toBe(true);
    expect((await fetchAttachment(bob, report.id)).equals(document)).toBe(true);
    await expect.poll(async () => (await bob.call('media.get', { id: report.id })).state).toBe('downloaded');
  });

  it('sends to every member of a group; a member that restarts before storing it is offered the same attachments', async () => {
    const ann = await user('mg-ann');
    const ben = await user('mg-ben');
    const cat = await user('mg-cat', { autoCommit: false });
    const group = await ann.callRetrying('groups.create', { name: 'Photos', members: [ben.username, cat.username] });
    const conversationId = `group:${group.groupId}`;
    const image = jpeg(120_000);
    const [staged] = [await stage(ann, image, 'cake.jpg')];
    await ann.callRetrying('messages.send', { conversationId, messageId: '01HZX3M4J8MEDIA00000000002', content: { kind: 'media', caption: '', attachmentIds: [staged!.id] } });

    const forBen = await waitFor(() => mediaIn(ben, conversationId), 'ben gets the photo');
    const forCat = await waitFor(() => mediaIn(cat, conversationId), 'cat gets the photo');
    expect(forBen.caption).toBe('');
    await cat.restart();
    const again = (await cat.call('messages.pending', {})).find((message) => message.content.kind === 'media');
    expect(again?.content.kind === 'media' && again.content.attachments.map((a) => a.id)).toEqual(forCat.attachments.map((a) => a.id));
    // The one-time file sweep never lists (so never deletes) the files of a message main still holds for the renderer.
    const listed = await cat.call('media.sweepList', { offset: 0, limit: 500 });
    expect(listed.files.map((file) => file.id)).not.toContain(forCat.attachments[0]!.id);
    await cat.call('media.sweep', { ids: [forCat.attachments[0]!.id] });
    expect((await fetchAttachment(cat, forCat.attachments[0]!.id)).equals(image)).toBe(true);
    expect((await fetchAttachment(ben, forBen.attachments[0]!.id)).equals(image)).toBe(true);
  });

  it('shows files sent from one device on the sender’s other devices, which may fetch them too, with their timer', async () => {
    const alice = await user('ml-a');
    const bob = await user('ml-b');
    const laptop = await TestUser.linked(relay, alice);
    users.push(laptop);
    await addContact(alice, bob);
    const image = jpeg(60_000);
    const [staged] = [await stage(alice, image, 'view.jpg')];
    await alice.callRetrying('messages.send', { conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000007', content: { kind: 'media', caption: 'Look', attachmentIds: [staged!.id], expireTimerSeconds: 300 } });

    const onLaptop = await waitFor(() => mediaIn(laptop, dm(bob)), 'the laptop gets the transcript');
    expect(laptop.conversation(dm(bob))[0]?.sender.user).toBe(alice.username);
    // The chat's disappearing-message timer travels with the files.
    expect(onLaptop).toMatchObject({ caption: 'Look', attachments: [{ fileName: 'view.jpg', size: image.length }], expireTimerSeconds: 300 });
    expect((await fetchAttachment(laptop, onLaptop.attachments[0]!.id)).equals(image)).toBe(true);
  });

  it('forwards received files by their pointers: nothing uploaded again, the next recipient may fetch them, each copy its own', async () => {
    const alice = await user('mw-a');
    const bob = await user('mw-b');
    const carol = await user('mw-c');
    await addContact(alice, bob);
    await addContact(bob, carol);
    // bob's pictures download by themselves, documents never: one forwarded file is here whole, one is not.
    await bob.call('settings.update', { autoDownload: { ...DEFAULT_APP_SETTINGS.autoDownload, file: 0 } });
    const image = jpeg(80_000);
    const document = pdf(30_000);
    const staged = [await stage(alice, image, 'dog.jpg'), await stage(alice, document, 'menu.pdf')];
    await alice.callRetrying('messages.send', { conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000008', content: { kind: 'media', caption: 'Ours', attachmentIds: staged.map((a) => a.id) } });
    const received = await waitFor(() => mediaIn(bob, dm(alice)), 'bob gets the files');
    const [photo, menu] = received.attachments as [AttachmentView, AttachmentView];
    await expect.poll(async () => (await bob.call('media.get', { id: photo.id })).state, { timeout: 20_000 }).toBe('downloaded');

    const copies = await bob.call('media.forward', { ids: [photo.id, menu.id] });
    expect(copies.map((copy) => [copy.fileName, copy.state])).toEqual([
      ['dog.jpg', 'downloaded'],
      ['menu.pdf', 'pending'],
    ]);
    expect(copies.map((copy) => copy.id)).not.toContain(photo.id);
    const library = bob.core.client.messenger().media;
    // Same blobs, no upload: the copies carry the original pointers.
    for (const [copy, original] of [[copies[0]!, photo], [copies[1]!, menu]] as const) {
      expect((await library.record(copy.id)).blobId).toBe((await library.record(original.id)).blobId);
    }
    await bob.callRetrying('messages.send', { conversationId: dm(carol), messageId: '01HZX3M4J8MEDIA00000000009', content: { kind: 'media', caption: 'Ours', attachmentIds: copies.map((a) => a.id), forwarded: true } });

    const forwarded = await waitFor(() => mediaIn(carol, dm(bob)), 'carol gets the forward');
    expect(forwarded).toMatchObject({ caption: 'Ours', forwarded: true, attachments: [{ fileName: 'dog.jpg' }, { fileName: 'menu.pdf' }] });
    // The relay let bob pass on what alice granted him.
    expect((await fetchAttachment(carol, forwarded.attachments[0]!.id)).equals(image)).toBe(true);
    expect((await fetchAttachment(carol, forwarded.attachments[1]!.id)).equals(document)).toBe(true);
    // bob's copy of the photo reads from its own file; the one not downloaded downloads like any received file.
    expect((await fetchAttachment(bob, copies[0]!.id)).equals(image)).toBe(true);
    expect((await fetchAttachment(bob, copies[1]!.id)).equals(document)).toBe(true);
  });

  it('sends files whose previews together are too large for one message without the largest previews', async () => {
    const alice = await user('mp-a');
    const bob = await user('mp-b');
    await addContact(alice, bob);
    // Nine pictures with a 14 KB preview each: 126 KB of previews, over the 120 KiB a message may be.
    const staged: AttachmentView[] = [];
    for (let index = 0; index < 9; index++) {
      const view = await stage(alice, jpeg(2_000), `p${index}.jpg`);
      // The fifth has the largest preview: it is the one that goes.
      const preview = jpeg(index === 4 ? 14_200 : 14_000 + index);
      const answer = await alice.core.media({ method: 'PUT', path: `/thumbnail/${view.id}`, query: new URLSearchParams({ width: '160', height: '120' }), headers: {}, body: Readable.from([preview]) });
      expect(answer.status).toBe(200);
      staged.push(view);
    }
    await alice.callRetrying('messages.send', { conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000006', content: { kind: 'media', caption: 'All nine', attachmentIds: staged.map((a) => a.id) } });
    const received = await waitFor(() => mediaIn(bob, dm(alice)), 'the message with nine files');
    expect(received.attachments.map((attachment) => attachment.hasThumbnail)).toEqual([true, true, true, true, false, true, true, true, true]);
    expect(received.attachments.map((attachment) => attachment.fileName)).toEqual(staged.map((_, index) => `p${index}.jpg`));
  });

  it('fails a message whose file is unknown or was cancelled, with the reason and no retry', async () => {
    const alice = await user('mf-a');
    const bob = await user('mf-b');
    await addContact(alice, bob);
    const unknown = await alice.failure('messages.send', { conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000003', content: { kind: 'media', caption: 'x', attachmentIds: ['AAAAAAAAAAAAAAAAAAAAAA'] } });
    expect(unknown).toMatchObject({ code: 'attachment_failed', retryable: false });
    const staged = await stage(alice, pdf(10_000), 'a.pdf');
    await alice.call('media.cancel', { id: staged.id });
    const cancelled = await alice.failure('messages.send', { conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000004', content: { kind: 'media', caption: '', attachmentIds: [staged.id] } });
    expect(cancelled).toMatchObject({ code: 'attachment_failed', retryable: false });
    expect(await alice.failure('media.get', { id: 'AAAAAAAAAAAAAAAAAAAAAA' })).toMatchObject({ code: 'unknown_attachment' });
    // Requests that break the contract never reach the library.
    expect(await alice.failure('media.download', { id: '../../x' } as never)).toMatchObject({ code: 'invalid_request' });
    expect(await alice.failure('messages.send', { conversationId: dm(bob), messageId: '01HZX3M4J8MEDIA00000000005', content: { kind: 'media', caption: '', attachmentIds: [] } })).toMatchObject({ code: 'invalid_request' });
  });
});
