// How a device of this account reads in the UI: its name, when it was linked, when it was last seen; and the name
// a new device suggests for itself.
import type { DeviceView } from '../../../shared/ipc';
import { formatDay, formatTime } from '../../ui/time';

/** The primary has no name at the relay (it registered the account); a name that does not open has none either. */
export function deviceName(device: DeviceView): string {
  return device.name ?? (device.primary ? 'Primary device' : 'Unnamed device');
}

export function linkedText(device: DeviceView, now = Date.now()): string {
  return device.primary ? `Created the account ${formatDay(device.linkedAt, now)}` : `Linked ${formatDay(device.linkedAt, now)}`;
}

/** Null for this device (it is here now). */
export function lastSeenText(device: DeviceView, now = Date.now()): string | null {
  if (device.current) return null;
  if (device.lastSeenAt === null) return 'Not seen yet';
  return `Last seen ${formatDay(device.lastSeenAt, now)}, ${formatTime(device.lastSeenAt)}`;
}

/** The line a contact's new device leaves in the chat with them (a certified device: no key change). */
export function linkedDeviceLine(username: string): string {
  return `${username} linked a new device`;
}

/** A first guess at this computer's name, from the browser's description of its system; the user can change it. */
export function suggestedDeviceName(userAgent: string): string {
  if (/Macintosh|Mac OS X/.test(userAgent)) return 'Mac';
  if (/Windows/.test(userAgent)) return 'Windows PC';
  if (/Linux|X11/.test(userAgent)) return 'Linux computer';
  return 'Computer';
}

/** "2:05 left" until `expiresAt`, or null once it passed. */
export function timeLeftText(expiresAt: number, now = Date.now()): string | null {
  const seconds = Math.ceil((expiresAt - now) / 1000);
  if (seconds <= 0) return null;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} left`;
}
