// Linked devices through a real relay, each device driven through the IPC dispatcher as the renderer drives it:
// a new device shows a code and the primary links it; wrong, used and foreign codes fail cleanly and link nothing;
// a contact's message reaches every device (one that was offline catches up), what one device sends, does or reads
// shows on the other (texts, actions, group changes, read positions); the safety number stays one per user; a
// removed device is cut off and its contacts stop sending to it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingContent } from '../../src/shared/ipc';
import { startTestRelay, type TestRelay } from '../support/relay-harness';
import { TestUser, addContact, dm } from './messaging-harness';
import { waitFor } from './support';

let relay: TestRelay;
const users: TestUser[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
});
afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close()));
});
afterAll(async () => {
  await relay?.close();
});

async function user(prefix: string): Promise<TestUser> {
  const created = await TestUser.create(relay.url, prefix);
  users.push(created);
  return created;
}

async function linked(primary: TestUser, name?: string): Promise<TestUser> {
  const device = await TestUser.linked(relay, primary, name);
  users.push(device);
  return device;
}

describe('linking a device', () => {
  it('links with the code the new device shows; the primary lists it by name; a code works once', { timeout: 60_000 }, async () => {
    const alice = await user('alice');
    const laptop = await linked(alice, 'Work laptop');
    expect(await laptop.call('account.get', {})).toMatchObject({ username: alice.username, device: 2 });
    const devices = await alice.call('devices.list', {});
    expect(devices).toEqual([
      { device: 1, name: null, linkedAt: expect.any(Number), lastSeenAt: expect.any(Number), primary: true, current: true },
      { device: 2, name: 'Work laptop', linkedAt: expect.any(Number), lastSeenAt: expect.any(Number), primary: false, current: false },
    ]);
    // The linked device reads the names too (it has the account secret); it is not the primary.
    expect((await laptop.call('devices.list', {})).map((d) => [d.device, d.name, d.current])).toEqual([
      [1, null, false],
      [2, 'Work laptop', true],
    ]);
    const code = laptop.linkingEvents.find((e) => e.state === 'waiting');
    expect(code?.state === 'waiting' && (await alice.failure('devices.link', { code: code.code })).code).toBe('bad_link_code');
  });

  it('refuses a damaged code and linking from a linked device, linking nothing', { timeout: 60_000 }, async () => {
    const alice = await user('alice');
    expect((await alice.failure('devices.previewLink', { code: 'parley-link:1:nonsense' })).code).toBe('bad_link_code');
    const laptop = await linked(alice);
    const tablet = await TestUser.blank(relay.url);
    users.push(tablet);
    const shown = await tablet.call('devices.startLinking', { relayUrl: relay.url, name: 'Tablet' });
    if (shown.state !== 'waiting') throw new Error('expected a code');
    expect((await laptop.call('devices.previewLink', { code: shown.code })).name).toBe('Tablet');
    expect((await laptop.failure('devices.link', { code: shown.code })).code).toBe('not_primary');
    expect((await alice.call('devices.list', {})).map((d) => d.device)).toEqual([1, 2]);
    await tablet.call('devices.cancelLinking', {});
  });
});

