// Message actions on stored rows: peers' reactions, edits and deletes apply only as the rules allow (author, window,
// order), and this user's own apply at once and queue what the others must learn.
import { describe, expect, it } from 'vitest';
import { EDIT_WINDOW_MS } from '../../shared/conversations/messageRules';
import { freshDatabase, notedFileDeletions } from '../testing/db';
import { actionFrom, attachmentView, mediaFrom, textFrom } from '../testing/messages';
import { deleteMessage, editMessage, lastEditableMessage, toggleReaction } from './actions';
import type { ParleyDatabase } from './database';
import { storeReceived } from './incoming';
import { setExpiryTimer } from './expiry';
import { queueMediaMessage, queueTextMessage } from './outgoing';
import type { StoredMessage } from './rows';

const T = 1_700_000_000_000;
const titleOf = (id: string) => id.slice(3);
const receive = (db: ParleyDatabase, ...messages: Parameters<typeof storeReceived>[1]) => storeReceived(db, messages, 'alice', titleOf);
const row = async (db: ParleyDatabase, messageId: string, sender: string) =>
  (await db.messages.where('[conversationId+messageId+sender]').equals([`dm:${sender === 'alice' ? 'bob' : sender}`, messageId, sender]).first()) as StoredMessage;

describe("peers' actions", () => {
  it('applies an edit by the author within 24 hours, the newest edit winning, and nothing else', async () => {
    const db = freshDatabase();
    await receive(db, textFrom('bob', 'm1', 'helo', { sentAt: T, receivedAt: T + 1 }));
    await receive(db, actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'hello' }, { sentAt: T + 60_000 }));
    expect(await row(db, 'm1', 'bob')).toMatchObject({ body: 'hello', editedAt: T + 60_000 });
    // An older edit arriving late does not undo the newer one.
    await receive(db, actionFrom('bob', 'e0', { kind: 'edit', targetMessageId: 'm1', body: 'hel' }, { sentAt: T + 30_000 }));
    expect((await row(db, 'm1', 'bob')).body).toBe('hello');
    // Someone else cannot edit bob's message: the lookup is by author, so carol's edit finds nothing.
    await receive(db, actionFrom('carol', 'e2', { kind: 'edit', targetMessageId: 'm1', body: 'pwned' }, { conversationId: 'dm:bob', sentAt: T + 90_000 }));
    // Past the window: refused.
    await receive(db, actionFrom('bob', 'e3', { kind: 'edit', targetMessageId: 'm1', body: 'too late' }, { sentAt: T + EDIT_WINDOW_MS + 1 }));
    expect(await row(db, 'm1', 'bob')).toMatchObject({ body: 'hello', editedAt: T + 60_000 });
  });

  it('measures the window from when the original arrived if it claimed a later time', async () => {
    const db = freshDatabase();
    // bob claims his message was sent far in the future to keep it editable forever.
    await receive(db, textFrom('bob', 'm1', 'original', { sentAt: T + 10 * EDIT_WINDOW_MS, receivedAt: T }));
    await receive(db, actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'changed' }, { sentAt: T + 2 * EDIT_WINDOW_MS }));
    expect((await row(db, 'm1', 'bob')).body).toBe('original');
  });

  it('turns a message deleted for everyone into a tombstone: text, quote snippets of it, reactions and files gone', async () => {
    const db = freshDatabase();
    const file = attachmentView();
    await receive(db, mediaFrom('bob', 'm1', [file], 'secret plan', { sentAt: T }));
    await queueTextMessage(db, { conversationId: 'dm:bob', body: 'what plan?', me: 'alice', now: T + 1, messageId: 'a1', replyTo: await row(db, 'm1', 'bob') });
    expect((await row(db, 'a1', 'alice')).quote).toEqual({ messageId: 'm1', author: 'bob', text: 'secret plan' });
    await receive(db, actionFrom('alice', 'x1', { kind: 'reaction', targetMessageId: 'm1', targetAuthor: 'bob', emoji: '😮', remove: false }, { conversationId: 'dm:bob', sentAt: T + 2 }));
    await receive(db, actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'm1' }, { sentAt: T + 3 }));
    // Noted, in the same transaction, for main to delete its files.
    expect(await notedFileDeletions(db)).toEqual([{ conversationId: 'dm:bob', messageId: 'm1', sender: 'bob', files: [file.id] }]);

    const tombstone = await row(db, 'm1', 'bob');
    expect(tombstone.deleted).toBe(true);
    expect(JSON.stringify(tombstone)).not.toContain('secret');
    expect(tombstone.reactions).toBeUndefined();
    expect((await row(db, 'a1', 'alice')).quote).toEqual({ messageId: 'm1', author: 'bob', text: '' });
    expect(JSON.stringify(await db.messages.toArray())).not.toContain('secret plan');
    // A deleted message takes no more edits or reactions.
    await receive(db, actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'back' }, { sentAt: T + 4 }));
    await receive(db, actionFrom('carol', 'x2', { kind: 'reaction', targetMessageId: 'm1', targetAuthor: 'bob', emoji: '👍', remove: false }, { conversationId: 'dm:bob', sentAt: T + 5 }));
    expect(await row(db, 'm1', 'bob')).toEqual(tombstone);
  });

  it('keeps no snippet of a deleted message in a reply that arrives after the delete', async () => {
    const db = freshDatabase();
    await receive(db, textFrom('bob', 'm1', 'secret plan', { sentAt: T }));
    await receive(db, actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'm1' }, { sentAt: T + 1 }));
    // carol's reply was written before the delete reached her: it carries the old text.
    const late = textFrom('bob', 'm2', 'what plan?', { sentAt: T + 2 });
    await receive(db, { ...late, content: { kind: 'text', body: 'what plan?', quote: { messageId: 'm1', author: 'bob', text: 'secret plan' } } });
    expect((await row(db, 'm2', 'bob')).quote).toEqual({ messageId: 'm1', author: 'bob', text: '' });
    expect(JSON.stringify(await db.messages.toArray())).not.toContain('secret plan');
  });

  it('quotes the original as it is when the reply is sent: edited since, or deleted (no snippet)', async () => {
    const db = freshDatabase();
    await receive(db, textFrom('bob', 'm1', 'helo', { sentAt: T }), textFrom('bob', 'm2', 'secret plan', { sentAt: T }));
    const begunOn = [await row(db, 'm1', 'bob'), await row(db, 'm2', 'bob')] as const;
    await receive(db, actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'hello' }, { sentAt: T + 1 }));
    await receive(db, actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'm2' }, { sentAt: T + 1 }));
    const edited = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'hi', me: 'alice', now: T + 2, replyTo: begunOn[0] });
    const deleted = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'what plan?', me: 'alice', now: T + 3, replyTo: begunOn[1] });
    expect(edited.quote).toEqual({ messageId: 'm1', author: 'bob', text: 'hello' });
    expect(deleted.quote).toEqual({ messageId: 'm2', author: 'bob', text: '' });
    expect(JSON.stringify(await db.messages.toArray())).not.toContain('secret plan');
  });

  it('refuses a delete of someone else’s message or after the window', async () => {
    const db = freshDatabase();
    await receive(db, mediaFrom('bob', 'm1', [attachmentView()], 'stays', { sentAt: T }));
    await receive(db, actionFrom('carol', 'd1', { kind: 'delete', targetMessageId: 'm1' }, { conversationId: 'dm:bob', sentAt: T + 1 }));
    await receive(db, actionFrom('bob', 'd2', { kind: 'delete', targetMessageId: 'm1' }, { sentAt: T + EDIT_WINDOW_MS + 1 }));
    // Its files stay too.
    expect(await notedFileDeletions(db)).toEqual([]);
    expect(await row(db, 'm1', 'bob')).toMatchObject({ body: 'stays' });
    expect((await row(db, 'm1', 'bob')).deleted).toBeUndefined();
  });

  it('keeps one reaction per person: a new one replaces theirs, a removal takes it back, an older change is ignored', async () => {
    const db = freshDatabase();
    await receive(db, textFrom('bob', 'm1', 'news', { sentAt: T }));
    const react = (from: string, id: string, emoji: string, remove: boolean, sentAt: number) =>
      receive(db, actionFrom(from, id, { kind: 'reaction', targetMessageId: 'm1', targetAuthor: 'bob', emoji, remove }, { conversationId: 'dm:bob', sentAt }));
    await react('bob', 'r1', '👍', false, T + 1);
    await react('bob', 'r2', '❤️', false, T + 2);
    await react('bob', 'r0', '😂', false, T + 1);
    expect((await row(db, 'm1', 'bob')).reactions).toEqual({ bob: { emoji: '❤️', at: T + 2 } });
    // Removing an emoji that is not theirs now changes nothing; removing theirs clears it.
    await react('bob', 'r3', '👍', true, T + 3);
    expect(Object.keys((await row(db, 'm1', 'bob')).reactions ?? {})).toEqual(['bob']);
    await react('bob', 'r4', '❤️', true, T + 4);
    expect((await row(db, 'm1', 'bob')).reactions).toEqual({});
    // Actions never count as messages: nothing new to acknowledge, nothing unread.
    const outcome = await receive(db, actionFrom('bob', 'r5', { kind: 'reaction', targetMessageId: 'm1', targetAuthor: 'bob', emoji: '👍', remove: false }, { sentAt: T + 5 }));
    expect(outcome.stored).toEqual([]);
    expect(await db.messages.count()).toBe(1);
  });

  it('applies an action to a message earlier in the same batch', async () => {
    const db = freshDatabase();
    await receive(db, textFrom('bob', 'm1', 'typo', { sentAt: T }), actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'fixed' }, { sentAt: T + 1 }));
    expect((await row(db, 'm1', 'bob')).body).toBe('fixed');
  });

  it('stores a timer change as a system line and the conversation’s new timer; a text carries its own timer', async () => {
    const db = freshDatabase();
    await receive(db, actionFrom('bob', 't1', { kind: 'expiry_timer', seconds: 30 }, { sentAt: T }));
    expect(await db.conversations.get('dm:bob')).toMatchObject({ expireTimerSeconds: 30 });
    expect(await row(db, 't1', 'bob')).toMatchObject({ direction: 'system', timer: { seconds: 30 } });
    await receive(db, { ...textFrom('bob', 'm1', 'vanishing', { sentAt: T + 1 }), content: { kind: 'text', body: 'vanishing', expireTimerSeconds: 30 } });
    // Not read yet: its timer has not started.
    expect(await row(db, 'm1', 'bob')).toMatchObject({ expireTimerSeconds: 30 });
    expect((await row(db, 'm1', 'bob')).expiresAt).toBeUndefined();
  });

  it('takes the timer of a 1:1 message sent under another one, with the system line, unless the chat’s was set after it was sent', async () => {
    const db = freshDatabase();
    const timed = (messageId: string, seconds: number, sentAt: number, files = false) => {
      const base = textFrom('bob', messageId, messageId, { sentAt });
      const timer = seconds > 0 ? { expireTimerSeconds: seconds } : {};
      return { ...base, content: files ? { kind: 'media' as const, caption: messageId, attachments: [attachmentView()], ...timer } : { kind: 'text' as const, body: messageId, ...timer } };
    };
    const lines = async () =>
      (await db.messages.where('conversationId').equals('dm:bob').sortBy('seq')).map((m) => (m.direction === 'system' ? `timer ${m.timer?.seconds} by ${m.sender}` : `${m.messageId} ${m.expireTimerSeconds ?? 0}`));
    await receive(db, textFrom('bob', 'hi', 'hi', { sentAt: T }));
    // bob set 30 s and this device missed the change: his next message brings it.
    await receive(db, timed('first', 30, T + 10));
    expect(await db.conversations.get('dm:bob')).toMatchObject({ expireTimerSeconds: 30, expireTimerSetAt: T + 10 });
    // The same message again changes nothing.
    await receive(db, timed('first', 30, T + 10), timed('second', 30, T + 11, true));
    // alice changes it; a message bob sent before that does not undo her change.
    await setExpiryTimer(db, 'dm:bob', 'alice', 300, T + 20);
    await receive(db, timed('before', 30, T + 15, true));
    expect(await db.conversations.get('dm:bob')).toMatchObject({ expireTimerSeconds: 300 });
    // One sent after it, without a timer (files too), turns it off.
    await receive(db, timed('after', 0, T + 30, true));
    expect(await db.conversations.get('dm:bob')).toMatchObject({ expireTimerSeconds: 0, expireTimerSetAt: T + 30 });
    expect(await lines()).toEqual(['hi 0', 'timer 30 by bob', 'first 30', 'second 30', 'timer 300 by alice', 'before 30', 'timer 0 by bob', 'after 0']);

    // A group's timer is its admins' to set: a member's message under another timer leaves it.
    await receive(db, { ...textFrom('bob', 'g1', 'x', { conversationId: 'group:AAAAAAAAAAAAAAAAAAAAAA', sentAt: T + 40 }), content: { kind: 'text', body: 'x', expireTimerSeconds: 60 } });
    expect((await db.conversations.get('group:AAAAAAAAAAAAAAAAAAAAAA'))?.expireTimerSeconds).toBeUndefined();
    expect(await db.messages.where('conversationId').equals('group:AAAAAAAAAAAAAAAAAAAAAA').count()).toBe(1);
  });
});

