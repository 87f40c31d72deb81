import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toggleReaction } from '../../db/actions';
import { queueMediaMessage, queueTextMessage, requeueMessage } from '../../db/outgoing';
import { ParleyDatabase } from '../../db/database';
import { invoke } from '../../ipc';
import { freshDatabase, testHistoryKeys } from '../../testing/db';
import { FakeParley, fakeAccount } from '../../testing/fakeParley';
import { attachmentView } from '../../testing/messages';
import { OutboxWorker, type OutboxWorkerOptions } from './OutboxWorker';

let fake: FakeParley;
const workers: OutboxWorker[] = [];

beforeEach(() => {
  fake = new FakeParley({ account: fakeAccount('alice'), connection: 'online' }).install(window);
});
afterEach(() => {
  for (const worker of workers.splice(0)) worker.stop();
});

function worker(db: ParleyDatabase, options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  const created = new OutboxWorker({
    db,
    send: (request) => invoke('messages.send', request),
    backoff: { baseMs: 20, capMs: 80 },
    random: () => 1,
    ...options,
  });
  workers.push(created);
  return created;
}

async function queue(db: ParleyDatabase, conversationId: string, ...bodies: string[]) {
  const rows = [];
  for (const body of bodies) rows.push(await queueTextMessage(db, { conversationId, body, me: 'alice' }));
  return rows;
}

function sentBodies(conversationId: string): string[] {
  return fake.sent.filter((request) => request.conversationId === conversationId).map((request) => (request.content.kind === 'text' ? request.content.body : '?'));
}

