import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAppSettings } from '../../store/appSettings';
import { useChats } from '../../store/chats';
import { fakeContact, type FakeParley } from '../../testing/fakeParley';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';
import { muteStatus } from './MuteSetting';
import { unreadTitle } from './useUnreadBadge';

interface Shown {
  title: string;
  body?: string;
  dir?: string;
  tag?: string;
  onclick: (() => void) | null;
  closed: boolean;
}
let shown: Shown[];
let focused: boolean;

beforeEach(() => {
  shown = [];
  focused = true;
  class RecordingNotification {
    static permission = 'granted';
    onclick: (() => void) | null = null;
    closed = false;
    constructor(title: string, options: NotificationOptions = {}) {
      shown.push(Object.assign(this, { title, body: options.body, dir: options.dir, tag: options.tag }) as unknown as Shown);
    }
    close() {
      this.closed = true;
    }
  }
  vi.stubGlobal('Notification', RecordingNotification);
  vi.spyOn(document, 'hasFocus').mockImplementation(() => focused);
});
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  useAppSettings.setState({ settings: null });
  await resetApp();
});

let sequence = 0;
function message(fake: FakeParley, from: string, body: string, conversationId = `dm:${from}`) {
  act(() => {
    fake.deliver({ conversationId, messageId: `m${++sequence}`, sender: { user: from, device: 1 }, sentAt: Date.now(), content: { kind: 'text', body } });
  });
}

const contacts = [fakeContact('bob'), fakeContact('carol')];

describe('new-message notifications', () => {
  it('notify for a chat that is not on screen, with name and text, and open that chat when clicked', async () => {
    const { fake } = await renderApp({ contacts });
    act(() => useChats.getState().select('dm:carol'));
    message(fake, 'bob', 'Are we still on for tonight?');
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatchObject({ title: '\u2068bob\u2069', body: 'Are we still on for tonight?', dir: 'auto', tag: 'dm:bob' });
    act(() => shown[0]!.onclick!());
    expect(useChats.getState().selected).toBe('dm:bob');
    await waitFor(() => expect(fake.windowShown).toBe(1));
  });

  it('name a sender who shared a profile by their profile name', async () => {
    const { fake } = await renderApp({ contacts });
    act(() => useChats.getState().select('dm:carol'));
    act(() => void fake.shareProfile({ username: 'bob', name: 'Robert', avatar: null }));
    message(fake, 'bob', 'hi');
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatchObject({ title: '\u2068Robert\u2069', body: 'hi' });
  });

  it('stay silent for the chat on screen while the window has focus, and speak up once it does not', async () => {
    const { fake } = await renderApp({ contacts });
    act(() => useChats.getState().select('dm:bob'));
    message(fake, 'bob', 'seen it');
    await waitFor(() => expect(fake.committed).toHaveLength(1));
    expect(shown).toHaveLength(0);
    focused = false;
    message(fake, 'bob', 'back in a minute');
    await waitFor(() => expect(shown).toHaveLength(1));
  });

  it('show what the preview setting allows', async () => {
    const { fake } = await renderApp({ contacts, settings: { notificationPreview: 'name-only' } });
    message(fake, 'bob', 'the secret plan');
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatchObject({ title: '\u2068bob\u2069', body: 'New message' });
    await act(() => useAppSettings.getState().update({ notificationPreview: 'nothing' }));
    message(fake, 'carol', 'another secret');
    await waitFor(() => expect(shown).toHaveLength(2));
    expect(shown[1]).toMatchObject({ title: 'Parley', body: 'New message' });
    expect(JSON.stringify(shown)).not.toContain('secret');
  });

  it('keep right-to-left text as it is, for the system to lay out (dir auto)', async () => {
    const { fake } = await renderApp({ contacts });
    message(fake, 'bob', 'שלום! מה שלומך?');
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatchObject({ body: 'שלום! מה שלומך?', dir: 'auto' });
  });

  it('never come from a muted chat; muting and unmuting from the chat\'s info dialog', async () => {
    const { fake, user } = await renderApp({ contacts });
    // The session makes contacts' chats at start; a mute before that is refused (said in the dialog), not dropped.
    await waitFor(async () => expect(await sessionDb().conversations.get('dm:bob')).toBeDefined());
    act(() => useChats.getState().select('dm:bob'));
    await user.click(await screen.findByRole('button', { name: 'Contact info for bob' }));
    const info = await screen.findByRole('dialog');
    await user.click(within(info).getByRole('button', { name: 'Mute for 8 hours' }));
    await waitFor(async () => expect(typeof (await sessionDb().conversations.get('dm:bob'))?.mutedUntil).toBe('number'));
    expect(await within(info).findByText(/^Muted until /)).toBeTruthy();
    act(() => useChats.getState().select('dm:carol'));
    message(fake, 'bob', 'muted, so quiet');
    await waitFor(() => expect(fake.committed).toHaveLength(1));
    expect(shown).toHaveLength(0);
    act(() => useChats.getState().select('dm:bob'));
    await user.click(await screen.findByRole('button', { name: 'Contact info for bob' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Unmute' }));
    await waitFor(async () => expect((await sessionDb().conversations.get('dm:bob'))?.mutedUntil).toBeUndefined());
    act(() => useChats.getState().select('dm:carol'));
    message(fake, 'bob', 'loud again');
    await waitFor(() => expect(shown).toHaveLength(1));
  });

  it('describe a mute in words', () => {
    const now = new Date(2026, 4, 1, 9, 0).getTime();
    expect(muteStatus(null, now)).toBe('Notifications are on.');
    expect(muteStatus('always', now)).toMatch(/^Muted\./);
    expect(muteStatus(now + 3_600_000, now)).toMatch(/^Muted until \d\d:\d\d/);
    expect(muteStatus(now - 1, now)).toBe('Notifications are on.');
  });
});

describe('the unread badge', () => {
  it('reports the unread total of chats that are neither muted nor archived, and shows it in the title', async () => {
    const { fake } = await renderApp({ contacts });
    act(() => useChats.getState().select(null));
    message(fake, 'bob', 'one');
    message(fake, 'bob', 'two');
    message(fake, 'carol', 'three');
    await waitFor(() => expect(fake.unreadCount).toBe(3));
    expect(document.title).toBe('(3) Parley');
    await act(() => sessionDb().conversations.update('dm:bob', { mutedUntil: 'always' }));
    await waitFor(() => expect(fake.unreadCount).toBe(1));
    // An archived chat is out of sight and out of the count too (as in Signal).
    await act(() => sessionDb().conversations.update('dm:carol', { archived: true }));
    await waitFor(() => expect(fake.unreadCount).toBe(0));
    expect(document.title).toBe('Parley');
    expect(unreadTitle(0)).toBe('Parley');
    expect(unreadTitle(5000)).toBe('(999+) Parley');
  });
});