describe('one account on two devices', () => {
  it('fans out to both devices, transcribes what one sends to the other, and keeps one safety number', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    await addContact(alice, bob);
    const numberBefore = await bob.callRetrying('contacts.safetyNumber', { username: alice.username }).catch(() => undefined);
    const laptop = await linked(alice);
    await addContact(bob, alice);

    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4T9B', content: { kind: 'text', body: 'to all of you' } });
    await waitFor(() => alice.texts(dm(bob)).length === 1 && laptop.texts(dm(bob)).length === 1, 'both of Alice’s devices');

    await laptop.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4T9C', content: { kind: 'text', body: 'from my laptop' } });
    await waitFor(() => bob.texts(dm(alice)).includes('from my laptop'), 'Bob gets it');
    expect(bob.conversation(dm(alice)).find((m) => m.messageId === '01JD3Q8S6Z8M5N1V0K2H7C4T9C')?.sender).toEqual({ user: alice.username, device: 2 });
    // The primary shows it in the chat with Bob as sent by Alice (a transcript from her laptop).
    await waitFor(() => alice.texts(dm(bob)).includes('from my laptop'), 'the primary gets the transcript');
    expect(alice.conversation(dm(bob)).find((m) => m.messageId === '01JD3Q8S6Z8M5N1V0K2H7C4T9C')?.sender.user).toBe(alice.username);

    // Bob's view of Alice: not changed, one safety number, the same one as before the laptop was linked.
    const contact = (await bob.call('contacts.list', {})).find((c) => c.username === alice.username);
    expect(contact).toMatchObject({ identityChanged: false });
    const numberAfter = await bob.call('contacts.safetyNumber', { username: alice.username });
    if (numberBefore) expect(numberAfter.safetyNumber).toBe(numberBefore.safetyNumber);
    expect((await laptop.call('contacts.safetyNumber', { username: bob.username })).safetyNumber).toBe(numberAfter.safetyNumber);
    expect((await alice.call('contacts.safetyNumber', { username: bob.username })).safetyNumber).toBe(numberAfter.safetyNumber);
  });

  it('keeps a verified contact verified on all of alice’s devices: marking or clearing it on one does it on the others', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    await addContact(alice, bob);
    const laptop = await linked(alice);
    const verifiedOn = async (device: TestUser) => (await device.call('contacts.list', {})).find((c) => c.username === bob.username)?.verified;

    // The laptop has not met bob yet: the mark waits until it does (bob writes), then holds for bob's key.
    await alice.call('contacts.setVerified', { username: bob.username, verified: true });
    await addContact(bob, alice);
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7VER01', content: { kind: 'text', body: 'hello both' } });
    await waitFor(() => laptop.texts(dm(bob)).length === 1, 'the laptop meets bob');
    await expect.poll(() => verifiedOn(laptop), { timeout: 30_000 }).toBe(true);
    expect((await laptop.call('contacts.safetyNumber', { username: bob.username })).verified).toBe(true);

    // Cleared on the laptop, cleared on the first device; marked there again, marked here again.
    await laptop.call('contacts.setVerified', { username: bob.username, verified: false });
    await expect.poll(() => verifiedOn(alice), { timeout: 30_000 }).toBe(false);
    await alice.call('contacts.setVerified', { username: bob.username, verified: true });
    await expect.poll(() => verifiedOn(laptop), { timeout: 30_000 }).toBe(true);
  });

  it('keeps contacts and blocks the same on all of alice’s devices: added or blocked on one, so on the other, unblocked too', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const laptop = await linked(alice);
    const onLaptop = async (name: string) => (await laptop.call('contacts.list', {})).find((c) => c.username === name);

    // Added on the first device: listed on the laptop, which has not met bob; it meets him when it writes.
    await addContact(alice, bob);
    await expect.poll(() => onLaptop(bob.username), { timeout: 30_000 }).toMatchObject({ username: bob.username, blocked: false });
    await laptop.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7CON01', content: { kind: 'text', body: 'from the laptop' } });
    await waitFor(() => bob.texts(dm(alice)).includes('from the laptop'), 'bob gets it');

    // Blocked on the first device: blocked on the laptop (sends refused there); unblocked on the laptop: on both.
    await alice.call('contacts.setBlocked', { username: bob.username, blocked: true });
    await expect.poll(async () => (await onLaptop(bob.username))?.blocked, { timeout: 30_000 }).toBe(true);
    expect((await laptop.failure('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7CON02', content: { kind: 'text', body: 'no' } })).code).toBe('blocked');
    await laptop.call('contacts.setBlocked', { username: bob.username, blocked: false });
    await expect.poll(async () => (await alice.call('contacts.list', {})).find((c) => c.username === bob.username)?.blocked, { timeout: 30_000 }).toBe(false);

    // Blocked on the first device after she wrote: the laptop drops what she writes next, as the first device does.
    await addContact(carol, alice);
    await carol.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7CON03', content: { kind: 'text', body: 'hi, it is carol' } });
    await waitFor(() => alice.texts(dm(carol)).length === 1 && laptop.texts(dm(carol)).length === 1, 'both get carol’s first');
    await alice.call('contacts.setBlocked', { username: carol.username, blocked: true });
    await expect.poll(async () => (await onLaptop(carol.username))?.blocked, { timeout: 30_000 }).toBe(true);
    await carol.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7CON04', content: { kind: 'text', body: 'blocked now' } });
    // After a later message from bob, the laptop still shows only her first.
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7CON06', content: { kind: 'text', body: 'after carol' } });
    await waitFor(() => laptop.texts(dm(bob)).includes('after carol'), 'the laptop gets bob’s');
    expect(laptop.texts(dm(carol))).toEqual(['hi, it is carol']);
  });

  it('fans out to three devices; one that was offline gets what it missed when it is back', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const laptop = await linked(alice, 'Laptop');
    const tablet = await linked(alice, 'Tablet');
    await addContact(bob, alice);
    await tablet.close();
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TD1', content: { kind: 'text', body: 'while the tablet is off' } });
    await waitFor(() => alice.texts(dm(bob)).length === 1 && laptop.texts(dm(bob)).length === 1, 'the two online devices');
    expect(tablet.texts(dm(bob))).toEqual([]);
    await tablet.open();
    await waitFor(() => tablet.texts(dm(bob)).includes('while the tablet is off'), 'the tablet catches up');
  });

  it('tells the other devices what was read on one: the laptop gets alice’s own read receipt, bob gets hers', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const laptop = await linked(alice);
    await addContact(bob, alice);
    const ids = ['01JD3Q8S6Z8M5N1V0K2H7C4TB1', '01JD3Q8S6Z8M5N1V0K2H7C4TB2'];
    for (const [index, messageId] of ids.entries()) {
      await bob.call('messages.send', { conversationId: dm(alice), messageId, content: { kind: 'text', body: `unread ${index}` } });
    }
    await waitFor(() => alice.texts(dm(bob)).length === 2 && laptop.texts(dm(bob)).length === 2, 'both devices have both');

    await alice.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TB3', content: { kind: 'receipt', receipt: 'read', messageIds: ids } });
    const readElsewhere = () => laptop.received.find((m) => m.content.kind === 'receipt' && m.sender.user === alice.username);
    await waitFor(() => readElsewhere() !== undefined, 'the laptop is told');
    expect(readElsewhere()).toMatchObject({ conversationId: dm(bob), sender: { user: alice.username, device: 1 }, content: { kind: 'receipt', receipt: 'read', messageIds: ids } });
    await waitFor(() => bob.received.some((m) => m.content.kind === 'receipt' && m.content.receipt === 'read'), 'Bob gets the read receipt');
    // Only alice's own devices hear of it: Bob gets the read receipt and nothing else from her.
    expect(bob.received.filter((m) => m.sender.user === alice.username).map((m) => m.content.kind)).toEqual(['receipt']);
  });

  it('tells the other devices which of alice’s messages her first device will not send (failed, or deleted first), and no one else', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const laptop = await linked(alice);
    await addContact(alice, bob);
    const group = await alice.call('groups.create', { name: 'Crew', members: [bob.username] });
    const failedIds = ['01JD3Q8S6Z8M5N1V0K2H7UNS01', '01JD3Q8S6Z8M5N1V0K2H7UNS02'];

    await alice.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7UNSA1', content: { kind: 'unsent', messageIds: failedIds, reason: 'failed' } });
    await alice.call('messages.send', { conversationId: `group:${group.groupId}`, messageId: '01JD3Q8S6Z8M5N1V0K2H7UNSA2', content: { kind: 'unsent', messageIds: ['01JD3Q8S6Z8M5N1V0K2H7UNS03'], reason: 'deleted' } });
    const unsent = () => laptop.received.filter((m) => m.content.kind === 'unsent');
    await waitFor(() => unsent().length === 2, 'the laptop is told of both');
    expect(unsent()).toEqual([
      expect.objectContaining({ conversationId: dm(bob), sender: { user: alice.username, device: 1 }, content: { kind: 'unsent', messageIds: failedIds, reason: 'failed' } }),
      expect.objectContaining({ conversationId: `group:${group.groupId}`, sender: { user: alice.username, device: 1 }, content: { kind: 'unsent', messageIds: ['01JD3Q8S6Z8M5N1V0K2H7UNS03'], reason: 'deleted' } }),
    ]);

    // It never goes to the conversation: bob's next message from alice is her text, nothing before it.
    await alice.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7UNSA3', content: { kind: 'text', body: 'after' } });
    await waitFor(() => bob.texts(dm(alice)).includes('after'), 'bob gets the text');
    expect(bob.received.filter((m) => m.sender.user === alice.username && m.conversationId.startsWith('dm:')).map((m) => m.content.kind)).toEqual(['text']);
    // Nor about a conversation with oneself; and with no other device there is no one to tell (and no error).
    expect((await alice.failure('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7UNSA4', content: { kind: 'unsent', messageIds: failedIds, reason: 'failed' } })).code).toBe('unknown_conversation');
    await expect(bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7UNSA5', content: { kind: 'unsent', messageIds: failedIds, reason: 'failed' } })).resolves.toMatchObject({ messageId: '01JD3Q8S6Z8M5N1V0K2H7UNSA5' });
  });

  it('shows on the laptop what alice does on her first device: reactions, edits, deletes, timers and group changes', { timeout: 120_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const laptop = await linked(alice);
    await addContact(bob, alice);
    await addContact(alice, bob);
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC1', content: { kind: 'text', body: 'from bob' } });
    await waitFor(() => laptop.texts(dm(bob)).length === 1, 'the laptop has bob’s');
    const send = (content: OutgoingContent, messageId: string) => alice.call('messages.send', { conversationId: dm(bob), messageId, content });
    await send({ kind: 'text', body: 'soon gone' }, '01JD3Q8S6Z8M5N1V0K2H7C4TC2');
    await send({ kind: 'reaction', targetMessageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC1', targetAuthor: bob.username, emoji: '👍', remove: false }, '01JD3Q8S6Z8M5N1V0K2H7C4TC3');
    await send({ kind: 'edit', targetMessageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC2', body: 'edited' }, '01JD3Q8S6Z8M5N1V0K2H7C4TC4');
    await send({ kind: 'delete', targetMessageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC2' }, '01JD3Q8S6Z8M5N1V0K2H7C4TC5');
    await send({ kind: 'expiry_timer', seconds: 30 }, '01JD3Q8S6Z8M5N1V0K2H7C4TC6');
    const own = () => laptop.conversation(dm(bob)).filter((m) => m.sender.user === alice.username);
    await waitFor(() => own().length === 5, 'the laptop has all five');
    expect(own().map((m) => m.content)).toEqual([
      { kind: 'text', body: 'soon gone' },
      { kind: 'reaction', targetMessageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC1', targetAuthor: bob.username, emoji: '👍', remove: false },
      { kind: 'edit', targetMessageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC2', body: 'edited' },
      { kind: 'delete', targetMessageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC2' },
      { kind: 'expiry_timer', seconds: 30 },
    ]);

    // A group alice makes on her first device is the laptop's too: it gets the changes, bob's messages in it, and
    // can write in it; what it writes shows on the first device.
    const group = await alice.call('groups.create', { name: 'Weekend', members: [bob.username] });
    await alice.call('groups.rename', { groupId: group.groupId, name: 'Long weekend' });
    const conversationId = `group:${group.groupId}`;
    await waitFor(() => laptop.conversation(conversationId).length === 2, 'the laptop gets both changes');
    expect(laptop.conversation(conversationId).map((m) => m.content.kind === 'group_update' && m.content.update.kind)).toEqual(['created', 'renamed']);
    expect(await laptop.call('groups.list', {})).toEqual([expect.objectContaining({ groupId: group.groupId, name: 'Long weekend', members: [alice.username, bob.username].sort() })]);
    await waitFor(() => bob.conversation(conversationId).length === 2, 'bob gets both changes');
    await bob.call('messages.send', { conversationId, messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC7', content: { kind: 'text', body: 'to the group' } });
    await waitFor(() => laptop.texts(conversationId).includes('to the group') && alice.texts(conversationId).includes('to the group'), 'both devices get it');
    await laptop.call('messages.send', { conversationId, messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC8', content: { kind: 'text', body: 'from the laptop' } });
    await waitFor(() => bob.texts(conversationId).includes('from the laptop') && alice.texts(conversationId).includes('from the laptop'), 'bob and the first device');

    // Reading bob's group message on the first device: the laptop is told which message of which group.
    await alice.call('messages.send', { conversationId, messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TC9', content: { kind: 'receipt', receipt: 'read', messageIds: ['01JD3Q8S6Z8M5N1V0K2H7C4TC7'] } });
    await waitFor(() => laptop.conversation(conversationId).some((m) => m.content.kind === 'receipt' && m.sender.user === alice.username), 'the laptop is told');
  });

  it('tells a contact who knew alice that she linked a device, once and with no key change; someone meeting her now is told nothing', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    await addContact(bob, alice);
    const laptop = await linked(alice);
    await addContact(laptop, bob);
    await laptop.call('messages.send', { conversationId: dm(bob), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TAC', content: { kind: 'text', body: 'hello from the laptop' } });
    await waitFor(() => bob.texts(dm(alice)).includes('hello from the laptop'), 'Bob gets the laptop’s message');
    // Bob's next send follows Alice's devices again (both known now): no second notice.
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TAD', content: { kind: 'text', body: 'hi both' } });
    await waitFor(() => laptop.texts(dm(bob)).includes('hi both'), 'the laptop gets Bob’s answer');
    expect(bob.linkedDeviceEvents).toEqual([{ username: alice.username, device: 2 }]);
    expect(bob.contactEvents.filter((c) => c.username === alice.username).every((c) => !c.identityChanged)).toBe(true);

    await addContact(carol, alice);
    await carol.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TAE', content: { kind: 'text', body: 'hi from carol' } });
    await waitFor(() => laptop.texts(dm(carol)).includes('hi from carol') && alice.texts(dm(carol)).includes('hi from carol'), 'both of Alice’s devices get Carol’s');
    expect(carol.linkedDeviceEvents).toEqual([]);
  });

  it('stops delivering to a removed device: it is cut off, and a contact’s next send skips it', { timeout: 90_000 }, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const laptop = await linked(alice);
    await addContact(bob, alice);
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TAA', content: { kind: 'text', body: 'one' } });
    await waitFor(() => laptop.texts(dm(bob)).length === 1, 'the laptop gets the first');

    await alice.call('devices.remove', { device: 2 });
    await waitFor(() => laptop.core.client.connection().lastError?.fatal === true, 'the laptop is cut off for good');
    expect((await alice.call('devices.list', {})).map((d) => d.device)).toEqual([1]);

    // Bob's device list is stale: the relay refuses the copy for the removed device, and Bob sends again without it.
    await bob.call('messages.send', { conversationId: dm(alice), messageId: '01JD3Q8S6Z8M5N1V0K2H7C4TAB', content: { kind: 'text', body: 'two' } });
    await waitFor(() => alice.texts(dm(bob)).length === 2, 'the primary gets the second');
    expect(laptop.texts(dm(bob))).toEqual(['one']);
  });
});
