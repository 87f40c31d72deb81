// A relay started on the data directory of a relay with an older store schema (8: before delivery rows carried
// message id, sender and time) upgrades it and delivers everything that was pending, in order and whole, keeps the
// dedup records, and goes on numbering each mailbox where it left off.
import { afterEach, describe, expect, it } from 'vitest';
import { reconnect, type DeliverEvent } from '../../test/support/raw-device';
import { makeTempDir, removeDir, startTestRelay, type TestRelay } from '../../test/support/relay-harness';
import { writeSchema8Store } from '../../test/support/schema-8-store';

let relay: TestRelay | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await relay?.close();
  relay = undefined;
  if (dataDir !== undefined) removeDir(dataDir);
  dataDir = undefined;
});

const view = (d: DeliverEvent) => ({ seq: d.seq, messageId: d.messageId, from: d.from, sentAt: d.sentAt, payload: Buffer.from(d.payload).toString() });

describe('relay store upgrade', () => {
  it('delivers what a schema-8 store held pending, and keeps its dedup records and seqs', async () => {
    dataDir = makeTempDir('parley-upgrade-');
    const old = writeSchema8Store(dataDir, Date.now());
    relay = await startTestRelay({}, { dataDir });
    const alice = await reconnect(relay.url, { identity: old.alice, address: { user: 'alice', device: 1 } });
    const bob = await reconnect(relay.url, { identity: old.bob, address: { user: 'bob', device: 1 } });
    const carol = await reconnect(relay.url, { identity: old.carol, address: { user: 'carol', device: 1 } });
    const fromAlice = { from: { user: 'alice', device: 1 }, sentAt: 1000 };
    expect((await bob.waitForDeliveries(3)).map(view)).toEqual(old.pendingForBob.map((d) => ({ ...d, ...fromAlice })));
    expect((await carol.waitForDeliveries(1)).map(view)).toEqual(old.pendingForCarol.map((d) => ({ ...d, ...fromAlice })));

    // Resends of the pending and of the acked message are duplicates; a new message follows in bob's mailbox.
    for (const messageId of ['single-v8', 'fanout', old.ackedMessageId]) {
      expect(await alice.sendOk(bob.address, undefined, messageId)).toMatchObject({ duplicate: true });
    }
    bob.ackThrough(3);
    carol.ackThrough(1);
    await alice.sendOk(bob.address, Buffer.from('payload new'), 'new');
    expect((await bob.waitForDeliveries(4)).slice(3).map((d) => [d.seq, d.messageId, Buffer.from(d.payload).toString()])).toEqual([[4, 'new', 'payload new']]);
    bob.ackThrough(4);
    await Promise.all([alice.close(), bob.close(), carol.close()]);

    // After a restart nothing acked comes back.
    await relay.close();
    relay = await startTestRelay({}, { dataDir });
    const bobAgain = await reconnect(relay.url, { identity: old.bob, address: { user: 'bob', device: 1 } });
    const aliceAgain = await reconnect(relay.url, { identity: old.alice, address: { user: 'alice', device: 1 } });
    await aliceAgain.sendOk(bobAgain.address, Buffer.from('payload after'), 'after');
    expect((await bobAgain.waitForDeliveries(1)).map((d) => [d.seq, d.messageId])).toEqual([[5, 'after']]);
    await Promise.all([aliceAgain.close(), bobAgain.close()]);
  });
});
