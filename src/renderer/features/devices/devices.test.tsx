import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceView, HistoryMessage } from '../../../shared/ipc';
import { HISTORY_IMPORT_POSITION } from '../../db/historyImport';
import { useChats } from '../../store/chats';
import { FAKE_DEFAULT_RELAY, fakeContact, fakeLinkCode } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { textFrom, unsentFrom } from '../../testing/messages';
import { storeReceived } from '../../db/incoming';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';

useFakeLayout();

afterEach(() => {
  vi.restoreAllMocks();
  return resetApp();
});

async function openLinking() {
  const rendered = await renderApp({ account: null });
  await rendered.user.click(await screen.findByRole('button', { name: 'Link to an existing account' }));
  const name = screen.getByRole('textbox', { name: 'Name for this device' });
  const relay = screen.getByRole('textbox', { name: 'Relay' });
  await waitFor(() => expect(relay).toHaveProperty('value', FAKE_DEFAULT_RELAY));
  return { ...rendered, name, relay };
}

describe('linking this device (onboarding)', () => {
  it('shows the code as QR and text, follows refreshed codes, and opens the chats once linked', async () => {
    const { user, fake, name } = await openLinking();
    await user.clear(name);
    await user.type(name, 'Work laptop');
    await user.click(screen.getByRole('button', { name: 'Show linking code' }));

    const code = await screen.findByRole('textbox', { name: 'Linking code' });
    expect(code).toHaveProperty('value', fakeLinkCode('Work laptop'));
    expect(screen.getByRole('img', { name: 'QR code of this device’s linking code' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/Waiting for your other device/);
    expect(fake.calls.find((call) => call.channel === 'devices.startLinking')?.request).toEqual({ relayUrl: FAKE_DEFAULT_RELAY, name: 'Work laptop' });

    act(() => fake.emit('devices.linking', { state: 'waiting', code: fakeLinkCode('refreshed'), expiresAt: Date.now() + 180_000 }));
    expect(code).toHaveProperty('value', fakeLinkCode('refreshed'));

    act(() => fake.finishLinking('alice'));
    expect(await screen.findByRole('navigation', { name: 'Chats' })).toBeTruthy();
  });

  it('says in plain words when the name is empty or the relay cannot be reached, and asks main nothing for a bad name', async () => {
    const { user, fake, name } = await openLinking();
    await user.clear(name);
    await user.click(screen.getByRole('button', { name: 'Show linking code' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Give this device a name/);
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(fake.calls.some((call) => call.channel === 'devices.startLinking')).toBe(false);

    fake.relayReachable = false;
    await user.type(name, 'Laptop{Enter}');
    expect(await screen.findByRole('heading', { name: 'Linking did not work' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/Cannot reach the relay/);
    fake.relayReachable = true;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('textbox', { name: 'Linking code' })).toBeTruthy();
  });

  it('shows a failure main reports while waiting, an expired code, and cancels at the relay on Cancel', async () => {
    const { user, fake } = await openLinking();
    await user.click(screen.getByRole('button', { name: 'Show linking code' }));
    await screen.findByRole('textbox', { name: 'Linking code' });

    act(() => fake.emit('devices.linking', { state: 'waiting', code: fakeLinkCode('old'), expiresAt: Date.now() - 1 }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/This code expired/);
    await user.click(screen.getByRole('button', { name: 'Get a new code' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(fake.calls.filter((call) => call.channel === 'devices.startLinking')).toHaveLength(2);

    act(() => fake.emit('devices.linking', { state: 'failed', message: 'linking.unreadable', text: { id: 'linking.unreadable' } }));
    expect(await screen.findByRole('heading', { name: 'Linking did not work' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/could not be read/);

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('button', { name: 'Show linking code' })).toBeTruthy();
    expect(fake.calls.some((call) => call.channel === 'devices.cancelLinking')).toBe(true);
    // A late event of the cancelled linking changes nothing.
    act(() => fake.emit('devices.linking', { state: 'failed', message: 'linking.cancelled', text: { id: 'linking.cancelled' } }));
    expect(screen.queryByRole('heading', { name: 'Linking did not work' })).toBeNull();
  });
});

const primary: DeviceView = { device: 1, name: null, linkedAt: Date.now() - 86_400_000 * 30, lastSeenAt: null, primary: true, current: true };

async function openDevices(devices: DeviceView[]) {
  const rendered = await renderApp({ devices });
  await rendered.user.click(await within(screen.getByRole('complementary')).findByRole('button', { name: 'Settings' }));
  const settings = await screen.findByRole('dialog', { name: 'Settings' });
  const list = await within(settings).findByRole('list', { name: 'Your devices' });
  return { ...rendered, settings, list };
}

describe('Settings → Linked devices', () => {
  it('links a device from a pasted code after confirming its name, and removes one after a confirmation', async () => {
    // Seen a minute ago, but never before today's midnight: a run just after midnight would read "Yesterday".
    const lastSeenAt = Math.max(new Date().setHours(0, 0, 0, 0), Date.now() - 60_000);
    const phone: DeviceView = { device: 2, name: 'Home desktop', linkedAt: Date.now() - 86_400_000 * 3, lastSeenAt, primary: false, current: false };
    const { user, fake, settings, list } = await openDevices([primary, phone]);
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      expect.stringMatching(/^Primary devicethis deviceCreated the account /),
      expect.stringMatching(/^Home desktopLinked .* · Last seen Today, /),
    ]);

    await user.click(within(settings).getByRole('button', { name: 'Link a device' }));
    const code = within(settings).getByRole('textbox', { name: 'Code from the new device' });
    await user.type(code, 'hello{Enter}');
    expect((await within(settings).findByRole('alert')).textContent).toBe('This is not a Parley linking code.');
    expect(fake.calls.some((call) => call.channel === 'devices.link')).toBe(false);

    await user.clear(code);
    await user.click(code);
    await user.paste(fakeLinkCode('Work laptop'));
    await user.click(within(settings).getByRole('button', { name: 'Continue' }));
    const confirm = await within(settings).findByRole('group', { name: 'Confirm the new device' });
    expect(confirm.textContent).toMatch(/Link “Work laptop” to your account\?/);
    await user.click(within(confirm).getByRole('button', { name: 'Link device' }));
    expect(await within(settings).findByText('“Work laptop” is linked.')).toBeTruthy();
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));

    await user.click(within(list).getByRole('button', { name: 'Remove Home desktop' }));
    expect(fake.calls.some((call) => call.channel === 'devices.remove')).toBe(false);
    await user.click(within(list).getByRole('button', { name: 'Remove' }));
    expect(await within(settings).findByText('“Home desktop” was removed. It no longer receives your messages.')).toBeTruthy();
    expect(fake.calls.find((call) => call.channel === 'devices.remove')?.request).toEqual({ device: 2 });
    await waitFor(() => expect(within(list).queryByText('Home desktop')).toBeNull());
  });

  it('a linked device lists the devices but neither links nor removes, and names the primary that does', async () => {
    const { settings, list } = await openDevices([
      { ...primary, current: false, lastSeenAt: Date.now() },
      { device: 2, name: 'Laptop', linkedAt: Date.now(), lastSeenAt: Date.now(), primary: false, current: true },
    ]);
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(within(settings).queryByRole('button', { name: 'Link a device' })).toBeNull();
    expect(within(list).queryByRole('button', { name: /^Remove/ })).toBeNull();
    expect(within(settings).getByText(/New devices are linked, and devices removed, from “Primary device”/)).toBeTruthy();
  });
});

describe('history when linking a device', () => {
  it('the primary sends the last N days along: the renderer reads them from its database and hands them to main', async () => {
    const now = Date.now();
    const { user, fake, settings } = await openDevices([primary]);
    await storeReceived(
      sessionDb(),
      [textFrom('bob', 'm-old', 'last spring', { sentAt: now - 200 * 86_400_000 }), textFrom('bob', 'm-new', 'this week', { sentAt: now - 2 * 86_400_000 })],
      'alice',
      (id) => id.slice(3),
    );
    await user.click(within(settings).getByRole('button', { name: 'Link a device' }));
    await user.click(within(settings).getByRole('textbox', { name: 'Code from the new device' }));
    await user.paste(fakeLinkCode('Laptop'));
    await user.click(within(settings).getByRole('button', { name: 'Continue' }));
    const confirm = await within(settings).findByRole('group', { name: 'Confirm the new device' });
    const choice = within(confirm).getByRole('group', { name: 'Transfer history' });
    expect(within(choice).getByRole('radio', { name: 'Everything' })).toHaveProperty('checked', true);
    await user.click(within(choice).getByRole('radio', { name: 'Last' }));
    const days = within(choice).getByRole('spinbutton', { name: 'Number of days of history' });
    await user.clear(days);
    await user.type(days, '7');
    await user.click(within(confirm).getByRole('button', { name: 'Link device' }));
    expect(await within(settings).findByText('“Laptop” is linked.')).toBeTruthy();

    const since = (fake.calls.find((call) => call.channel === 'history.startExport')?.request as { since: number }).since;
    expect(since).toBeGreaterThanOrEqual(now - 7 * 86_400_000);
    expect(since).toBeLessThanOrEqual(Date.now() - 7 * 86_400_000);
    const sent = fake.historySent.get(2);
    expect(sent?.conversations.map((c) => c.id)).toEqual(['dm:bob']);
    expect(sent?.messages.map((m) => [m.messageId, m.body])).toEqual([['m-new', 'this week']]);
  });

  it('"None" links without history', async () => {
    const { user, fake, settings } = await openDevices([primary]);
    await user.click(within(settings).getByRole('button', { name: 'Link a device' }));
    await user.click(within(settings).getByRole('textbox', { name: 'Code from the new device' }));
    await user.paste(fakeLinkCode('Laptop'));
    await user.click(within(settings).getByRole('button', { name: 'Continue' }));
    await user.click(await within(settings).findByRole('radio', { name: 'None — only new messages' }));
    await user.click(within(settings).getByRole('button', { name: 'Link device' }));
    expect(await within(settings).findByText('“Laptop” is linked.')).toBeTruthy();
    expect(fake.calls.find((call) => call.channel === 'devices.link')?.request).toEqual({ code: fakeLinkCode('Laptop') });
    expect(fake.calls.some((call) => call.channel === 'history.startExport')).toBe(false);
  });

  const archive = (count: number): HistoryMessage[] =>
    Array.from({ length: count }, (_, i) => ({ conversationId: 'dm:bob', messageId: `h${i}`, sender: i % 2 ? 'alice' : 'bob', direction: i % 2 ? 'out' : 'in', body: `old ${i}`, timestamp: 1_700_000_000_000 + i, ...(i % 2 ? { status: 'read' as const } : {}) }));

  it('the new device imports the history in batches, says how far it got and when it is all there, and shows the chat', async () => {
    const { fake } = await renderApp({ contacts: [] });
    act(() => fake.setHistoryImport({ state: 'downloading' }));
    expect((await screen.findByText('Getting your history from your other device…')).closest('[role="status"]')).toBeTruthy();
    act(() => fake.offerHistory({ conversations: [{ id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: 1_700_000_001_500 }], messages: archive(1_500) }));
    expect(await screen.findByText('Your history is here: 1,500 messages.', {}, { timeout: 20_000 })).toBeTruthy();
    expect(fake.calls.filter((call) => call.channel === 'history.importBatch').map((call) => call.request)).toEqual([
      { offset: 0, limit: 1000 },
      { offset: 1000, limit: 1000 },
    ]);
    expect(fake.calls.some((call) => call.channel === 'history.finishImport')).toBe(true);
    expect(await sessionDb().messages.count()).toBe(1_500);
    expect(await sessionDb().meta.get(HISTORY_IMPORT_POSITION)).toBeUndefined();
    const chats = screen.getByRole('navigation', { name: 'Chats' });
    await waitFor(() => expect(chats.textContent).toContain('old 1499'));
    // History is read: no unread badge for it.
    expect(within(chats).queryByText(/unread/)).toBeNull();

    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' });
    // The chat opens on the newest page of the history (the list draws that page's first rows here).
    await waitFor(() => expect(log.textContent).toMatch(/old 1[0-4]\d\d/));
  });

  it('shows a message the primary was still sending as being sent from there, with no Retry, until its transcript says it went', async () => {
    const { fake } = await renderApp({ contacts: [] });
    const waiting: HistoryMessage = { conversationId: 'dm:bob', messageId: 'still-queued', sender: 'alice', direction: 'out', body: 'on its way from the desk', timestamp: 1_700_000_000_000, status: 'sending' };
    act(() => fake.offerHistory({ conversations: [{ id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: 1_700_000_000_000 }], messages: [waiting] }));
    expect(await screen.findByText('Your history is here: 1 message.', {}, { timeout: 20_000 })).toBeTruthy();
    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' });
    const bubble = (await within(log).findByText('on its way from the desk')).closest('.message') as HTMLElement;
    expect(within(bubble).getByRole('img', { name: 'Being sent from your other device' })).toBeTruthy();
    expect(within(bubble).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(bubble).queryByRole('img', { name: 'Not sent' })).toBeNull();

    act(() => void fake.deliver(textFrom('alice', 'still-queued', 'on its way from the desk', { conversationId: 'dm:bob' })));
    await waitFor(() => expect(within(log).getByText('on its way from the desk').closest('.message')?.querySelector('[data-status]')?.getAttribute('data-status')).toBe('sent'));
    expect(within(log).getAllByText('on its way from the desk')).toHaveLength(1);
    expect(fake.sent).toEqual([]);
  });

  it('keeps unread what was unread on the primary; reading it here clears the badge and sends the read receipts', async () => {
    vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('visible');
    const { fake } = await renderApp({ contacts: [] });
    const message = (i: number, unread: boolean): HistoryMessage => ({ conversationId: 'dm:bob', messageId: `b${i}`, sender: 'bob', direction: 'in', body: `from bob ${i}`, timestamp: 1_700_000_000_000 + i, ...(unread ? { unread: true as const } : {}) });
    act(() => fake.offerHistory({ conversations: [{ id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: 1_700_000_000_003 }], messages: [message(1, false), message(2, true), message(3, true)] }));
    expect(await screen.findByText('Your history is here: 3 messages.', {}, { timeout: 20_000 })).toBeTruthy();
    const chats = screen.getByRole('navigation', { name: 'Chats' });
    expect(await within(chats).findByLabelText('2 unread')).toBeTruthy();

    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' });
    expect((await within(log).findByTestId('unread-divider')).textContent).toBe('2 unread messages');
    await waitFor(() => expect(fake.sent.filter((r) => r.content.kind === 'receipt' && r.content.receipt === 'read').flatMap((r) => (r.content.kind === 'receipt' ? r.content.messageIds : []))).toEqual(['b2', 'b3']));
    await waitFor(() => expect(within(chats).queryByLabelText(/unread/)).toBeNull());
    // The primary sent the delivered receipts long ago: none from here.
    expect(fake.sent.some((r) => r.content.kind === 'receipt' && r.content.receipt === 'delivered')).toBe(false);
  });

  it('shows a message the primary will not send after all as not sent, saying why, with no Retry here', async () => {
    const { fake } = await renderApp({ contacts: [] });
    const waiting: HistoryMessage = { conversationId: 'dm:bob', messageId: 'given-up', sender: 'alice', direction: 'out', body: 'never left the desk', timestamp: 1_700_000_000_000, status: 'sending' };
    act(() => fake.offerHistory({ conversations: [{ id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: 1_700_000_000_000 }], messages: [waiting] }));
    expect(await screen.findByText('Your history is here: 1 message.', {}, { timeout: 20_000 })).toBeTruthy();
    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' });
    expect(await within(log).findByRole('img', { name: 'Being sent from your other device' })).toBeTruthy();

    act(() => void fake.deliver(unsentFrom('alice', ['given-up'], 'failed', { conversationId: 'dm:bob' })));
    await waitFor(() => expect(within(log).getByText('Not sent: it could not be sent from your other device. You can retry it there.')).toBeTruthy());
    expect(within(log).getByText('never left the desk')).toBeTruthy();
    expect(within(log).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(log).queryByRole('img', { name: 'Being sent from your other device' })).toBeNull();
    expect(fake.sent).toEqual([]);
  });

  it('goes on from where a previous run stopped, and shows why history could not be used', async () => {
    const { fake, user } = await renderApp({ contacts: [] });
    await sessionDb().meta.put({ key: HISTORY_IMPORT_POSITION, value: { offset: 1000, total: 1_200 } });
    act(() => fake.offerHistory({ conversations: [{ id: 'dm:bob', title: 'bob', createdAt: 1, lastActivityAt: 2 }], messages: archive(1_200) }));
    expect(await screen.findByText('Your history is here: 1,200 messages.', {}, { timeout: 20_000 })).toBeTruthy();
    expect(fake.calls.filter((call) => call.channel === 'history.importBatch').map((call) => call.request)).toEqual([{ offset: 1000, limit: 1000 }]);
    expect(await sessionDb().messages.count()).toBe(200);
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/Your history is here/)).toBeNull();

    act(() => fake.setHistoryImport({ state: 'failed', message: 'chunk_tampered', text: { id: 'history.unusable', params: { cause: 'chunk_tampered' } } }));
    const failed = await screen.findByText('The history from your other device could not be used. The file was changed on the way, so Parley refused it.');
    expect(failed.closest('[data-history="failed"]')).toBeTruthy();
  });
});

describe('a contact linked a new device', () => {
  it('leaves one line in the chat with them, and none where there is no chat', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')] });
    await waitFor(async () => expect(await sessionDb().conversations.get('dm:bob')).toBeTruthy());
    act(() => {
      fake.emit('contacts.deviceLinked', { username: 'bob', device: 2, at: Date.now() });
      fake.emit('contacts.deviceLinked', { username: 'bob', device: 2, at: Date.now() });
      fake.emit('contacts.deviceLinked', { username: 'carol', device: 3, at: Date.now() });
    });
    await waitFor(() => expect(screen.getByRole('navigation', { name: 'Chats' }).textContent).toContain('bob linked a new device'));
    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' });
    await waitFor(() => expect(within(log).getAllByText('bob linked a new device')).toHaveLength(1));
    expect(await sessionDb().messages.count()).toBe(1);
    expect(await sessionDb().conversations.get('dm:carol')).toBeUndefined();
  });
});
