// Builds the client core a shell runs: config → client → IPC handlers → dispatcher. The shell supplies only the
// OS services (secret store, link opener) and where events go.
import { createIpcDispatcher, type AppInfo, type IpcDispatch } from '../../shared/ipc';
import { appInfo } from './app-info';
import { ParleyClient } from './client/ParleyClient';
import type { CoreConfig } from './config';
import { CoreEvents } from './events';
import { createIpcHandlers } from './ipc/handlers';
import { DeepLinkInbox } from './links/DeepLinkInbox';
import type { LinkOpener } from './links/LinkOpener';
import type { SecretStore } from './secrets';
import type { Logger } from './transport';

export interface CoreServices {
  shell: AppInfo['shell'];
  config: CoreConfig;
  secrets: SecretStore;
  links: LinkOpener;
  logger: Logger;
  /** Links that arrived before the core existed (macOS open-url at launch) are already in it; else a new one. */
  deepLinks?: DeepLinkInbox;
}

export interface Core {
  client: ParleyClient;
  dispatch: IpcDispatch;
  events: CoreEvents;
  deepLinks: DeepLinkInbox;
  close(): Promise<void>;
}

export async function createCore(services: CoreServices): Promise<Core> {
  const events = new CoreEvents();
  const client = await ParleyClient.open({
    config: services.config,
    secrets: services.secrets,
    events: events.emitter,
    logger: services.logger,
  });
  const deepLinks = services.deepLinks ?? new DeepLinkInbox(services.logger);
  const stopLinkEvents = deepLinks.onArrival(() => events.emitter.emit('links.deepLinkReceived', {}));
  const handlers = createIpcHandlers({ client, appInfo: appInfo(services.shell, services.config), links: services.links, deepLinks });
  const dispatch = createIpcDispatcher(handlers, {
    error: (event, fields) => services.logger.error(event, { channel: String(fields.channel), error: String(fields.error) }),
  });
  return {
    client,
    dispatch,
    events,
    deepLinks,
    close: () => {
      stopLinkEvents();
      return client.close();
    },
  };
}