describe('own actions', () => {
  async function sentMessage(db: ParleyDatabase, body = 'my text', now = T) {
    const message = await queueTextMessage(db, { conversationId: 'dm:bob', body, me: 'alice', now, messageId: `own-${now}` });
    await db.messages.update(message.seq, { status: 'sent' });
    await db.outbox.clear();
    return { ...message, status: 'sent' as const };
  }

  it('toggles this user’s reaction and queues each change for the others', async () => {
    const db = freshDatabase();
    await receive(db, textFrom('bob', 'm1', 'hi', { sentAt: T }));
    const target = await row(db, 'm1', 'bob');
    await toggleReaction(db, 'alice', target, '👍', T + 1);
    await toggleReaction(db, 'alice', target, '🙏', T + 2);
    expect((await row(db, 'm1', 'bob')).reactions).toEqual({ alice: { emoji: '🙏', at: T + 2 } });
    await toggleReaction(db, 'alice', target, '🙏', T + 3);
    expect((await row(db, 'm1', 'bob')).reactions).toEqual({});
    expect((await db.outbox.toArray()).map((item) => item.action)).toEqual([
      { kind: 'reaction', targetMessageId: 'm1', targetAuthor: 'bob', emoji: '👍', remove: false },
      { kind: 'reaction', targetMessageId: 'm1', targetAuthor: 'bob', emoji: '🙏', remove: false },
      { kind: 'reaction', targetMessageId: 'm1', targetAuthor: 'bob', emoji: '🙏', remove: true },
    ]);
  });

  it('edits an own sent message within the window (queued as an edit) and refuses after it', async () => {
    const db = freshDatabase();
    const message = await sentMessage(db);
    await editMessage(db, 'alice', message, 'my new text', T + 5);
    expect(await db.messages.get(message.seq)).toMatchObject({ body: 'my new text', editedAt: T + 5 });
    expect((await db.outbox.toArray()).map((item) => item.action)).toEqual([{ kind: 'edit', targetMessageId: message.messageId, body: 'my new text' }]);
    await expect(editMessage(db, 'alice', message, 'later', T + EDIT_WINDOW_MS + 1)).rejects.toMatchObject({ code: 'not_editable' });
    const theirs = await (async () => {
      await receive(db, textFrom('bob', 'b1', 'bob’s', { sentAt: T }));
      return row(db, 'b1', 'bob');
    })();
    await expect(editMessage(db, 'alice', theirs, 'nope', T + 1)).rejects.toMatchObject({ code: 'not_editable' });
  });

  it('changes a message not sent yet in place: the outbox sends the new text, no edit needed', async () => {
    const db = freshDatabase();
    const queued = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'draft', me: 'alice', now: T, messageId: 'q1' });
    await editMessage(db, 'alice', queued, 'final', T + 1);
    expect(await db.messages.get(queued.seq)).toMatchObject({ body: 'final', status: 'queued' });
    expect((await db.outbox.toArray()).map((item) => item.action)).toEqual([undefined]);
  });

  it('deletes for everyone (tombstone, a delete queued) or for this device only (the row is gone)', async () => {
    const db = freshDatabase();
    const first = await sentMessage(db, 'oops', T);
    const second = await sentMessage(db, 'mine only', T + 1);
    await deleteMessage(db, 'alice', first, true, T + 10);
    expect(await db.messages.get(first.seq)).toMatchObject({ deleted: true, body: '' });
    expect((await db.outbox.toArray()).map((item) => item.action)).toEqual([{ kind: 'delete', targetMessageId: first.messageId }]);
    await deleteMessage(db, 'alice', second, false, T + 11);
    expect(await db.messages.get(second.seq)).toBeUndefined();
    await expect(deleteMessage(db, 'alice', await sentMessage(db, 'old', T + 2), true, T + 2 + EDIT_WINDOW_MS + 1)).rejects.toMatchObject({ code: 'not_deletable' });
  });

  it('notes the files of an own message deleted for everyone or for this device, for main to delete; a text has none', async () => {
    const db = freshDatabase();
    const files = [attachmentView({ direction: 'outgoing', state: 'uploaded' }), attachmentView({ direction: 'outgoing', state: 'uploaded' })];
    const sent = async (messageId: string, attachments: typeof files) => {
      const message = await queueMediaMessage(db, { conversationId: 'dm:bob', caption: '', attachments, me: 'alice', now: T, messageId });
      await db.messages.update(message.seq, { status: 'sent' });
      return { ...message, status: 'sent' as const };
    };
    await deleteMessage(db, 'alice', await sent('p1', [files[0]!]), true, T + 1);
    await deleteMessage(db, 'alice', await sent('p2', [files[1]!]), false, T + 1);
    await deleteMessage(db, 'alice', await sentMessage(db, 'just words', T), false, T + 1);
    expect(await notedFileDeletions(db)).toEqual([
      { conversationId: 'dm:bob', messageId: 'p1', sender: 'alice', files: [files[0]!.id] },
      { conversationId: 'dm:bob', messageId: 'p2', sender: 'alice', files: [files[1]!.id] },
    ]);
  });

  it('notes the files of a message deleted before it was sent (main has them under no message yet)', async () => {
    const db = freshDatabase();
    const file = attachmentView({ direction: 'outgoing', state: 'uploading' });
    const queued = await queueMediaMessage(db, { conversationId: 'dm:bob', caption: 'never sent', attachments: [file], me: 'alice', now: T, messageId: 'q1' });
    await deleteMessage(db, 'alice', queued, false, T + 1);
    // Nothing goes to bob; only the notice for alice's other devices (see the next test).
    expect((await db.outbox.toArray()).map((row) => row.action?.kind)).toEqual(['unsent']);
    expect(await notedFileDeletions(db)).toEqual([{ conversationId: 'dm:bob', messageId: 'q1', sender: 'alice', files: [file.id] }]);
  });

  it('drops a message never sent from the outbox when it is deleted, telling only this user’s other devices it will not go', async () => {
    const db = freshDatabase();
    const queued = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'unsent', me: 'alice', now: T, messageId: 'q1' });
    await deleteMessage(db, 'alice', queued, true, T + 1);
    // Not a delete for bob (he never got it); the notice for alice's other devices, which may show it as being sent.
    expect((await db.outbox.toArray()).map((item) => item.action)).toEqual([{ kind: 'unsent', messageIds: ['q1'], reason: 'deleted' }]);
    expect(await db.messages.get(queued.seq)).toMatchObject({ deleted: true, body: '' });

    const forMe = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'unsent too', me: 'alice', now: T + 2, messageId: 'q2' });
    await deleteMessage(db, 'alice', forMe, false, T + 3);
    expect((await db.outbox.toArray()).map((item) => [item.messageId === 'q2', item.action?.kind, item.action?.kind === 'unsent' && item.action.messageIds])).toEqual([
      [false, 'unsent', ['q1']],
      [false, 'unsent', ['q2']],
    ]);
  });

  it('finds the last own message still editable (Up-arrow in an empty composer)', async () => {
    const db = freshDatabase();
    await sentMessage(db, 'older', T);
    const newest = await sentMessage(db, 'newest', T + 1);
    await receive(db, textFrom('bob', 'b1', 'theirs', { sentAt: T + 2 }));
    expect((await lastEditableMessage(db, 'dm:bob', 'alice', T + 3))?.messageId).toBe(newest.messageId);
    await deleteMessage(db, 'alice', newest, true, T + 4);
    expect((await lastEditableMessage(db, 'dm:bob', 'alice', T + 5))?.body).toBe('older');
    expect(await lastEditableMessage(db, 'dm:bob', 'alice', T + EDIT_WINDOW_MS + 10)).toBeUndefined();
  });
});

