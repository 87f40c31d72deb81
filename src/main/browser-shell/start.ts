// Composition root of the browser shell: the real core with a file-backed secret store, served to Chromium by
// the loopback host (docs/architecture.md). Used by `npm run start:browser` and the e2e suite.
import { createCore, type Core } from '../core/createCore';
import type { CoreConfig } from '../core/config';
import type { LinkOpener } from '../core/links/LinkOpener';
import { APP_VERSION } from '../core/app-info';
import { FileSecretStore } from '../core/secrets';
import { noUpdates } from '../core/updates/UpdatesPort';
import { stderrLogger, type Logger } from '../core/transport';
import { startBrowserHost } from './host';
import { osLinkOpener } from './os-link-opener';

export interface BrowserShellOptions {
  config: CoreConfig;
  /** Built renderer (out/renderer) and bridge script (out/browser-bridge/bridge.js). */
  rendererDir: string;
  bridgeFile: string;
  port?: number;
  links?: LinkOpener;
  logger?: Logger;
}

export interface BrowserShell {
  url: string;
  core: Core;
  close(): Promise<void>;
}

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const secrets = await FileSecretStore.open(options.config.dataDir);
  const core = await createCore({
    shell: 'browser',
    config: options.config,
    secrets,
    links: options.links ?? osLinkOpener,
    logger: options.logger ?? stderrLogger,
    updates: ({ channel }) => noUpdates(APP_VERSION, 'browser_shell', channel),
  });
  const host = await startBrowserHost({
    rendererDir: options.rendererDir,
    bridgeFile: options.bridgeFile,
    port: options.port,
    dispatch: core.dispatch,
    media: core.media,
    onDeepLink: (raw) => core.deepLinks.receive(raw, 'browser-host'),
    onNetworkChanged: () => core.client.networkChanged(),
  });
  const unsubscribe = core.events.subscribe((event, payload) => host.broadcast(event, payload));
  return {
    url: host.url,
    core,
    async close() {
      unsubscribe();
      await host.close();
      await core.close();
    },
  };
}