const until = async (condition: () => boolean | Promise<boolean>, ms = 3_000) => {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the outbox worker', () => {
  it('writes message and outbox row before anything is sent, and sends nothing while offline', async () => {
    const db = freshDatabase();
    const outbox = worker(db);
    outbox.setOnline(false);
    const [row] = await queue(db, 'dm:bob', 'hello');
    outbox.poke('dm:bob');
    await outbox.whenIdle();
    expect(row?.status).toBe('queued');
    expect(await db.outbox.count()).toBe(1);
    expect(fake.calls.filter((call) => call.channel === 'messages.send')).toHaveLength(0);
  });

  it('drains in order per conversation, one message in flight per conversation, when the connection comes online', async () => {
    const db = freshDatabase();
    const outbox = worker(db);
    await queue(db, 'dm:bob', 'b1', 'b2', 'b3', 'b4', 'b5');
    await queue(db, 'dm:carol', 'c1', 'c2', 'c3');
    fake.holdSends();
    outbox.setOnline(true);
    await until(() => fake.calls.filter((call) => call.channel === 'messages.send').length === 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Still exactly one per conversation while the first sends are unanswered.
    expect(fake.calls.filter((call) => call.channel === 'messages.send')).toHaveLength(2);
    for (let i = 0; i < 10; i += 1) {
      fake.releaseSends();
      fake.holdSends();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    fake.releaseSends();
    await until(async () => (await db.outbox.count()) === 0);
    await outbox.whenIdle();
    expect(sentBodies('dm:bob')).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    expect(sentBodies('dm:carol')).toEqual(['c1', 'c2', 'c3']);
    expect((await db.messages.toArray()).every((message) => message.status === 'sent' && typeof message.sentAt === 'number')).toBe(true);
  });

  it('retries a retryable failure with capped full-jitter backoff, keeping the conversation in order', async () => {
    const db = freshDatabase();
    let clock = 1_000_000;
    const outbox = worker(db, { now: () => clock, random: () => 0.5 });
    await queue(db, 'dm:bob', 'first', 'second');
    fake.failNext('messages.send', { code: 'send_failed', message: 'The relay did not answer.', retryable: true }, 2);
    outbox.setOnline(true);
    await until(async () => (await db.outbox.toArray())[0]?.attempts === 1);
    const [afterOne] = await db.outbox.toArray();
    expect(afterOne).toMatchObject({ attempts: 1, nextAttemptAt: clock + 10, lastError: { code: 'send_failed' } });
    expect(fake.sent).toHaveLength(0);

    clock += 10;
    await until(async () => (await db.outbox.toArray())[0]?.attempts === 2);
    const [afterTwo] = await db.outbox.toArray();
    // Second retry: half of min(cap 80, 20·2) = 20.
    expect(afterTwo?.nextAttemptAt).toBe(clock + 20);
    expect(fake.sent).toHaveLength(0);

    clock += 20;
    await until(async () => (await db.outbox.count()) === 0);
    await outbox.whenIdle();
    expect(sentBodies('dm:bob')).toEqual(['first', 'second']);
  });

  it('treats offline as retryable, and a reconnect retries at once instead of waiting out the backoff', async () => {
    const db = freshDatabase();
    let clock = 5_000;
    const outbox = worker(db, { now: () => clock, backoff: { baseMs: 60_000, capMs: 60_000 } });
    await queue(db, 'dm:bob', 'hello');
    fake.setConnection('reconnecting');
    outbox.setOnline(true); // the worker has not heard of the drop yet
    await until(async () => (await db.outbox.toArray())[0]?.attempts === 1);
    outbox.setOnline(false);
    clock += 1;
    fake.setConnection('online');
    outbox.setOnline(true);
    await until(async () => (await db.outbox.count()) === 0);
    expect(sentBodies('dm:bob')).toEqual(['hello']);
  });

  it('marks a message failed with the reason on a non-retryable error, goes on with the next, tells the other devices, and retries on request', async () => {
    const db = freshDatabase();
    const outbox = worker(db);
    const [first] = await queue(db, 'dm:bob', 'to a changed key', 'next');
    fake.failNext('messages.send', { code: 'identity_changed', message: 'bob’s safety number changed. Accept it to send.', retryable: false });
    outbox.setOnline(true);
    await until(async () => (await db.outbox.count()) === 0);
    await outbox.whenIdle();
    expect(await db.messages.get(first!.seq)).toMatchObject({
      status: 'failed',
      failure: { code: 'identity_changed', message: 'bob’s safety number changed. Accept it to send.' },
    });
    // After the next message: the notice for this user's other devices, which may show it as being sent from here.
    expect(fake.sent.filter((request) => request.conversationId === 'dm:bob').map((request) => request.content)).toEqual([
      expect.objectContaining({ kind: 'text', body: 'next' }),
      { kind: 'unsent', messageIds: [first!.messageId], reason: 'failed' },
    ]);

    expect(await requeueMessage(db, first!.seq)).toBe(true);
    expect((await db.messages.get(first!.seq))?.status).toBe('queued');
    outbox.poke('dm:bob');
    await until(async () => (await db.messages.get(first!.seq))?.status === 'sent');
    expect(sentBodies('dm:bob')).toEqual(['next', '?', 'to a changed key']);
    expect(fake.sent.filter((request) => request.messageId === first!.messageId)).toHaveLength(1);
  });

  it('survives a reload: a new worker over the same database sends what the old one left, once each, in order', async () => {
    const name = `reload-${Math.random()}`;
    const before = new ParleyDatabase(name, testHistoryKeys());
    await queue(before, 'dm:bob', 'one', 'two', 'three');
    const old = worker(before);
    fake.holdSends();
    old.setOnline(true);
    await until(() => fake.calls.filter((call) => call.channel === 'messages.send').length === 1);
    // The page goes away while "one" is in flight.
    old.stop();

    const after = new ParleyDatabase(name, testHistoryKeys());
    const fresh = worker(after);
    fresh.setOnline(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The new worker does not send "one" again while the old send is unanswered.
    expect(fake.calls.filter((call) => call.channel === 'messages.send')).toHaveLength(1);
    fake.releaseSends();
    await until(async () => (await after.outbox.count()) === 0);
    await fresh.whenIdle();
    expect(sentBodies('dm:bob')).toEqual(['one', 'two', 'three']);
    expect((await after.messages.toArray()).map((message) => message.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('a resend after a crash (sent, but the outbox row not yet removed) reuses the message id', async () => {
    const db = freshDatabase();
    const [message] = await queue(db, 'dm:bob', 'once');
    // The worker's send reached main, then the app died before it wrote the result.
    await invoke('messages.send', { conversationId: 'dm:bob', messageId: message!.messageId, content: { kind: 'text', body: 'once' } });
    const outbox = worker(db);
    outbox.setOnline(true);
    await until(async () => (await db.outbox.count()) === 0);
    expect(fake.sent.map((request) => request.messageId)).toEqual([message!.messageId, message!.messageId]);
  });

  it('never sends a message twice under normal operation, however often it is poked or the connection flaps', async () => {
    const db = freshDatabase();
    const outbox = worker(db);
    await queue(db, 'dm:bob', 'a', 'b', 'c');
    await queue(db, 'dm:carol', 'd');
    fake.holdSends();
    outbox.setOnline(true);
    for (let i = 0; i < 5; i += 1) {
      outbox.poke('dm:bob');
      outbox.setOnline(false);
      outbox.setOnline(true);
      void outbox.pokeAll();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    fake.releaseSends();
    await until(async () => (await db.outbox.count()) === 0);
    await outbox.whenIdle();
    const ids = fake.sent.map((request) => request.messageId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it('sends message actions in the conversation’s order, after the message they name, with quote and timer', async () => {
    const db = freshDatabase();
    await db.conversations.put({ id: 'dm:bob', kind: 'dm', title: 'bob', lastActivityAt: 0, lastReadSeq: 0, createdAt: 0, expireTimerSeconds: 30 });
    const [first] = await queue(db, 'dm:bob', 'hello');
    const reply = await queueTextMessage(db, { conversationId: 'dm:bob', body: 'replying', me: 'alice', replyTo: first });
    const file = attachmentView({ direction: 'outgoing', state: 'uploaded' });
    await queueMediaMessage(db, { conversationId: 'dm:bob', caption: 'the file', me: 'alice', attachments: [file] });
    await db.messages.update(first!.seq, { status: 'sent' });
    await toggleReaction(db, 'alice', { ...first!, status: 'sent' }, '👍');
    const outbox = worker(db);
    outbox.setOnline(true);
    await until(async () => (await db.outbox.count()) === 0);
    expect(fake.sent.map((request) => request.content)).toEqual([
      { kind: 'text', body: 'replying', quote: { messageId: first!.messageId, author: 'alice', text: 'hello' }, expireTimerSeconds: 30 },
      { kind: 'media', caption: 'the file', attachmentIds: [file.id], expireTimerSeconds: 30 },
      { kind: 'reaction', targetMessageId: first!.messageId, targetAuthor: 'alice', emoji: '👍', remove: false },
    ]);
    expect((await db.messages.get(reply.seq))?.status).toBe('sent');
  });

  it('retries an action that failed for now, and drops one that can never go', async () => {
    const db = freshDatabase();
    const [message] = await queue(db, 'dm:bob', 'hi');
    await db.messages.update(message!.seq, { status: 'sent' });
    await db.outbox.clear();
    await toggleReaction(db, 'alice', { ...message!, status: 'sent' }, '👍');
    fake.failNext('messages.send', { code: 'offline', retryable: true });
    const outbox = worker(db);
    outbox.setOnline(true);
    await until(() => fake.sent.length === 1);
    await until(async () => (await db.outbox.count()) === 0);
    await toggleReaction(db, 'alice', { ...message!, status: 'sent' }, '👍');
    fake.failNext('messages.send', { code: 'not_a_contact', retryable: false });
    outbox.poke('dm:bob');
    await until(async () => (await db.outbox.count()) === 0);
    expect(fake.sent).toHaveLength(1);
    // The change stays here: the reaction is gone on this device as the user asked.
    expect((await db.messages.get(message!.seq))?.reactions).toEqual({});
  });
});
