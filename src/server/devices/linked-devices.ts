// Linked devices at the relay: the primary links a device (its certificate checked against the primary's identity
// key, the provisioning address live, at most MAX_DEVICES_PER_ACCOUNT devices), any device of an account lists
// devices, and a device is removed by the primary or by itself — its live connection closed at once. Decides and
// answers with frames; never touches a socket, never logs keys, names or bodies.
import { KeyedQueue } from '../../shared/base';
import { deviceCertificateBytes, MAX_DEVICES_PER_ACCOUNT } from '../../shared/crypto/device-certificate';
import { fromBase64 } from '../../shared/encoding/base64';
import {
  normalizeUsername,
  type Address,
  type ErrorCode,
  type LinkDeviceFrame,
  type ListDevicesFrame,
  type ListedDevice,
  type RemoveDeviceFrame,
  type ServerFrame,
} from '../../shared/protocol';
import { verifyEd25519 } from '../auth/ed25519';
import type { Logger } from '../log';
import { BlobError, type BlobAccess } from '../blobs/blob-access';
import type { AccountStore, DeviceRecord } from '../store/relay-store';
import type { ProvisioningRegistry } from './provisioning-registry';

export type DeviceRequestFrame = LinkDeviceFrame | ListDevicesFrame | RemoveDeviceFrame;

export type DeviceAnswer = { ok: true; frame: ServerFrame } | { ok: false; code: ErrorCode; message: string };

export interface LinkedDevicesOptions {
  store: AccountStore;
  provisioning: ProvisioningRegistry;
  /** Grants a linked device its history archive. */
  blobs: Pick<BlobAccess, 'grant'>;
  /** Closes the removed device's live connection, if it has one. */
  disconnect: (device: Address) => void;
  now: () => number;
  logger: Logger;
  maxDevices?: number;
}

export class LinkedDevices {
  /** Changes to one account's devices run one at a time. */
  private readonly accounts = new KeyedQueue();

  constructor(private readonly options: LinkedDevicesOptions) {}

  /** Answers one device request of the authenticated `device`. Rejects only when the store fails. */
  handle(device: Address, frame: DeviceRequestFrame): Promise<DeviceAnswer> {
    switch (frame.type) {
      case 'list_devices':
        return this.list(device, frame);
      case 'link_device':
        return this.accounts.run(normalizeUsername(device.user), () => this.link(device, frame));
      case 'remove_device':
        return this.accounts.run(normalizeUsername(device.user), () => this.remove(device, frame));
    }
  }

  private async link(primary: Address, frame: LinkDeviceFrame): Promise<DeviceAnswer> {
    const user = normalizeUsername(primary.user);
    const me = await this.options.store.findDevice(primary);
    if (me === undefined || me.certificate !== undefined) return refuse('not_primary', 'only the device that registered this account links devices');
    if (!certificateVerifies(me.identityKey, user, frame.identityKey, frame.certificate)) {
      this.options.logger.info('relay.device_certificate_rejected', {});
      return refuse('bad_certificate', 'the certificate does not verify with this account’s key; nothing linked');
    }
    if (!(await this.options.provisioning.has(frame.provisioningAddress))) {
      return refuse('unknown_provisioning_address', 'no device is waiting at this provisioning address (used or expired); nothing linked');
    }
    const outcome = await this.options.store.linkDevice({
      user,
      identityKey: frame.identityKey,
      certificate: frame.certificate,
      name: frame.name,
      linkedAt: this.options.now(),
      maxDevices: this.options.maxDevices ?? MAX_DEVICES_PER_ACCOUNT,
    });
    switch (outcome.status) {
      case 'unknown_user':
        return refuse('internal', 'this account is not registered on the relay');
      case 'too_many_devices':
        return refuse('too_many_devices', `an account has at most ${this.options.maxDevices ?? MAX_DEVICES_PER_ACCOUNT} devices`);
      case 'linked':
      case 'already_linked': {
        if (frame.historyBlob !== undefined) {
          // Before the device learns of the archive, so its first download is allowed. A refusal leaves the device
          // linked but still waiting: the primary links it again (already_linked) without the archive.
          try {
            await this.options.blobs.grant(primary, frame.historyBlob, [{ user, device: outcome.device }]);
          } catch (error) {
            if (!(error instanceof BlobError)) throw error;
            return refuse('blob_not_found', 'the history archive is not a blob this device uploaded; link again without it');
          }
        }
        // Taken only now: had the store failed, the waiting device would still be there for a retry.
        const waiting = await this.options.provisioning.take(frame.provisioningAddress);
        if (waiting === undefined) {
          return refuse('unknown_provisioning_address', 'the device being linked went away; remove it and link again');
        }
        waiting.deliver(user, outcome.device, frame.body);
        this.options.logger.info('relay.device_linked', { device: outcome.device, again: outcome.status === 'already_linked' });
        return answer({ type: 'device_linked', rid: frame.rid, device: outcome.device });
      }
    }
  }

  private async list(asking: Address, frame: ListDevicesFrame): Promise<DeviceAnswer> {
    const own = normalizeUsername(frame.user) === normalizeUsername(asking.user);
    const devices = await this.options.store.listDevices(frame.user);
    const primary = devices.find((d) => d.certificate === undefined);
    if (primary === undefined) return refuse('unknown_user', 'no user with this name on this relay');
    return answer({
      type: 'device_list',
      rid: frame.rid,
      user: primary.address.user,
      accountKey: primary.identityKey,
      devices: devices.map((d) => listed(d, own)),
    });
  }

  private async remove(asking: Address, frame: RemoveDeviceFrame): Promise<DeviceAnswer> {
    const user = normalizeUsername(asking.user);
    const me = await this.options.store.findDevice(asking);
    const target = await this.options.store.findDevice({ user, device: frame.device });
    if (me === undefined || target === undefined) return refuse('unknown_device', 'this account has no such device');
    if (target.certificate === undefined) return refuse('not_primary', 'the primary device cannot be removed');
    if (me.certificate !== undefined && frame.device !== asking.device) {
      return refuse('not_primary', 'a linked device may only remove itself');
    }
    await this.options.store.removeDevice({ user, device: frame.device }, this.options.now());
    this.options.logger.info('relay.device_removed', { device: frame.device });
    const removed = { user, device: frame.device };
    // The answer leaves before a device removing itself is cut off.
    const result = answer({ type: 'device_removed', rid: frame.rid, device: frame.device });
    setImmediate(() => this.options.disconnect(removed));
    return result;
  }
}

function certificateVerifies(accountKey: string, user: string, identityKey: string, certificate: string): boolean {
  try {
    return verifyEd25519(accountKey, deviceCertificateBytes(user, fromBase64(identityKey)), certificate);
  } catch {
    return false;
  }
}

function listed(record: DeviceRecord, own: boolean): ListedDevice {
  return {
    device: record.address.device,
    identityKey: record.identityKey,
    ...(record.certificate === undefined ? {} : { certificate: record.certificate }),
    linkedAt: record.registeredAt,
    ...(own && record.lastSeenAt !== undefined ? { lastSeenAt: record.lastSeenAt } : {}),
    ...(own && record.name !== undefined ? { name: record.name } : {}),
  };
}

function answer(frame: ServerFrame): DeviceAnswer {
  return { ok: true, frame };
}

function refuse(code: ErrorCode, message: string): DeviceAnswer {
  return { ok: false, code, message };
}
