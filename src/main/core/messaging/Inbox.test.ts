import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReceivedMessage } from '../../../shared/ipc';
import { FileSecretStore } from '../secrets';
import { silentLogger, type Delivery } from '../transport';
import { Vault } from '../vault';
import { COMMITTED_RING_SIZE, Inbox, MAX_ENTRIES_PER_RECORD, inboxIdFor, inboxIdOf } from './Inbox';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function open(dir?: string) {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'parley-inbox-')));
  if (!dir) dirs.push(dataDir);
  const vault = await Vault.open({ dataDir, secrets: await FileSecretStore.open(dataDir) });
  return { dataDir, vault, inbox: await Inbox.open(vault, silentLogger) };
}

const alice = { user: 'alice', device: 1 };
function delivery(messageId: string): Delivery {
  return { seq: 1, ephemeral: false, messageId, from: alice, payload: new Uint8Array(1), sentAt: 1, ack: vi.fn(() => true) };
}
function message(relayId: string, body = 'hi'): ReceivedMessage {
  return {
    inboxId: inboxIdFor(alice, relayId),
    conversationId: 'dm:alice',
    messageId: `e2e-${relayId}`,
    sender: alice,
    sentAt: 1,
    receivedAt: 2,
    content: { kind: 'text', body },
  };
}

