// Linked devices at the relay over real sockets: a device waits at a provisioning address, the primary links it
// with a certificate, it then authenticates as the next device id; lists with and without names; every refusal
// (not the primary, bad certificate, another account's key, used or expired address, too many devices) creates
// nothing; a history archive blob is granted to the new device as it is linked; removal cuts the device off at once and for good, and its id is never given again.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEVICES_PER_ACCOUNT } from '../../shared/crypto/device-certificate';
import { CloseCode, type Address, type DeviceListFrame } from '../../shared/protocol';
import { fetchBundles, oneTimePrekeys, publish, signedPrekeyFor } from '../../../test/support/prekeys';
import { certificateFor, linkDevice, linkedDevice, waitingDevice } from '../../../test/support/linking';
import { RawDevice, createIdentity, reconnect, registeredDevice, type RelayEvent } from '../../../test/support/raw-device';
import { startTestRelay, type TestRelay } from '../../../test/support/relay-harness';

let relay: TestRelay;
let hurried: TestRelay;

beforeAll(async () => {
  [relay, hurried] = await Promise.all([startTestRelay({ abuseThreshold: 1000 }), startTestRelay({ provisioningTtlMs: 300 })]);
});
afterAll(async () => {
  await Promise.all([relay.close(), hurried.close()]);
});

function errorCode(answer: RelayEvent): string {
  if (answer.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(answer)}`);
  return answer.code;
}

/** A whole blob `owner` uploaded (tus create, then one PATCH). */
async function uploadedBlob(owner: Address): Promise<string> {
  const bytes = randomBytes(1000);
  const { blobId, token } = await relay.blobs.access.uploadToken(owner, bytes.length);
  const tus = { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}` };
  expect((await fetch(`${relay.httpUrl}/v1/blobs`, { method: 'POST', headers: { ...tus, 'Upload-Length': String(bytes.length) } })).status).toBe(201);
  const patch = await fetch(`${relay.httpUrl}/v1/blobs/${blobId}`, {
    method: 'PATCH',
    headers: { ...tus, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    body: bytes,
  });
  expect(patch.status).toBe(204);
  return blobId;
}

async function listOf(device: RawDevice, user = device.address.user): Promise<DeviceListFrame> {
  const answer = await device.request((rid) => ({ type: 'list_devices', rid, user }));
  if (answer.type !== 'device_list') throw new Error(`expected device_list, got ${JSON.stringify(answer)}`);
  return answer;
}

