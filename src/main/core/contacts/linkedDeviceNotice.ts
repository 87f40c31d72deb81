// "alice linked a new device": the devices a contact gained since this device last knew them, told to the renderer
// for a line in the chat — a certified new device is no key change and gets no warning (docs/security.md §18).
// Only for a contact already known with some device: the devices found when first meeting someone are not news.
import type { MessagingContext } from '../messaging/context';
import type { Peer } from './identityTrust';

export function newlyLinkedDevices(before: Peer | undefined, after: Peer | undefined): number[] {
  if (!before || before.devices.length === 0 || !after?.contact) return [];
  return after.devices.filter((d) => !before.devices.some((known) => known.device === d.device)).map((d) => d.device);
}

export function announceLinkedDevices(ctx: MessagingContext, before: Peer | undefined, after: Peer | undefined): void {
  if (!after || after.username === ctx.me.user) return;
  for (const device of newlyLinkedDevices(before, after)) {
    ctx.events.emit('contacts.deviceLinked', { username: after.username, device, at: ctx.now() });
  }
}
