// A reaction, edit or delete that arrives before the message it names waits for it — bounded, expiring — and is
// applied under the usual rules when the message is stored.
import { describe, expect, it } from 'vitest';
import { freshDatabase, notedFileDeletions } from '../testing/db';
import { actionFrom, attachmentView, mediaFrom, textFrom } from '../testing/messages';
import type { ParleyDatabase } from './database';
import { EARLY_ACTION_TTL_MS, EARLY_ACTIONS_KEPT } from './earlyActions';
import { storeReceived } from './incoming';
import type { StoredMessage } from './rows';

const T = 1_700_000_000_000;
const titleOf = (id: string) => id.slice(3);
const receive = (db: ParleyDatabase, ...messages: Parameters<typeof storeReceived>[1]) => storeReceived(db, messages, 'alice', titleOf);
const row = async (db: ParleyDatabase, messageId: string) =>
  (await db.messages.where('[conversationId+messageId+sender]').equals(['dm:bob', messageId, 'bob']).first()) as StoredMessage;
const reaction = (id: string, target: string, emoji: string, at: number) =>
  actionFrom('bob', id, { kind: 'reaction', targetMessageId: target, targetAuthor: 'bob', emoji, remove: false }, { sentAt: at, receivedAt: at });

describe('actions that arrive before their message', () => {
  it('applies a reaction once its message arrives', async () => {
    const db = freshDatabase();
    await receive(db, reaction('r1', 'm1', '🎉', T + 1));
    expect(await db.messages.count()).toBe(0);
    await receive(db, textFrom('bob', 'm1', 'we won', { sentAt: T, receivedAt: T + 2 }));
    expect((await row(db, 'm1')).reactions).toEqual({ bob: { emoji: '🎉', at: T + 1 } });
    expect(await db.earlyActions.count()).toBe(0);
  });

  it('applies an edit once its message arrives, and announces the edited text', async () => {
    const db = freshDatabase();
    await receive(db, actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'see you at 8' }, { sentAt: T + 60_000, receivedAt: T + 60_000 }));
    const outcome = await receive(db, textFrom('bob', 'm1', 'see you at 7', { sentAt: T, receivedAt: T + 61_000 }));
    expect(await row(db, 'm1')).toMatchObject({ body: 'see you at 8', editedAt: T + 60_000 });
    expect(outcome.stored.map((message) => message.content)).toEqual([{ kind: 'text', body: 'see you at 8' }]);
  });

  it('applies a delete once its message arrives: stored as a tombstone, never announced', async () => {
    const db = freshDatabase();
    await receive(db, actionFrom('bob', 'd1', { kind: 'delete', targetMessageId: 'm1' }, { sentAt: T + 1, receivedAt: T + 1 }));
    const file = attachmentView();
    const outcome = await receive(db, mediaFrom('bob', 'm1', [file], 'wrong chat, sorry', { sentAt: T, receivedAt: T + 2 }));
    expect(await row(db, 'm1')).toMatchObject({ deleted: true, body: '' });
    expect(outcome.stored).toEqual([]);
    // Its files go too: noted for main in the transaction that stored the tombstone.
    expect(await notedFileDeletions(db)).toEqual([{ conversationId: 'dm:bob', messageId: 'm1', sender: 'bob', files: [file.id] }]);
    expect(JSON.stringify(await db.messages.toArray())).not.toContain('wrong chat');
  });

  it('applies an action that came earlier in the same batch', async () => {
    const db = freshDatabase();
    await receive(db, actionFrom('bob', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'fixed' }, { sentAt: T + 1 }), textFrom('bob', 'm1', 'typo', { sentAt: T }));
    expect((await row(db, 'm1')).body).toBe('fixed');
  });

  it('still holds them to the rules: another person’s edit of the message does nothing', async () => {
    const db = freshDatabase();
    await receive(db, actionFrom('carol', 'e1', { kind: 'edit', targetMessageId: 'm1', body: 'pwned' }, { conversationId: 'dm:bob', sentAt: T + 1 }));
    await receive(db, textFrom('bob', 'm1', 'mine', { sentAt: T }));
    expect(await row(db, 'm1')).toMatchObject({ body: 'mine' });
    expect((await row(db, 'm1')).editedAt).toBeUndefined();
    expect(await db.earlyActions.count()).toBe(0);
  });

  it('forgets an action whose message comes more than a day later', async () => {
    const db = freshDatabase();
    await receive(db, reaction('r1', 'm1', '👍', T));
    await receive(db, textFrom('bob', 'm1', 'late', { sentAt: T, receivedAt: T + EARLY_ACTION_TTL_MS + 1 }));
    expect((await row(db, 'm1')).reactions).toBeUndefined();
    expect(await db.earlyActions.count()).toBe(0);
    // And expired ones are dropped as new ones come, targets or not.
    await receive(db, reaction('r2', 'm2', '👍', T));
    await receive(db, reaction('r3', 'm3', '👍', T + EARLY_ACTION_TTL_MS + 1));
    expect((await db.earlyActions.toArray()).map((kept) => kept.targetMessageId)).toEqual(['m3']);
  });

  it(`keeps at most ${EARLY_ACTIONS_KEPT}, dropping the oldest`, async () => {
    const db = freshDatabase();
    const count = EARLY_ACTIONS_KEPT + 1;
    await receive(db, ...Array.from({ length: count }, (_, index) => reaction(`r${index}`, `m${index}`, '👍', T + index)));
    expect(await db.earlyActions.count()).toBe(EARLY_ACTIONS_KEPT);
    await receive(db, textFrom('bob', 'm0', 'first', { sentAt: T, receivedAt: T + count }), textFrom('bob', `m${count - 1}`, 'last', { sentAt: T, receivedAt: T + count }));
    expect((await row(db, 'm0')).reactions).toBeUndefined();
    expect((await row(db, `m${count - 1}`)).reactions).toEqual({ bob: { emoji: '👍', at: T + count - 1 } });
  }, 60_000);
});
