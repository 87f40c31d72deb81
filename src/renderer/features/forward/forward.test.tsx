import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupView } from '../../../shared/ipc';
import type { ParleyDatabase } from '../../db/database';
import { ensureConversation, groupConversationId } from '../../db/conversations';
import { useChats } from '../../store/chats';
import { fakeContact, fakeGroupId } from '../../testing/fakeParley';
import { attachmentView } from '../../testing/messages';
import { useFakeLayout } from '../../testing/layout';
import { renderApp, resetApp } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

/** The machine running these may be loaded: state changes get longer than the default second. */
const patient = { timeout: 10_000 };

const club: GroupView = { groupId: fakeGroupId(1), name: 'Club', members: ['alice', 'bob', 'carol'], admins: ['alice'], createdBy: 'alice', active: true, approveNewMembers: false };
const clubId = groupConversationId(club.groupId);
const T = Date.UTC(2024, 2, 1, 10);

async function seed(db: ParleyDatabase) {
  await ensureConversation(db, 'dm:bob', 'bob', T);
  await ensureConversation(db, 'dm:carol', 'carol', T - 1000);
  await ensureConversation(db, 'dm:dave', 'dave', T - 2000);
  await ensureConversation(db, clubId, 'Club', T - 3000);
  await db.messages.add({ conversationId: 'dm:bob', messageId: 'b1', sender: 'bob', direction: 'in', body: 'the code is 4711', timestamp: T, receivedAt: T + 500 });
  await db.messages.add({ conversationId: clubId, messageId: 'g1', sender: 'alice', direction: 'out', body: 'who is coming?', timestamp: T + 1000, status: 'delivered' });
  await db.receipts.bulkAdd([
    { conversationId: clubId, messageId: 'g1', user: 'bob', kind: 'read', at: T + 5000 },
    { conversationId: clubId, messageId: 'g1', user: 'carol', kind: 'delivered', at: T + 3000 },
  ]);
}

async function bubble(conversationId: string, title: string, text: string): Promise<HTMLElement> {
  act(() => useChats.getState().select(conversationId));
  const log = await screen.findByRole('log', { name: `Messages with ${title}` }, { timeout: 10_000 });
  return (await within(log).findByText(text, {}, { timeout: 10_000 })).closest('.message') as HTMLElement;
}

describe('forward and message info', () => {
  it('forwards a message from its menu to a chat picked by keyboard, not to a blocked person, and opens that chat', async () => {
    const { user, fake } = await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol'), fakeContact('dave', { blocked: true })], groups: [club], seed });
    const message = await bubble('dm:bob', 'bob', 'the code is 4711');
    act(() => message.focus());
    await user.keyboard('{Enter}');
    await user.click(screen.getByRole('menuitem', { name: /Forward/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Forward message' }, patient);
    expect(within(dialog).getByText('the code is 4711')).toBeTruthy();
    const options = () => within(dialog).getAllByRole('option').map((option) => option.textContent?.replace(/^[A-Z]{2}/, ''));
    await waitFor(() => expect(options()).toEqual(['bob', 'carol', 'Club']), patient);
    await user.keyboard('car');
    await waitFor(() => expect(options()).toEqual(['carol']), patient);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), patient);
    expect(useChats.getState().selected).toBe('dm:carol');
    await waitFor(() => expect(fake.sent.find((request) => request.conversationId === 'dm:carol')?.content).toEqual({ kind: 'text', body: 'the code is 4711', forwarded: true }), patient);
    // The forward says so in its bubble.
    const forwarded = await bubble('dm:carol', 'carol', 'the code is 4711');
    expect(within(forwarded).getByText('Forwarded')).toBeTruthy();
  });

  it('forwards a message with files as copies main makes of them (same blobs), with the caption, marked forwarded', async () => {
    const photo = attachmentView({ kind: 'image', contentType: 'image/jpeg', fileName: 'dog.jpg', state: 'downloaded' });
    const { user, fake } = await renderApp({
      contacts: [fakeContact('bob'), fakeContact('carol')],
      groups: [club],
      seed: async (db) => {
        await seed(db);
        await db.messages.add({ conversationId: 'dm:bob', messageId: 'b2', sender: 'bob', direction: 'in', body: 'our dog', attachments: [photo], timestamp: T + 2000, receivedAt: T + 2500 });
      },
    });
    fake.putAttachment(photo);
    const message = await bubble('dm:bob', 'bob', 'our dog');
    act(() => message.focus());
    await user.keyboard('f');
    const dialog = await screen.findByRole('dialog', { name: 'Forward message' }, patient);
    // The chat list loads while the dialog opens: choose once carol is listed (Enter before that chooses nothing).
    await user.keyboard('carol');
    expect(await within(dialog).findByRole('option', { name: /carol/ }, patient)).toBeTruthy();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), patient);
    expect(dialog.isConnected).toBe(false);
    expect(fake.calls.filter((call) => call.channel === 'media.forward').map((call) => call.request)).toEqual([{ ids: [photo.id] }]);
    const sent = await waitFor(() => fake.sent.find((request) => request.conversationId === 'dm:carol')!.content, patient);
    expect(sent).toMatchObject({ kind: 'media', caption: 'our dog', forwarded: true });
    const copy = sent.kind === 'media' ? sent.attachmentIds[0] : undefined;
    expect(copy).toBeDefined();
    expect(copy).not.toBe(photo.id);
    expect(fake.attachments.get(copy!)?.fileName).toBe('dog.jpg');
    const forwarded = await bubble('dm:carol', 'carol', 'our dog');
    expect(within(forwarded).getByText('Forwarded')).toBeTruthy();
  });

  it('shows when an own group message was delivered to and read by each member (key I)', async () => {
    const { user } = await renderApp({ contacts: [fakeContact('bob'), fakeContact('carol')], groups: [club], seed });
    const message = await bubble(clubId, 'Club', 'who is coming?');
    act(() => message.focus());
    await user.keyboard('i');
    const dialog = await screen.findByRole('dialog', { name: 'Message info' }, patient);
    const rows = () =>
      within(dialog)
        .getAllByRole('row')
        .slice(1)
        .map((row) => [...row.children].map((cell) => cell.textContent?.split(' ')[0]));
    await waitFor(() =>
      expect(rows()).toEqual([
        ['bob', 'Read'],
        ['carol', 'Delivered'],
      ]),
    );
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), patient);
    expect(document.activeElement).toBe(message);
  });
});
