// Messages this version cannot show: one from a newer Parley is stored with its content kept and shown as needing
// a newer version; one that arrived broken is shown as unreadable. Both are committed (acked) only once stored.
import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useChats } from '../../store/chats';
import { fakeContact } from '../../testing/fakeParley';
import { useFakeLayout } from '../../testing/layout';
import { renderApp, resetApp, sessionDb } from '../../testing/renderApp';

useFakeLayout();
afterEach(() => resetApp());

const base = { conversationId: 'dm:bob', sender: { user: 'bob', device: 1 }, sentAt: Date.UTC(2024, 2, 1, 10) };

describe('messages this version cannot show', () => {
  it('keeps a newer version’s message, says it needs a newer Parley, and commits it only after storing it', async () => {
    const { fake } = await renderApp({ contacts: [fakeContact('bob')] });
    const kept = fake.deliver({ ...base, messageId: 'future-1', content: { kind: 'unsupported', version: 2, wire: 'CgZmdXR1cmU=' } });
    const broken = fake.deliver({ ...base, messageId: 'relay-id-1', content: { kind: 'unreadable', reason: 'malformed' } });

    await waitFor(() => expect(fake.committed).toEqual(expect.arrayContaining([kept.inboxId, broken.inboxId])));
    const rows = await sessionDb().messages.where('conversationId').equals('dm:bob').toArray();
    expect(rows.map((row) => [row.messageId, row.notice, row.keptContent])).toEqual([
      ['future-1', 'needs_newer_version', { version: 2, wire: 'CgZmdXR1cmU=' }],
      ['relay-id-1', 'unreadable', undefined],
    ]);
    // It was delivered, kept: the sender may see its tick move on.
    await waitFor(() => expect(fake.sent.some((r) => r.content.kind === 'receipt' && r.content.messageIds.includes('future-1'))).toBe(true));

    await waitFor(() => expect(screen.getByRole('navigation', { name: 'Chats' }).textContent).toContain('Message that could not be read'));
    act(() => useChats.getState().select('dm:bob'));
    const log = await screen.findByRole('log', { name: 'Messages with bob' });
    const notes = await within(log).findAllByRole('note');
    expect(notes.map((note) => note.textContent)).toEqual([
      'This message needs a newer version of Parley.',
      'This message could not be read: it arrived damaged.',
    ]);
  });
});
