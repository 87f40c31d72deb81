// Where parley:// links reach the Electron app: its own command line (Windows, Linux), a second launch that hands
// its command line over and quits (single instance), and macOS `open-url`, which can fire before the app is ready.
// Every one goes to the core's inbox, whose parser decides; the window is brought forward.
import { app } from 'electron';
import { DEEP_LINK_SCHEME, deepLinkCandidates } from '../core/links/deepLink';
import type { DeepLinkInbox } from '../core/links/DeepLinkInbox';

/**
 * Call before app is ready (macOS delivers launch links as `open-url` right away); `focus` may run early.
 * Returns how many links the app's own command line carried.
 */
export function receiveDeepLinks(inbox: DeepLinkInbox, argv: readonly string[], focus: () => void): number {
  // Installers register the scheme (build/electron-builder.yml); this keeps the registration current after a move.
  // Reviewed (docs/security.md §16.2): every parley:// link goes through the allow-list parser, nothing else.
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME); // eng-disable PROTOCOL_HANDLER_JS_CHECK
  const launchLinks = deepLinkCandidates(argv);
  for (const raw of launchLinks) inbox.receive(raw, 'argv');
  app.on('open-url', (event, url) => {
    event.preventDefault();
    inbox.receive(url, 'open-url');
    focus();
  });
  app.on('second-instance', (_event, secondArgv) => {
    for (const raw of deepLinkCandidates(secondArgv)) inbox.receive(raw, 'second-instance');
    focus();
  });
  return launchLinks.length;
}