describe('linking', () => {
  it('links a device: the waiting connection gets its provisioning message and id, then authenticates as it', async () => {
    const alice = await registeredDevice(relay.url);
    const waiting = await waitingDevice(relay.url);
    expect(waiting.address.address).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const answer = await linkDevice(alice, waiting, { body: 'AAECAw==' });
    expect(answer).toEqual({ type: 'device_linked', rid: expect.any(Number), device: 2 });
    expect(await waiting.socket.next('provision_message')).toEqual({ type: 'provision_message', user: alice.address.user, device: 2, body: 'AAECAw==' });
    expect((await waiting.socket.closed).code).toBe(CloseCode.provisioningDone);

    const laptop = await RawDevice.connect(relay.url, { identity: waiting.identity });
    expect(await laptop.auth(alice.address.user, 2)).toMatchObject({ device: 2, registered: false });
    const mine = await listOf(laptop);
    expect(mine.accountKey).toBe(alice.identity.identityKey);
    expect(mine.devices).toEqual([
      { device: 1, identityKey: alice.identity.identityKey, linkedAt: expect.any(Number), lastSeenAt: expect.any(Number) },
      {
        device: 2,
        identityKey: waiting.identity.identityKey,
        certificate: certificateFor(alice.identity, alice.address.user, waiting.identity),
        linkedAt: expect.any(Number),
        lastSeenAt: expect.any(Number),
        name: 'AQID',
      },
    ]);
    // Someone else sees the devices and their certificates, not their names or when they were last seen.
    const bob = await registeredDevice(relay.url);
    expect((await listOf(bob, alice.address.user)).devices.map((d) => Object.keys(d).sort())).toEqual([
      ['device', 'identityKey', 'linkedAt'],
      ['certificate', 'device', 'identityKey', 'linkedAt'],
    ]);
    expect(errorCode(await bob.request((rid) => ({ type: 'list_devices', rid, user: 'nobody-here' })))).toBe('unknown_user');

    // The linked device is a full device: a mailbox, and a bundle that carries its certificate and the account key.
    expect((await bob.sendOk(laptop.address)).status).toBe('stored');
    await laptop.waitForDeliveries(1);
    await publish(alice, signedPrekeyFor(alice.identity, 1), oneTimePrekeys(1, 1));
    await publish(laptop, signedPrekeyFor(laptop.identity, 1), oneTimePrekeys(1, 1));
    const bundles = await fetchBundles(bob, alice.address.user);
    expect(bundles).toMatchObject({
      type: 'prekey_bundles',
      accountKey: alice.identity.identityKey,
      devices: [
        { device: 1, identityKey: alice.identity.identityKey },
        { device: 2, identityKey: laptop.identity.identityKey, certificate: mine.devices[1]!.certificate },
      ],
    });
    expect(bundles.type === 'prekey_bundles' && 'certificate' in bundles.devices[0]!).toBe(false);
    await Promise.all([alice.close(), laptop.close(), bob.close()]);
  });

  it('refuses, creating nothing: a linked device linking, a bad certificate, another account’s key, a used address', async () => {
    const alice = await registeredDevice(relay.url);
    const laptop = await linkedDevice(relay.url, alice);
    const mallory = await registeredDevice(relay.url);
    const waiting = await waitingDevice(relay.url);

    expect(errorCode(await linkDevice(laptop, waiting))).toBe('not_primary');
    const stranger = createIdentity();
    expect(errorCode(await linkDevice(alice, waiting, { certificate: certificateFor(stranger, alice.address.user, waiting.identity) }))).toBe(
      'bad_certificate',
    );
    // A certificate for another key than the one linked, or under another username, does not verify either.
    expect(errorCode(await linkDevice(alice, waiting, { identityKey: stranger.identityKey }))).toBe('bad_certificate');
    expect(errorCode(await linkDevice(alice, waiting, { certificate: certificateFor(alice.identity, mallory.address.user, waiting.identity) }))).toBe(
      'bad_certificate',
    );
    // Mallory's primary cannot approve a device for Alice's account: whatever it signs links into its own account.
    expect(errorCode(await linkDevice(mallory, waiting, { certificate: certificateFor(mallory.identity, alice.address.user, waiting.identity) }))).toBe(
      'bad_certificate',
    );
    expect(errorCode(await linkDevice(alice, waiting, { provisioningAddress: 'AAAAAAAAAAAAAAAAAAAAAA' }))).toBe('unknown_provisioning_address');
    expect((await listOf(alice)).devices.map((d) => d.device)).toEqual([1, 2]);
    expect(waiting.socket.closeStatus).toBeUndefined();

    // The right frame links; the same frame again (a replayed code) finds no one waiting.
    expect(await linkDevice(alice, waiting)).toMatchObject({ type: 'device_linked', device: 3 });
    expect(errorCode(await linkDevice(alice, waiting))).toBe('unknown_provisioning_address');
    expect((await listOf(alice)).devices.map((d) => d.device)).toEqual([1, 2, 3]);
    await Promise.all([alice.close(), laptop.close(), mallory.close()]);
  });

  it('grants the history archive to the new device as it links it; a blob the primary did not upload is refused, the device still waiting', async () => {
    const alice = await registeredDevice(relay.url);
    const mallory = await registeredDevice(relay.url);
    const [own, theirs] = [await uploadedBlob(alice.address), await uploadedBlob(mallory.address)];
    const waiting = await waitingDevice(relay.url);
    expect(errorCode(await linkDevice(alice, waiting, { historyBlob: theirs }))).toBe('blob_not_found');
    expect(waiting.socket.closeStatus).toBeUndefined();
    expect(await linkDevice(alice, waiting, { historyBlob: own })).toMatchObject({ type: 'device_linked', device: 2 });
    expect(await waiting.socket.next('provision_message')).toMatchObject({ device: 2 });
    const laptop = { user: alice.address.user, device: 2 };
    await expect(relay.blobs.access.downloadToken(laptop, own)).resolves.toMatchObject({ blobId: own });
    await expect(relay.blobs.access.downloadToken(laptop, theirs)).rejects.toMatchObject({ code: 'blob_not_found' });
    await Promise.all([alice.close(), mallory.close()]);
  });

  it('expires a provisioning address: the waiting connection is closed and linking to it refused', async () => {
    const alice = await registeredDevice(hurried.url);
    const waiting = await waitingDevice(hurried.url);
    expect(waiting.address.expiresAt).toBeGreaterThan(Date.now() - 1000);
    expect((await waiting.socket.closed).code).toBe(CloseCode.provisioningDone);
    expect(errorCode(await linkDevice(alice, waiting))).toBe('unknown_provisioning_address');
    expect((await listOf(alice)).devices).toHaveLength(1);
    await alice.close();
  });

  it('closes a provisioning connection that sends anything else, and refuses provision after authentication', async () => {
    const waiting = await waitingDevice(relay.url);
    await waiting.socket.ping().catch(() => undefined);
    expect((await waiting.socket.closed).code).toBe(CloseCode.protocolViolation);
    const alice = await registeredDevice(relay.url);
    alice.sendFrame({ type: 'provision' });
    expect((await alice.next('error')).code).toBe('already_authenticated');
    await alice.close();
  });

  it(`allows at most ${MAX_DEVICES_PER_ACCOUNT} devices, the primary included`, async () => {
    const alice = await registeredDevice(relay.url);
    for (let i = 2; i <= MAX_DEVICES_PER_ACCOUNT; i++) {
      const waiting = await waitingDevice(relay.url);
      expect(await linkDevice(alice, waiting)).toMatchObject({ type: 'device_linked', device: i });
    }
    const oneTooMany = await waitingDevice(relay.url);
    expect(errorCode(await linkDevice(alice, oneTooMany))).toBe('too_many_devices');
    expect(oneTooMany.socket.closeStatus).toBeUndefined();
    expect((await listOf(alice)).devices).toHaveLength(MAX_DEVICES_PER_ACCOUNT);
    await Promise.all([alice.close(), oneTooMany.socket.close()]);
  });
});

