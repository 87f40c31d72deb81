import { describe, expect, it } from 'vitest';
import { markReadUpTo } from '../db/conversations';
import type { ParleyDatabase } from '../db/database';
import { storeReceived } from '../db/incoming';
import { IpcError } from '../ipc';
import { freshDatabase } from '../testing/db';
import { textFrom } from '../testing/messages';
import type { SendMessageRequestInput } from './outbox/sendTypes';
import { MAX_IDS_PER_RECEIPT, ReceiptWorker } from './ReceiptWorker';

type Receipt = { conversationId: string; receipt: string; messageIds: string[] };

/** A messages.send that records receipts, and fails while `down` is set (as main does with the relay down). */
function fakeSend() {
  const receipts: Receipt[] = [];
  const state = { down: false as boolean | IpcError };
  const send = async (request: SendMessageRequestInput) => {
    await Promise.resolve();
    if (state.down) throw state.down instanceof IpcError ? state.down : new IpcError('offline', 'The relay is not connected.', true);
    if (request.content.kind === 'receipt') {
      receipts.push({ conversationId: request.conversationId, receipt: request.content.receipt, messageIds: [...request.content.messageIds] });
    }
    return { messageId: request.messageId, sentAt: 1 };
  };
  return { receipts, state, send };
}

async function receive(db: ParleyDatabase, from: string, ids: string[]): Promise<number[]> {
  await storeReceived(db, ids.map((id) => textFrom(from, id, `body ${id}`)), 'alice', () => from);
  return (await db.messages.where('conversationId').equals(`dm:${from}`).primaryKeys()) as number[];
}

describe('the receipt worker', () => {
  it('sends delivered receipts for what was stored and read receipts for what was read, once each', async () => {
    const db = freshDatabase();
    const { receipts, send } = fakeSend();
    const worker = new ReceiptWorker({ db, send });
    worker.setOnline(true);
    const seqs = await receive(db, 'bob', ['a', 'b', 'c']);
    worker.poke('dm:bob');
    await worker.whenIdle();
    expect(receipts).toEqual([{ conversationId: 'dm:bob', receipt: 'delivered', messageIds: ['a', 'b', 'c'] }]);
    await markReadUpTo(db, 'dm:bob', seqs[1]!);
    worker.poke('dm:bob');
    worker.poke('dm:bob');
    await worker.whenIdle();
    expect(receipts.slice(1)).toEqual([{ conversationId: 'dm:bob', receipt: 'read', messageIds: ['a', 'b'] }]);
    worker.poke('dm:bob');
    await worker.whenIdle();
    expect(receipts).toHaveLength(2);
  });

  it('keeps what was read while the relay was down, coalesced, and sends it when the connection is back', async () => {
    const db = freshDatabase();
    const { receipts, state, send } = fakeSend();
    const worker = new ReceiptWorker({ db, send });
    worker.setOnline(true);
    const seqs = await receive(db, 'bob', ['a', 'b', 'c', 'd']);
    worker.poke('dm:bob');
    await worker.whenIdle();
    receipts.length = 0;

    // The connection drops; the user reads in three steps.
    state.down = true;
    worker.setOnline(false);
    for (const seq of seqs.slice(1)) {
      await markReadUpTo(db, 'dm:bob', seq);
      worker.poke('dm:bob');
    }
    await worker.whenIdle();
    expect(receipts).toEqual([]);

    state.down = false;
    worker.setOnline(true);
    await expect.poll(() => receipts.length).toBe(1);
    await worker.whenIdle();
    expect(receipts).toEqual([{ conversationId: 'dm:bob', receipt: 'read', messageIds: ['a', 'b', 'c', 'd'] }]);
  });

  it('a receipt main could not take stays owed and goes from a new worker after a restart', async () => {
    const db = freshDatabase();
    const first = fakeSend();
    first.state.down = true;
    const before = new ReceiptWorker({ db, send: first.send, random: () => 0.99 });
    before.setOnline(true);
    const seqs = await receive(db, 'bob', ['a', 'b']);
    await markReadUpTo(db, 'dm:bob', seqs[1]!);
    before.poke('dm:bob');
    await before.whenIdle();
    before.stop();
    expect(first.receipts).toEqual([]);

    const after = fakeSend();
    const restarted = new ReceiptWorker({ db, send: after.send });
    restarted.setOnline(true);
    await expect.poll(() => after.receipts).toEqual([{ conversationId: 'dm:bob', receipt: 'read', messageIds: ['a', 'b'] }]);
  });

  it('retries while online after a relay hiccup', async () => {
    const db = freshDatabase();
    const { receipts, state, send } = fakeSend();
    const worker = new ReceiptWorker({ db, send, random: () => 0 });
    worker.setOnline(true);
    state.down = true;
    await receive(db, 'bob', ['a']);
    worker.poke('dm:bob');
    await worker.whenIdle();
    state.down = false;
    await expect.poll(() => receipts).toEqual([{ conversationId: 'dm:bob', receipt: 'delivered', messageIds: ['a'] }]);
  });

  it('splits a large catch-up into receipts of at most 500 ids, in order, and per conversation', async () => {
    const db = freshDatabase();
    const { receipts, send } = fakeSend();
    const worker = new ReceiptWorker({ db, send });
    const ids = Array.from({ length: MAX_IDS_PER_RECEIPT + 20 }, (_, i) => `m${String(i).padStart(4, '0')}`);
    await receive(db, 'bob', ids);
    await receive(db, 'carol', ['x']);
    worker.setOnline(true);
    await expect.poll(() => receipts.length).toBe(3);
    await worker.whenIdle();
    const bob = receipts.filter((receipt) => receipt.conversationId === 'dm:bob');
    expect(bob.map((receipt) => receipt.messageIds.length)).toEqual([MAX_IDS_PER_RECEIPT, 20]);
    expect(bob.flatMap((receipt) => receipt.messageIds)).toEqual(ids);
    expect(receipts.find((receipt) => receipt.conversationId === 'dm:carol')?.messageIds).toEqual(['x']);
  });

  it('drops, with a log line, a receipt main says can never be sent', async () => {
    const db = freshDatabase();
    const { receipts, state, send } = fakeSend();
    const logged: string[] = [];
    const worker = new ReceiptWorker({ db, send, log: (event) => logged.push(event) });
    state.down = new IpcError('unknown_conversation', 'No such chat.', false);
    await receive(db, 'bob', ['a']);
    worker.setOnline(true);
    await expect.poll(() => logged).toContain('receipt.undeliverable');
    await worker.whenIdle();
    state.down = false;
    worker.poke('dm:bob');
    await worker.whenIdle();
    expect(receipts).toEqual([]);
  });
});
