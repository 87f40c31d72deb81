// Every IPC channel's handler, over the core. Requests arrive already validated against the contract
// (src/shared/ipc/dispatcher.ts); handlers only translate between the contract and the core.
import { AppError, type AppInfo, type IpcHandlers } from '../../../shared/ipc';
import type { ParleyClient } from '../client/ParleyClient';
import { isSafeExternalUrl } from '../links/link-policy';
import type { LinkOpener } from '../links/LinkOpener';

export interface HandlerContext {
  client: ParleyClient;
  appInfo: AppInfo;
  links: LinkOpener;
}

export function createIpcHandlers({ client, appInfo, links }: HandlerContext): IpcHandlers {
  const notYet = async (): Promise<never> => {
    throw new AppError('internal', 'Messaging is not available in this build yet.');
  };
  return {
    'app.info': async () => appInfo,
    'account.get': async () => client.accountView(),
    'account.create': ({ username, relayUrl }) => client.createAccount(username, relayUrl),
    'account.setRelayUrl': ({ relayUrl }) => client.setRelayUrl(relayUrl),
    'connection.get': async () => client.connection(),
    'connection.retry': async () => client.retryConnection(),
    'contacts.add': notYet,
    'contacts.list': notYet,
    'contacts.safetyNumber': notYet,
    'contacts.setVerified': notYet,
    'contacts.acceptIdentity': notYet,
    'messages.send': notYet,
    'messages.pending': notYet,
    'messages.commit': notYet,
    'groups.list': notYet,
    'groups.create': notYet,
    'groups.rename': notYet,
    'groups.addMembers': notYet,
    'groups.removeMember': notYet,
    'groups.leave': notYet,
    'links.open': async ({ url }) => {
      if (!isSafeExternalUrl(url)) throw new AppError('unsafe_link', 'Parley only opens web and e-mail links.');
      await links.open(url);
      return {};
    },
  };
}
