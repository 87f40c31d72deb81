// Builds the client core a shell runs: config → client → IPC handlers → dispatcher. The shell supplies only the
// OS services (secret store, link opener) and where events go.
import { createIpcDispatcher, type AppInfo, type IpcDispatch } from '../../shared/ipc';
import { appInfo } from './app-info';
import { ParleyClient } from './client/ParleyClient';
import { nodeMlKemBackend } from './crypto/node-provider';
import type { CoreConfig } from './config';
import { CoreEvents } from './events';
import { createIpcHandlers } from './ipc/handlers';
import { noDesktop, type DesktopPort } from './desktop/DesktopPort';
import { DeepLinkInbox } from './links/DeepLinkInbox';
import { createMediaRequestHandler, type MediaRequest, type MediaResponse } from './media/serve/mediaRequests';
import type { LinkOpener } from './links/LinkOpener';
import { SettingsStore } from './settings/SettingsStore';
import { noUpdates, type UpdatesPort, type UpdatesWiring } from './updates/UpdatesPort';
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
  /** The update channel (Electron); without it the app says it does not update itself. */
  updates?: (wiring: UpdatesWiring) => UpdatesPort | Promise<UpdatesPort>;
  /** Badge, tray and window (Electron); nothing in the browser shell. */
  desktop?: DesktopPort;
  /** The messaging clock; Date.now unless a test moves time on. */
  now?: () => number;
}

export interface Core {
  client: ParleyClient;
  dispatch: IpcDispatch;
  events: CoreEvents;
  deepLinks: DeepLinkInbox;
  settings: SettingsStore;
  updates: UpdatesPort;
  /** The media URL's requests (parley-media:// in Electron, /__parley/media in the browser shell). */
  media: (request: MediaRequest) => Promise<MediaResponse>;
  close(): Promise<void>;
}

export async function createCore(services: CoreServices): Promise<Core> {
  const events = new CoreEvents();
  const settings = await SettingsStore.open(services.config.dataDir, services.logger);
  const client = await ParleyClient.open({
    config: services.config,
    secrets: services.secrets,
    events: events.emitter,
    logger: services.logger,
    now: services.now,
    autoDownloadLimits: () => settings.get().autoDownload,
  });
  // Which ML-KEM runs (docs/security.md §2.1): the WebAssembly liboqs, or noble where the module could not load —
  // the same bytes at about five times the CPU, said out loud so a packaging problem does not hide.
  if (nodeMlKemBackend === 'noble') services.logger.warn('crypto.ml_kem_backend', { backend: nodeMlKemBackend });
  else services.logger.info('crypto.ml_kem_backend', { backend: nodeMlKemBackend });
  const deepLinks = services.deepLinks ?? new DeepLinkInbox(services.logger);
  const stopLinkEvents = deepLinks.onArrival(() => events.emitter.emit('links.deepLinkReceived', {}));
  const stopSettingsEvents = settings.onChange((value) => {
    events.emitter.emit('settings.changed', value);
    client.autoDownloadLimitsChanged();
  });
  const info = appInfo(services.shell, services.config);
  const wiring: UpdatesWiring = { channel: () => settings.get().updateChannel, onChange: (view) => events.emitter.emit('updates.changed', view) };
  const updates = (await services.updates?.(wiring)) ?? noUpdates(info.version, 'not_self_updating', wiring.channel);
  const handlers = createIpcHandlers({ client, appInfo: info, links: services.links, deepLinks, settings, updates, desktop: services.desktop ?? noDesktop });
  const dispatch = createIpcDispatcher(handlers, {
    error: (event, fields) => services.logger.error(event, { channel: String(fields.channel), error: String(fields.error) }),
  });
  return {
    client,
    dispatch,
    events,
    deepLinks,
    settings,
    updates,
    media: createMediaRequestHandler(() => client.messenger().media),
    close: () => {
      stopLinkEvents();
      stopSettingsEvents();
      return client.close();
    },
  };
}