describe("the '@' mark follows edits and deletes", () => {
  const group = { conversationId: 'group:g1' };
  const mark = async (db: ParleyDatabase) => {
    const conversation = (await db.conversations.get('group:g1'))!;
    return (conversation.lastMentionSeq ?? 0) > conversation.lastReadSeq;
  };

  it('appears when an unread message is edited to name this user, and goes when that mention is edited or deleted away', async () => {
    const db = freshDatabase();
    await receive(db, textFrom('bob', 'm1', 'lunch?', group), textFrom('carol', 'm2', 'sure', group));
    expect(await mark(db)).toBe(false);
    await receive(db, actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'lunch @alice?' }, { ...group, sentAt: T + 1_000 }));
    expect(await mark(db)).toBe(true);
    await receive(db, actionFrom('bob', 'e2', { kind: 'edit', targetMessageId: 'm1', body: 'lunch anyone?' }, { ...group, sentAt: T + 2_000 }));
    expect(await mark(db)).toBe(false);

    // Two unread mentions: removing the newer one leaves the mark on the older; deleting that one clears it.
    await receive(db, textFrom('carol', 'm3', '@alice are you in?', group), textFrom('bob', 'm4', '@alice ping', group));
    await receive(db, actionFrom('bob', 'e3', { kind: 'edit', targetMessageId: 'm4', body: 'ping' }, { ...group, sentAt: T + 3_000 }));
    expect(await mark(db)).toBe(true);
    expect((await db.conversations.get('group:g1'))!.lastMentionSeq).toBe((await row3(db)).seq);
    await receive(db, actionFrom('carol', 'd1', { kind: 'delete', targetMessageId: 'm3' }, { ...group, sentAt: T + 4_000 }));
    expect(await mark(db)).toBe(false);
  });
});

async function row3(db: ParleyDatabase): Promise<StoredMessage> {
  return (await db.messages.where('[conversationId+messageId+sender]').equals(['group:g1', 'm3', 'carol']).first()) as StoredMessage;
}

