// The transport's side of linked devices: the relay's device list as bytes (its frame was validated already).
import { fromBase64 } from '../../../shared/encoding/base64';
import type { DeviceListFrame } from '../../../shared/protocol';
import type { AccountDevices } from './types';

export function decodeDeviceList(frame: DeviceListFrame): AccountDevices {
  return {
    user: frame.user,
    accountKey: fromBase64(frame.accountKey),
    devices: frame.devices.map((d) => ({
      device: d.device,
      identityKey: fromBase64(d.identityKey),
      ...(d.certificate === undefined ? {} : { certificate: fromBase64(d.certificate) }),
      linkedAt: d.linkedAt,
      ...(d.lastSeenAt === undefined ? {} : { lastSeenAt: d.lastSeenAt }),
      ...(d.name === undefined ? {} : { name: fromBase64(d.name) }),
    })),
  };
}
