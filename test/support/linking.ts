// Linked-device helpers for relay tests over raw sockets: a device waiting at a provisioning address, certificates
// made with a primary's identity, link_device frames, and the whole link (wait, link, authenticate as the new device).
import { deviceCertificateBytes } from '../../src/shared/crypto/device-certificate';
import { toBase64 } from '../../src/shared/encoding/base64';
import { normalizeUsername, type LinkDeviceFrame, type ProvisioningAddressFrame } from '../../src/shared/protocol';
import { RawDevice, createIdentity, signWith, type DeviceIdentity, type RelayEvent } from './raw-device';

export interface WaitingDevice {
  socket: RawDevice;
  identity: DeviceIdentity;
  address: ProvisioningAddressFrame;
}

/** A new device asking the relay for a provisioning address (its socket then waits for the provisioning message). */
export async function waitingDevice(url: string): Promise<WaitingDevice> {
  const socket = await RawDevice.connect(url);
  socket.sendFrame({ type: 'provision' });
  const address = await socket.next('provisioning_address');
  return { socket, identity: createIdentity(), address };
}

export function certificateFor(signer: DeviceIdentity, user: string, device: DeviceIdentity): string {
  return signWith(signer, deviceCertificateBytes(normalizeUsername(user), device.publicKey));
}

/** A correct link_device frame from `primary` for `waiting`; fields may be overridden. */
export function linkFrame(primary: RawDevice, waiting: WaitingDevice, rid: number, overrides: Partial<LinkDeviceFrame> = {}): LinkDeviceFrame {
  return {
    type: 'link_device',
    rid,
    provisioningAddress: waiting.address.address,
    identityKey: waiting.identity.identityKey,
    certificate: certificateFor(primary.identity, primary.address.user, waiting.identity),
    name: toBase64(new Uint8Array([1, 2, 3])),
    body: toBase64(new Uint8Array([9, 9, 9])),
    ...overrides,
  };
}

export function linkDevice(primary: RawDevice, waiting: WaitingDevice, overrides: Partial<LinkDeviceFrame> = {}): Promise<RelayEvent> {
  return primary.request((rid) => linkFrame(primary, waiting, rid, overrides));
}

/** Links a new device to `primary`'s account and returns it connected and authenticated. */
export async function linkedDevice(url: string, primary: RawDevice): Promise<RawDevice> {
  const waiting = await waitingDevice(url);
  const answer = await linkDevice(primary, waiting);
  if (answer.type !== 'device_linked') throw new Error(`expected device_linked, got ${JSON.stringify(answer)}`);
  const provisioned = await waiting.socket.next('provision_message');
  await waiting.socket.closed;
  const device = await RawDevice.connect(url, { identity: waiting.identity });
  await device.auth(provisioned.user, provisioned.device);
  return device;
}