describe('Inbox', () => {
  it('keeps entries across a restart, in order, until committed; commit acks the newest delivery handle', async () => {
    const { dataDir, vault, inbox } = await open();
    const first = delivery('r1');
    await inbox.add(message('r1', 'one'), { from: alice, relayMessageId: 'r1', delivery: first });
    await inbox.add(message('r2', 'two'), { from: alice, relayMessageId: 'r2', delivery: delivery('r2') });
    expect(first.ack).not.toHaveBeenCalled();
    await vault.close();

    const again = await open(dataDir);
    expect(again.inbox.pending().map((m) => m.content)).toEqual([
      { kind: 'text', body: 'one' },
      { kind: 'text', body: 'two' },
    ]);
    const redelivered = delivery('r1');
    expect(again.inbox.has(inboxIdFor(alice, 'r1'))).toBe(true);
    again.inbox.attach(inboxIdFor(alice, 'r1'), redelivered);
    await again.inbox.commit([inboxIdFor(alice, 'r1'), 'unknown-id']);
    expect(redelivered.ack).toHaveBeenCalledOnce();
    expect(again.inbox.pending()).toHaveLength(1);
    expect(await again.inbox.wasHandled(alice, 'r1')).toBe(true);
    expect(await again.inbox.wasHandled(alice, 'r2')).toBe(false);
    await again.vault.close();

    const third = await open(dataDir);
    expect(third.inbox.pending().map((m) => m.messageId)).toEqual(['e2e-r2']);
    expect(await third.inbox.wasHandled(alice, 'r1')).toBe(true);
  });

  it('remembers a bounded number of committed relay ids per sender device', async () => {
    const { inbox } = await open();
    const ids = Array.from({ length: COMMITTED_RING_SIZE + 10 }, (_, i) => `r${i}`);
    await Promise.all(ids.map((id) => inbox.add(message(id), { from: alice, relayMessageId: id, delivery: delivery(id) })));
    await inbox.commit(ids.map((id) => inboxIdFor(alice, id)));
    expect(await inbox.wasHandled(alice, 'r0')).toBe(false);
    expect(await inbox.wasHandled(alice, ids[ids.length - 1]!)).toBe(true);
    expect(await inbox.wasHandled({ user: 'alice', device: 2 }, ids[ids.length - 1]!)).toBe(false);
  });

  it('stores a receive batch as one record, rewrites it on a partial commit and deletes it when all are committed', async () => {
    const { dataDir, vault, inbox } = await open();
    const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
    const deliveries = ids.map(delivery);
    await inbox.addAll(ids.map((id, i) => ({ message: message(id, `m${i}`), source: { from: alice, relayMessageId: id, delivery: deliveries[i]! } })));
    expect((await vault.list('inbox')).records).toHaveLength(1);

    await inbox.commit(ids.slice(0, 40).map((id) => inboxIdFor(alice, id)));
    expect(deliveries.filter((d) => vi.mocked(d.ack).mock.calls.length === 1)).toHaveLength(40);
    expect((await vault.list('inbox')).records).toHaveLength(1);
    await vault.close();

    const again = await open(dataDir);
    expect(again.inbox.pending().map((m) => m.messageId)).toEqual(ids.slice(40).map((id) => `e2e-${id}`));
    await again.inbox.commit(ids.slice(40).map((id) => inboxIdFor(alice, id)));
    expect((await again.vault.list('inbox')).records).toHaveLength(0);
  });

  it('splits a batch larger than one record and skips entries it already holds', async () => {
    const { vault, inbox } = await open();
    const ids = Array.from({ length: MAX_ENTRIES_PER_RECORD + 1 }, (_, i) => `r${i}`);
    const items = ids.map((id) => ({ message: message(id), source: { from: alice, relayMessageId: id, delivery: delivery(id) } }));
    expect(await inbox.addAll(items)).toHaveLength(ids.length);
    expect((await vault.list('inbox')).records).toHaveLength(2);
    expect(await inbox.addAll(items.slice(0, 3))).toEqual([]);
    expect(inbox.pending()).toHaveLength(ids.length);
  });

  it('acks once the commit record is durable, and drops a committed entry left on disk at the next open', async () => {
    const { dataDir, vault, inbox } = await open();
    const d = delivery('r1');
    await inbox.add(message('r1'), { from: alice, relayMessageId: 'r1', delivery: d });
    // Taking the entry out of its record fails (a full disk, a crash): the relay id is already in the ring.
    const deleteSpy = vi.spyOn(vault, 'delete').mockRejectedValueOnce(new Error('disk full'));
    await expect(inbox.commit([inboxIdFor(alice, 'r1')])).rejects.toThrow('disk full');
    expect(d.ack).toHaveBeenCalledOnce();
    deleteSpy.mockRestore();
    expect((await vault.list('inbox')).records).toHaveLength(1);
    await vault.close();

    const again = await open(dataDir);
    expect(again.inbox.pending()).toEqual([]);
    expect(await again.inbox.wasHandled(alice, 'r1')).toBe(true);
    expect((await again.vault.list('inbox')).records).toHaveLength(0);
  });

  it('ids are deterministic per sender device and relay id', () => {
    expect(inboxIdFor(alice, 'x')).toBe(inboxIdFor({ user: 'ALICE', device: 1 }, 'x'));
    expect(inboxIdFor(alice, 'x')).not.toBe(inboxIdFor({ user: 'alice', device: 2 }, 'x'));
    expect(inboxIdFor(alice, 'x')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('the id of a delivery is the hash it is defined by, the same when asked again and for a redelivery of the envelope', () => {
    const defined = (relayId: string) => createHash('sha256').update(`parley-inbox-v1\u0000alice.1\u0000${relayId}`).digest('base64url').slice(0, 32);
    const first = delivery('x');
    expect(inboxIdOf(first)).toBe(defined('x'));
    expect(inboxIdOf(first)).toBe(defined('x'));
    expect(inboxIdOf({ ...delivery('x'), from: { user: 'ALICE', device: 1 } })).toBe(defined('x'));
    expect(inboxIdOf(delivery('y'))).toBe(defined('y'));
    expect(inboxIdFor(alice, 'x')).toBe(defined('x'));
  });

  it('writes the record of a batch as the JSON of its entries, in order', async () => {
    const { vault, inbox } = await open();
    const ids = ['r1', 'r2', 'r3'];
    const entries = await inbox.addAll(ids.map((id) => ({ message: message(id, `body ${id} "quoted" ü`), source: { from: alice, relayMessageId: id, delivery: delivery(id) } })));
    const [record] = (await vault.list('inbox')).records;
    expect(new TextDecoder().decode(record!.payload)).toBe(JSON.stringify({ entries }));
    expect(entries.map((entry) => entry.message.messageId)).toEqual(['e2e-r1', 'e2e-r2', 'e2e-r3']);
  });
});
