// Every IPC channel's handler, over the core. Requests arrive already validated against the contract
// (src/shared/ipc/dispatcher.ts); handlers only translate between the contract and the core.
import { toBase64 } from '../../../shared/encoding/base64';
import { AppError, type AppInfo, type IpcHandlers } from '../../../shared/ipc';
import type { ParleyClient } from '../client/ParleyClient';
import { isSafeExternalUrl } from '../links/link-policy';
import { isAttachmentError } from '../media/cipher/AttachmentError';
import type { MediaLibrary } from '../media/MediaLibrary';
import { attachmentIdsOf } from '../media/MessageAttachments';
import { openAttachment } from '../media/openAttachment';
import type { DesktopPort } from '../desktop/DesktopPort';
import type { DeepLinkInbox } from '../links/DeepLinkInbox';
import type { LinkOpener } from '../links/LinkOpener';
import type { SettingsStore } from '../settings/SettingsStore';
import type { UpdatesPort } from '../updates/UpdatesPort';

export interface HandlerContext {
  client: ParleyClient;
  appInfo: AppInfo;
  links: LinkOpener;
  deepLinks: DeepLinkInbox;
  settings: SettingsStore;
  updates: UpdatesPort;
  desktop: DesktopPort;
}

export function createIpcHandlers({ client, appInfo, links, deepLinks, settings, updates, desktop }: HandlerContext): IpcHandlers {
  const messenger = () => client.messenger();
  const media = async <T>(call: (library: MediaLibrary) => Promise<T>): Promise<T> => {
    try {
      return await call(messenger().media);
    } catch (error) {
      if (!isAttachmentError(error)) throw error;
      throw error.code === 'unknown_attachment'
        ? new AppError('unknown_attachment', { id: 'attachment.unknown' })
        : new AppError('attachment_failed', { id: 'attachment.failed', params: { cause: error.code } });
    }
  };
  return {
    'app.info': async () => appInfo,
    'app.setUnreadCount': async ({ count }) => {
      desktop.setUnreadCount(count);
      return {};
    },
    'app.showWindow': async () => {
      desktop.showWindow();
      return {};
    },
    'account.get': async () => client.accountView(),
    'account.create': ({ username, relayUrl, fallbackRelayUrls }) => client.createAccount(username, [relayUrl, ...(fallbackRelayUrls ?? [])]),
    'account.setRelayUrls': ({ relayUrls }) => client.setRelayUrls(relayUrls),
    'devices.startLinking': ({ relayUrl, fallbackRelayUrls, name }) => client.startLinking([relayUrl, ...(fallbackRelayUrls ?? [])], name),
    'devices.cancelLinking': async () => {
      client.cancelLinking();
      return {};
    },
    'devices.previewLink': async ({ code }) => messenger().devices.preview(code),
    'devices.link': ({ code, history }) => messenger().devices.link(code, history),
    'devices.list': () => messenger().devices.list(),
    'devices.remove': async ({ device }) => {
      await messenger().devices.remove(device);
      return {};
    },
    'connection.get': async () => client.connection(),
    'connection.retry': async () => client.retryConnection(),
    // Errors: cannot_add_self, unknown_user, bad_bundle (also retryable: no prekeys yet), offline (retryable).
    'contacts.add': ({ username }) => messenger().addContact(username),
    'contacts.list': async () => messenger().listContacts(),
    'profiles.list': async () => messenger().profiles.list(),
    'profiles.setOwn': (request) => messenger().profiles.setOwn(request),
    // Errors: not_a_contact.
    'contacts.safetyNumber': async ({ username }) => messenger().safetyNumber(username),
    'contacts.setVerified': ({ username, verified }) => messenger().setVerified(username, verified),
    'contacts.acceptIdentity': ({ username }) => messenger().acceptIdentity(username),
    'contacts.setBlocked': ({ username, blocked }) => messenger().setBlocked(username, blocked),
    // Errors: not_a_contact, unknown_conversation, unknown_group, not_group_member, identity_changed,
    // message_too_large; retryable: offline, rate_limited, send_failed.
    'messages.send': (request) => messenger().send(request),
    'messages.pending': async () => messenger().handOverPending(),
    'messages.commit': async ({ inboxIds }) => {
      await messenger().commit(inboxIds);
      return {};
    },
    'history.key': async () => ({ key: toBase64(await messenger().historyKey()) }),
    'history.startExport': async ({ since }) => ({ exportId: messenger().historyExports.start(since) }),
    // Errors: unknown_export.
    'history.addToExport': async ({ exportId, conversations, messages }) => {
      messenger().historyExports.add(exportId, conversations, messages);
      return {};
    },
    'history.importState': async () => messenger().historyImport.view(),
    // Errors: no_history.
    'history.importBatch': ({ offset, limit }) => messenger().historyImport.batch(offset, limit),
    'history.finishImport': async () => {
      await messenger().historyImport.finish();
      return {};
    },
    // Errors: unknown_attachment, attachment_failed.
    'media.get': ({ id }) => media((library) => library.view(id)),
    'media.download': ({ id }) => media((library) => library.download(id)),
    'media.pause': ({ id }) => media((library) => library.pause(id)),
    'media.resume': ({ id }) => media((library) => library.resume(id)),
    'media.cancel': ({ id }) => media((library) => library.cancel(id)),
    'media.transfers': () => media((library) => library.listTransfers()),
    'media.forward': ({ ids }) => media((library) => library.forward(ids)),
    'media.open': ({ id }) => media(async (library) => ({ outcome: await openAttachment(library, desktop.files, id) })),
    'media.forgetMessages': async ({ messages }) => {
      await media((library) => library.forgetMessages(messages));
      return {};
    },
    'media.sweepList': ({ offset, limit }) => media((library) => library.sweepPage(offset, limit, () => attachmentIdsOf(messenger().pending()))),
    'media.sweep': async ({ ids }) => {
      await media((library) => library.sweep(ids));
      return {};
    },
    'groups.list': async () => messenger().listGroups(),
    // Errors: unknown_user, bad_bundle, cannot_add_self, offline (retryable).
    'groups.create': ({ name, members }) => messenger().createGroup(name, members),
    // Errors: unknown_group, not_group_member, not_group_admin, offline (retryable).
    'groups.rename': ({ groupId, name }) => messenger().renameGroup(groupId, name),
    'groups.addMembers': ({ groupId, members }) => messenger().addMembers(groupId, members),
    'groups.removeMember': ({ groupId, member }) => messenger().removeMember(groupId, member),
    'groups.makeAdmin': ({ groupId, member }) => messenger().makeAdmin(groupId, member),
    'groups.setApproval': ({ groupId, approveNewMembers }) => messenger().setGroupApproval(groupId, approveNewMembers),
    // Errors: unknown_group, not_group_member, not_group_admin, invalid_request (too many links).
    'groups.createInvite': (request) => messenger().createInvite(request),
    'groups.invites': ({ groupId }) => messenger().listInvites(groupId),
    'groups.revokeInvite': ({ groupId, inviteId }) => messenger().revokeInvite(groupId, inviteId),
    'groups.answerJoinRequest': ({ groupId, inviteId, user, approve }) => messenger().answerJoinRequest(groupId, inviteId, user, approve),
    // Errors: bad_invite, invite_expired.
    'groups.previewInvite': async ({ token }) => messenger().previewInvite(token),
    // Errors: bad_invite, invite_expired, unknown_user, offline (retryable).
    'groups.join': async ({ token }) => {
      await messenger().joinGroup(token);
      return {};
    },
    'groups.pendingJoins': () => messenger().pendingJoins(),
    'groups.leave': ({ groupId }) => messenger().leaveGroup(groupId),
    'links.open': async ({ url }) => {
      if (!isSafeExternalUrl(url)) throw new AppError('unsafe_link', { id: 'link.unsafe' });
      await links.open(url);
      return {};
    },
    'links.takeDeepLinks': async () => deepLinks.take(),
    'settings.get': async () => settings.get(),
    'settings.update': async (change) => {
      const before = settings.get().updateChannel;
      const after = await settings.update(change);
      if (after.updateChannel !== before) updates.channelChanged();
      return after;
    },
    'updates.get': async () => updates.view(),
    'updates.check': () => updates.check(),
    // Errors: update_not_ready.
    'updates.restart': async () => {
      updates.restart();
      return {};
    },
  };
}
