// The contract's channel names alone, for the bridges (the Electron preload and the browser shell's bridge): a bridge
// checks only that a channel exists — main validates every request, the renderer every event — and building every
// schema of the contract, and zod, before the app starts took the page 150–180 ms of its launch (bench:ui catch-up,
// docs/architecture.md "Testing without Electron"). contract.ts fails to compile unless these are exactly its channels.

export const INVOKE_CHANNELS = [
  'app.info', 'app.setUnreadCount', 'app.showWindow', 'account.get', 'account.create', 'account.setRelayUrls',
  'devices.startLinking', 'devices.cancelLinking', 'devices.previewLink', 'devices.link', 'devices.list',
  'devices.remove', 'connection.get', 'connection.retry', 'contacts.add', 'contacts.list', 'contacts.safetyNumber',
  'contacts.setVerified', 'contacts.acceptIdentity', 'contacts.setBlocked', 'profiles.list', 'profiles.setOwn',
  'messages.send', 'messages.pending', 'messages.commit', 'history.key', 'history.startExport',
  'history.addToExport', 'history.importState', 'history.importBatch', 'history.finishImport', 'media.get',
  'media.download', 'media.pause', 'media.resume', 'media.cancel', 'media.transfers', 'media.forward', 'media.open',
  'media.forgetMessages', 'media.sweepList', 'media.sweep', 'groups.list', 'groups.create', 'groups.rename',
  'groups.addMembers', 'groups.removeMember', 'groups.makeAdmin', 'groups.setApproval', 'groups.leave',
  'groups.createInvite', 'groups.invites', 'groups.revokeInvite', 'groups.answerJoinRequest', 'groups.previewInvite',
  'groups.join', 'groups.pendingJoins', 'links.open', 'links.takeDeepLinks', 'settings.get', 'settings.update',
  'updates.get', 'updates.check', 'updates.restart',
] as const;

export const EVENT_CHANNELS = [
  'connection.changed', 'devices.linking', 'messages.received', 'contacts.changed', 'contacts.deviceLinked',
  'profiles.changed', 'groups.changed', 'groups.invitesChanged', 'groups.joinAnswered', 'groups.pendingJoinsChanged',
  'history.importChanged', 'media.changed', 'links.deepLinkReceived', 'settings.changed', 'updates.changed',
] as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

const invokeNames = new Set<string>(INVOKE_CHANNELS);
const eventNames = new Set<string>(EVENT_CHANNELS);

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && invokeNames.has(name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && eventNames.has(name);
}
