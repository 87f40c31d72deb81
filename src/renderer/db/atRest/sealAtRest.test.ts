import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshDatabase, testHistoryKeys } from '../../testing/db';
import { FAKE_HISTORY_KEY } from '../../testing/fakeParley';
import { markReadUpTo } from '../conversations';
import { ParleyDatabase, SCHEMA_V4 } from '../database';
import { saveDraft } from '../drafts';
import { queueTextMessage } from '../outgoing';
import { importHistoryKeys } from './historyKeys';
import { isSealed } from './sealAtRest';

const opened: Dexie[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

function track<T extends Dexie>(db: T): T {
  opened.push(db);
  return db;
}

/** The database as it is on disk: opened without the middleware (and without a schema). */
async function rawRows(name: string, table: string): Promise<Record<string, unknown>[]> {
  const raw = new Dexie(name);
  await raw.open();
  try {
    return (await raw.table(table).toArray()) as Record<string, unknown>[];
  } finally {
    raw.close();
  }
}

/** Everything a row holds, as text, including the bytes of sealed fields read as Latin-1. */
function rowText(rows: Record<string, unknown>[]): string {
  return JSON.stringify(rows, (_key, value: unknown) => (value instanceof Uint8Array ? String.fromCharCode(...value) : value));
}

describe('history sealed at rest', () => {
  it('keeps only indexed fields in clear: bodies, titles and drafts are sealed, and read back as written', async () => {
    const db = track(freshDatabase());
    const row = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'the walrus sings at midnight', me: 'alice', now: 1_000 });
    await db.conversations.update('dm:bob', { title: 'Bob Secretname' });
    await saveDraft(db, 'dm:bob', 'a draft about pelicans');

    const messages = await rawRows(db.name, 'messages');
    expect(messages).toHaveLength(1);
    expect(isSealed(messages[0])).toBe(true);
    expect(Object.keys(messages[0]!).sort()).toEqual(['conversationId', 'direction', 'messageId', 'sealed', 'sender', 'seq']);
    const everything = rowText([...messages, ...(await rawRows(db.name, 'conversations')), ...(await rawRows(db.name, 'drafts')), ...(await rawRows(db.name, 'outbox'))]);
    for (const secret of ['walrus', 'Secretname', 'pelicans', 'queued']) expect(everything).not.toContain(secret);

    expect(await db.messages.get(row.seq)).toEqual(row);
    expect(await db.drafts.get('dm:bob')).toEqual({ conversationId: 'dm:bob', text: 'a draft about pelicans' });
    expect((await db.conversations.get('dm:bob'))?.title).toBe('Bob Secretname');
  });

  it('reads through every path Dexie has: ranges, keys, bulk gets, cursors with filters, modify', async () => {
    const db = track(freshDatabase());
    for (const [index, body] of ['one', 'two', 'three'].entries()) {
      await queueTextMessage(db, { conversationId: 'dm:bob', body, me: 'alice', now: index + 1, messageId: `m${index}` });
    }
    const range = await db.messages.where('[conversationId+seq]').between(['dm:bob', Dexie.minKey], ['dm:bob', Dexie.maxKey]).toArray();
    expect(range.map((message) => message.body)).toEqual(['one', 'two', 'three']);
    // anyOf and filter walk a cursor: each row is opened before the reader sees it.
    const some = await db.messages.where('[conversationId+messageId+sender]').anyOf([['dm:bob', 'm0', 'alice'], ['dm:bob', 'm2', 'alice']]).toArray();
    expect(some.map((message) => message.body)).toEqual(['one', 'three']);
    expect((await db.messages.filter((message) => message.body.startsWith('t')).toArray()).map((message) => message.body)).toEqual(['two', 'three']);
    const each: string[] = [];
    await db.messages.each((message) => void each.push(message.body));
    expect(each).toEqual(['one', 'two', 'three']);
    expect((await db.messages.bulkGet([1, 3])).map((message) => message?.body)).toEqual(['one', 'three']);
    await db.messages.where('[conversationId+seq]').between(['dm:bob', 2], ['dm:bob', Dexie.maxKey]).modify({ status: 'sent' });
    expect((await db.messages.toArray()).map((message) => message.status)).toEqual(['queued', 'sent', 'sent']);
    expect((await db.messages.orderBy('seq').last())?.body).toBe('three');
  });

  it('awaits its encryption inside transactions that read and write several times', async () => {
    const db = track(freshDatabase());
    await db.conversations.add({ id: 'dm:bob', kind: 'dm', title: 'bob', lastActivityAt: 1, lastReadSeq: 0, createdAt: 1 });
    await db.messages.bulkAdd([1, 2, 3].map((n) => ({ conversationId: 'dm:bob', messageId: `m${n}`, sender: 'bob', direction: 'in' as const, body: `hello ${n}`, timestamp: n })));
    const read = await markReadUpTo(db, 'dm:bob', 2);
    expect(read.map((message) => message.body)).toEqual(['hello 1', 'hello 2']);
    await db.transaction('rw', db.messages, db.conversations, async () => {
      const conversation = await db.conversations.get('dm:bob');
      const last = await db.messages.orderBy('seq').last();
      await db.messages.add({ conversationId: 'dm:bob', messageId: 'm4', sender: 'bob', direction: 'in', body: `after ${last?.body}`, timestamp: 4 });
      await db.conversations.update('dm:bob', { title: `${conversation?.title} (4)` });
    });
    expect((await db.messages.orderBy('seq').last())?.body).toBe('after hello 3');
    expect((await db.conversations.get('dm:bob'))?.title).toBe('bob (4)');
  });

  it('writes rows sealed ahead as they were sealed, without encrypting inside the transaction, and freezes them', async () => {
    const db = track(freshDatabase());
    const rows = [1, 2, 3].map((n) => ({ conversationId: 'dm:bob', messageId: `m${n}`, sender: 'bob', direction: 'in' as const, body: `sealed ahead ${n}`, timestamp: n, quotedId: `q${n}` }));
    const encrypt = vi.spyOn(crypto.subtle, 'encrypt');
    await db.sealAhead(db.messages, rows);
    expect(encrypt).toHaveBeenCalledTimes(3);
    expect(Object.isFrozen(rows[0])).toBe(true);
    expect(() => ((rows[0] as { body: string }).body = 'changed after sealing')).toThrow(TypeError);
    encrypt.mockClear();
    const seqs = await db.transaction('rw', db.messages, () => db.messages.bulkAdd(rows, { allKeys: true }));
    expect(encrypt).not.toHaveBeenCalled();
    const raw = await rawRows(db.name, 'messages');
    expect(raw.every(isSealed)).toBe(true);
    expect(Object.keys(raw[0]!).sort()).toEqual(['conversationId', 'direction', 'messageId', 'quotedId', 'sealed', 'sender', 'seq']);
    expect(rowText(raw)).not.toContain('sealed ahead');
    expect(await db.messages.bulkGet(seqs)).toEqual(rows.map((row, index) => ({ ...row, seq: seqs[index] })));

    // Sealed for one table, a row written to another is sealed again, for that one (its name is the associated data).
    const other = { key: 'moved', value: 'sealed for messages' };
    await db.sealAhead(db.messages, [other]);
    encrypt.mockClear();
    await db.meta.put(other);
    expect(encrypt).toHaveBeenCalledTimes(1);
    expect(await db.meta.get('moved')).toEqual(other);
    encrypt.mockRestore();
  });

  it('opens rows this page sealed or opened from its cache: no decryption, no wait inside the transaction', async () => {
    const db = track(freshDatabase());
    await db.conversations.add({ id: 'dm:bob', kind: 'dm', title: 'Bob Cached', lastActivityAt: 1, lastReadSeq: 0, createdAt: 1 });
    const rows = [1, 2, 3].map((n) => ({ conversationId: 'dm:bob', messageId: `m${n}`, sender: 'bob', direction: 'in' as const, body: `cached ${n}`, timestamp: n }));
    await db.sealAhead(db.messages, rows);
    const seqs = await db.messages.bulkAdd(rows, { allKeys: true });
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    // awaitInTransaction keeps a transaction open with counts of a key no store uses while WebCrypto works.
    const count = vi.spyOn(IDBObjectStore.prototype, 'count');
    let spins = -1;
    const read = await db.transaction('rw', db.conversations, db.messages, async () => {
      const conversation = await db.conversations.get('dm:bob');
      const some = await db.messages.bulkGet([seqs[0]!, seqs[2]!]);
      const range = await db.messages.where('[conversationId+seq]').between(['dm:bob', Dexie.minKey], ['dm:bob', Dexie.maxKey]).toArray();
      const walked: string[] = [];
      await db.messages.each((message) => void walked.push(message.body));
      spins = count.mock.calls.filter(([key]) => key === -Infinity).length;
      // A write after reads that waited for nothing still lands in the same transaction.
      await db.conversations.update('dm:bob', { title: `${conversation?.title} (read)` });
      return { title: conversation?.title, some: some.map((message) => message?.body), range: range.map((message) => message.body), walked };
    });
    count.mockRestore();
    expect(read).toEqual({ title: 'Bob Cached', some: ['cached 1', 'cached 3'], range: ['cached 1', 'cached 2', 'cached 3'], walked: ['cached 1', 'cached 2', 'cached 3'] });
    expect(decrypt).not.toHaveBeenCalled();
    expect(spins).toBe(0);
    expect((await db.conversations.get('dm:bob'))?.title).toBe('Bob Cached (read)');
    expect(decrypt).not.toHaveBeenCalled();

    // The cache is per key: the same bytes imported again are another key, whose reads decrypt (and then are cached).
    db.close();
    const again = track(new ParleyDatabase(db.name, importHistoryKeys(Uint8Array.from(atob(FAKE_HISTORY_KEY), (char) => char.charCodeAt(0)))));
    expect((await again.messages.toArray()).map((message) => message.body)).toEqual(['cached 1', 'cached 2', 'cached 3']);
    expect(decrypt).toHaveBeenCalledTimes(3);
    expect((await again.messages.toArray()).map((message) => message.body)).toEqual(['cached 1', 'cached 2', 'cached 3']);
    expect(decrypt).toHaveBeenCalledTimes(3);
    decrypt.mockRestore();
  });

  it('does not open rows with another key', async () => {
    const db = track(freshDatabase());
    await queueTextMessage(db, { conversationId: 'dm:bob', body: 'for alice only', me: 'alice' });
    db.close();
    const other = track(new ParleyDatabase(db.name, importHistoryKeys(crypto.getRandomValues(new Uint8Array(32)))));
    await expect(other.messages.toArray()).rejects.toThrow();
  });

  it('v4 → v5 seals every plaintext row of every table, and the history reads the same', async () => {
    const name = `seal-legacy-${Math.random().toString(36).slice(2)}`;
    const v4 = track(new Dexie(name));
    v4.version(4).stores(SCHEMA_V4);
    await v4.open();
    await v4.table('conversations').add({ id: 'dm:bob', kind: 'dm', title: 'Bob Legacy', lastActivityAt: 2, lastReadSeq: 1, createdAt: 1 });
    await v4.table('messages').bulkAdd(
      Array.from({ length: 1_203 }, (_, n) => ({ conversationId: 'dm:bob', messageId: `m${n}`, sender: 'bob', direction: 'in', body: `old plaintext ${n}`, timestamp: n })),
    );
    await v4.table('drafts').add({ conversationId: 'dm:bob', text: 'legacy draft' });
    await v4.table('receipts').add({ conversationId: 'dm:bob', messageId: 'm1', user: 'bob', kind: 'read', at: 5 });
    v4.close();

    const db = track(new ParleyDatabase(name, testHistoryKeys()));
    await db.open();
    for (const table of ['messages', 'conversations', 'drafts', 'receipts']) {
      const rows = await rawRows(name, table);
      expect(rows.every(isSealed), table).toBe(true);
      expect(rowText(rows)).not.toMatch(/plaintext|Legacy|legacy draft|read/);
    }
    const messages = await db.messages.orderBy('seq').toArray();
    expect(messages).toHaveLength(1_203);
    expect(messages[1_202]?.body).toBe('old plaintext 1202');
    expect((await db.conversations.get('dm:bob'))?.title).toBe('Bob Legacy');
    expect((await db.receipts.toArray())[0]?.kind).toBe('read');
  });
});
