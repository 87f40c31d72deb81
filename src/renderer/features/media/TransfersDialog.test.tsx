// The transfers list: reached from the sidebar while something moves (and from Settings at any time), it lists the
// unfinished uploads and downloads main reports — also ones that began before the window — with progress,
// pause/resume and cancel, all by keyboard; a finished transfer leaves the list. Each names its chat and shows its
// message there on request.
import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureConversation } from '../../db/conversations';
import { fakeContact } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { attachmentView } from '../../testing/messages';
import { renderApp, resetApp } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

/** The first render can take seconds on a loaded machine. */
const LOADED = { timeout: 10_000 };

describe('transfers list', () => {
  it('lists unfinished uploads and downloads from the sidebar, with pause, resume and cancel by keyboard', async () => {
    const upload = attachmentView({ direction: 'outgoing', fileName: 'holiday.mov', kind: 'video', size: 300_000_000, total: 300_000_000, state: 'uploading', transferred: 75_000_000 });
    const download = attachmentView({ fileName: 'thesis.pdf', size: 50_000_000, total: 50_000_000, state: 'paused', transferred: 10_000_000 });
    const finished = attachmentView({ fileName: 'done.pdf', state: 'downloaded' });
    // main resumed these before the window opened: the renderer learns of them only by asking.
    const { user, fake } = await renderApp({});
    for (const view of [upload, download, finished]) fake.attachments.set(view.id, view);
    const sidebar = screen.getByRole('complementary');
    expect(within(sidebar).queryByRole('button', { name: /^Transfers/ })).toBeNull();
    act(() => fake.emit('media.changed', upload));
    const button = await within(sidebar).findByRole('button', { name: 'Transfers, 1 in progress' });

    button.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Transfers' });
    const sending = await within(dialog).findByRole('listitem', { name: 'Sending holiday.mov' });
    const receiving = await within(dialog).findByRole('listitem', { name: 'Receiving thesis.pdf' });
    expect(within(dialog).getAllByTestId('transfer-row')).toHaveLength(2);
    expect(within(sending).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    expect(within(receiving).getByText('Paused at 20%')).toBeTruthy();
    expect(within(sidebar).getByRole('button', { name: 'Transfers, 2 in progress' })).toBeTruthy();

    // Resume the download and pause the upload with the keyboard only.
    within(receiving).getByRole('button', { name: 'Resume' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(within(receiving).getByRole('button', { name: 'Pause' })).toBeTruthy());
    await user.tab({ shift: true });
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(within(sending).getByRole('button', { name: 'Pause' }));
    await user.keyboard(' ');
    expect(await within(sending).findByText(/^Paused at 25%/)).toBeTruthy();

    // The download finishes: it leaves the list. The upload is cancelled: the list is empty.
    act(() => fake.putAttachment({ ...fake.attachments.get(download.id)!, state: 'downloaded' }));
    await waitFor(() => expect(within(dialog).queryByRole('listitem', { name: 'Receiving thesis.pdf' })).toBeNull());
    await user.click(within(sending).getByRole('button', { name: 'Cancel' }));
    expect(await within(dialog).findByText('Nothing is uploading or downloading.')).toBeTruthy();
    expect(fake.calls.filter((call) => /^media\.(pause|resume|cancel)$/.test(call.channel)).map((call) => [call.channel, (call.request as { id: string }).id])).toEqual([
      ['media.resume', download.id],
      ['media.pause', upload.id],
      ['media.cancel', upload.id],
    ]);
    expect(within(sidebar).queryByRole('button', { name: /^Transfers/ })).toBeNull();
  });

  it('opens from Settings when nothing moves', async () => {
    const { user } = await renderApp({});
    await user.click(within(screen.getByRole('complementary')).getByRole('button', { name: 'Settings' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Settings' })).getByRole('button', { name: 'Show transfers' }));
    const dialog = await screen.findByRole('dialog', { name: 'Transfers' });
    expect(within(dialog).getByRole('status').textContent).toBe('Nothing is uploading or downloading.');
  });

  it('names the chat of each transfer and shows its message in the chat', async () => {
    const inGroup = { conversationId: 'group:AAAAAAAAAAAAAAAAAAAAAA', messageId: 'g1', sender: 'carol' };
    const photo = attachmentView({ kind: 'image', contentType: 'image/png', fileName: 'summit.png', state: 'downloading', transferred: 100, message: inGroup });
    const report = attachmentView({ direction: 'outgoing', fileName: 'report.pdf', state: 'uploading', message: { conversationId: 'dm:bob', messageId: 'o1', sender: 'alice' } });
    const trayed = attachmentView({ direction: 'outgoing', fileName: 'draft.pdf', state: 'uploading' });
    const filler = Array.from({ length: 40 }, (_, index) => ({ conversationId: 'dm:bob', messageId: `f${index}`, sender: 'bob', direction: 'in' as const, body: `older ${index}`, timestamp: index + 1 }));
    const { user, fake } = await renderApp({
      contacts: [fakeContact('bob')],
      seed: async (db) => {
        await ensureConversation(db, 'dm:bob', 'bob', 1);
        await ensureConversation(db, inGroup.conversationId, 'Summit', 1);
        await db.messages.add({ conversationId: 'dm:bob', messageId: 'o1', sender: 'alice', direction: 'out', body: 'the numbers', timestamp: 0, status: 'queued', attachments: [report] });
        await db.messages.bulkAdd(filler);
        await db.messages.add({ conversationId: inGroup.conversationId, messageId: 'g1', sender: 'carol', direction: 'in', body: 'view from the top', timestamp: 50, attachments: [photo] });
      },
    });
    for (const view of [photo, report, trayed]) fake.attachments.set(view.id, view);
    act(() => fake.emit('media.changed', photo));
    await user.click(await within(screen.getByRole('complementary')).findByRole('button', { name: /^Transfers, \d in progress$/ }, LOADED));
    const dialog = await screen.findByRole('dialog', { name: 'Transfers' });
    const sending = await within(dialog).findByRole('listitem', { name: 'Sending report.pdf' });
    await waitFor(() => expect(within(sending).getByText('To bob')).toBeTruthy());
    const receiving = await within(dialog).findByRole('listitem', { name: 'Receiving summit.png' });
    await waitFor(() => expect(within(receiving).getByText('From carol in Summit')).toBeTruthy());
    const waiting = await within(dialog).findByRole('listitem', { name: 'Sending draft.pdf' });
    expect(within(waiting).getByText('Not sent yet')).toBeTruthy();
    expect(within(waiting).queryByRole('button', { name: /in chat$/ })).toBeNull();

    // The report's message is the oldest of forty: the chat opens there, on it.
    await user.click(within(sending).getByRole('button', { name: 'Show report.pdf in chat' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Transfers' })).toBeNull());
    expect(await screen.findByRole('log', { name: 'Messages with bob' })).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent).toContain('the numbers'), LOADED);
  });
});
