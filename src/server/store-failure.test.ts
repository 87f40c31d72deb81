// When the store fails, senders get an `internal` error for exactly the sends that were not stored, the relay
// keeps serving, and nothing is half-written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOf, fetchBundles, oneTimePrekeys, publish, signedPrekeyFor } from '../../test/support/prekeys';
import { newMessageId, randomPayload, reconnect, registeredDevice } from '../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../test/support/relay-harness';
import type { RelayStore } from './store/relay-store';
import { StoreError } from './store/relay-store';

let relay: TestRelay;
let failNextCommits = 0;
let failNextPrekeyWrites = 0;

function failingPrekeyWrite(): Promise<never> | undefined {
  if (failNextPrekeyWrites === 0) return undefined;
  failNextPrekeyWrites--;
  return Promise.reject(new StoreError('store_failed', 'disk I/O error'));
}

/** Delegates to the real store, failing the next `failNextCommits` mailbox commits. */
function flaky(store: RelayStore): RelayStore {
  return {
    registerDevice: (device) => store.registerDevice(device),
    findDevice: (address) => store.findDevice(address),
    linkDevice: (link) => store.linkDevice(link),
    listDevices: (user) => store.listDevices(user),
    removeDevice: (address, now) => store.removeDevice(address, now),
    touchDevice: (address, at) => store.touchDevice(address, at),
    commitMailboxBatch: async (batch) => {
      if (failNextCommits > 0) {
        failNextCommits--;
        throw new StoreError('store_failed', 'disk I/O error');
      }
      return store.commitMailboxBatch(batch);
    },
    pageMailbox: (mailbox, after, limit) => store.pageMailbox(mailbox, after, limit),
    pendingCount: (mailbox) => store.pendingCount(mailbox),
    pruneDedupRecords: (before, limit) => store.pruneDedupRecords(before, limit),
    publishPrekeys: (upload) => failingPrekeyWrite() ?? store.publishPrekeys(upload),
    countPrekeys: (device) => store.countPrekeys(device),
    takePrekeyBundles: (request, limit) => failingPrekeyWrite() ?? store.takePrekeyBundles(request, limit),
    close: () => store.close(),
  };
}

beforeAll(async () => {
  relay = await startTestRelay({}, { wrapStore: flaky });
});
afterAll(async () => {
  await relay.close();
});

describe('store failure', () => {
  it('answers internal for a send that could not be stored, then works again', async () => {
    const alice = await registeredDevice(relay.url);
    const bob = await registeredDevice(relay.url);
    await bob.close();
    failNextCommits = 1;
    const lost = newMessageId();
    expect(await alice.send(bob.address, randomPayload(), lost)).toMatchObject({ type: 'error', code: 'internal', rid: 1 });
    const kept = newMessageId();
    await alice.sendOk(bob.address, randomPayload(), kept);
    // The failed one can be resent with its id: it was never stored, so it is not a duplicate.
    expect(await alice.sendOk(bob.address, randomPayload(), lost)).toMatchObject({ duplicate: false });
    const online = await reconnect(relay.url, bob);
    await online.next('drained');
    expect(online.deliveries.map((d) => d.messageId)).toEqual([kept, lost]);
    expect(relay.connectedDevices()).toBe(2);
    await Promise.all([alice.close(), online.close()]);
  });

  it('answers internal for a prekey publish or fetch the store refused, and keeps serving', async () => {
    const bob = await registeredDevice(relay.url);
    const alice = await registeredDevice(relay.url);
    failNextPrekeyWrites = 1;
    expect(await publish(bob, signedPrekeyFor(bob.identity, 1), oneTimePrekeys(1, 2))).toMatchObject({ type: 'error', code: 'internal' });
    expect(await countOf(bob)).toEqual({ oneTimePrekeys: 0, signedPrekeyId: null });
    expect(await publish(bob, signedPrekeyFor(bob.identity, 1), oneTimePrekeys(1, 2))).toMatchObject({ type: 'prekeys_published' });
    failNextPrekeyWrites = 1;
    expect(await fetchBundles(alice, bob.address.user)).toMatchObject({ type: 'error', code: 'internal' });
    expect(await countOf(bob)).toMatchObject({ oneTimePrekeys: 2 });
    expect(await fetchBundles(alice, bob.address.user)).toMatchObject({ type: 'prekey_bundles' });
    expect(alice.closeStatus).toBeUndefined();
    await Promise.all([alice.close(), bob.close()]);
  });
});