describe('removal', () => {
  it('cuts a removed device off at once and for good; its pending deliveries go; its id is never reused', async () => {
    const alice = await registeredDevice(relay.url);
    const laptop = await linkedDevice(relay.url, alice);
    const bob = await registeredDevice(relay.url);
    // Pending for the laptop: delivered, never acked; and one message to both devices.
    await bob.sendOk(laptop.address);
    await bob.sendOk([alice.address, laptop.address]);
    await laptop.waitForDeliveries(2);

    expect(await alice.request((rid) => ({ type: 'remove_device', rid, device: 2 }))).toEqual({ type: 'device_removed', rid: expect.any(Number), device: 2 });
    expect((await laptop.closed).code).toBe(CloseCode.deviceRemoved);
    const again = await RawDevice.connect(relay.url, { identity: laptop.identity });
    again.sendFrame(again.authFrame(alice.address.user, { device: 2 }));
    expect((await again.closed).code).toBe(CloseCode.unknownDevice);

    expect(errorCode(await bob.send(laptop.address))).toBe('unknown_recipient');
    expect((await listOf(alice)).devices.map((d) => d.device)).toEqual([1]);
    await publish(alice, signedPrekeyFor(alice.identity, 1));
    expect((await fetchBundles(bob, alice.address.user)).type === 'prekey_bundles').toBe(true);
    // The message to both devices is still there for Alice's primary.
    await alice.waitForDeliveries(1);

    const tablet = await linkedDevice(relay.url, alice);
    expect(tablet.address.device).toBe(3);
    await Promise.all([alice.close(), tablet.close(), bob.close()]);
  });

  it('lets a linked device remove only itself, and never the primary', async () => {
    const alice = await registeredDevice(relay.url);
    const laptop = await linkedDevice(relay.url, alice);
    const tablet = await linkedDevice(relay.url, alice);
    expect(errorCode(await laptop.request((rid) => ({ type: 'remove_device', rid, device: 3 })))).toBe('not_primary');
    expect(errorCode(await laptop.request((rid) => ({ type: 'remove_device', rid, device: 1 })))).toBe('not_primary');
    expect(errorCode(await alice.request((rid) => ({ type: 'remove_device', rid, device: 1 })))).toBe('not_primary');
    expect(errorCode(await alice.request((rid) => ({ type: 'remove_device', rid, device: 9 })))).toBe('unknown_device');
    expect(await laptop.request((rid) => ({ type: 'remove_device', rid, device: 2 }))).toMatchObject({ type: 'device_removed', device: 2 });
    expect((await laptop.closed).code).toBe(CloseCode.deviceRemoved);
    expect((await listOf(tablet)).devices.map((d) => d.device)).toEqual([1, 3]);
    const relogin = await reconnect(relay.url, tablet);
    await Promise.all([alice.close(), tablet.close(), relogin.close()]);
  });
});
