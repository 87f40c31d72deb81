// Applies the window and session policy of src/main/core/security to Electron: permission requests and checks,
// the CSP header, and — for every web contents the app ever creates — no webviews, no new windows, no navigation
// away from our renderer; a web link the page tries to open that way goes to the OS browser after the user confirms.
import { app, BrowserWindow, dialog, session, shell, type WebContents } from 'electron';
import { withContentSecurityPolicy } from '../core/security/contentSecurityPolicy';
import type { RendererLocation } from '../core/security/navigation-policy';
import { permissionGranted } from '../core/security/permissions';
import { navigationDecision } from '../core/security/windowPolicy';

/** Call once the app is ready, before the first window. */
export function hardenSession(renderer: RendererLocation): void {
  const defaultSession = session.defaultSession;
  defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(permissionGranted({ permission, requester: details.requestingUrl, mediaTypes }, renderer));
  });
  defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    const mediaTypes = details.mediaType ? [details.mediaType] : undefined;
    return permissionGranted({ permission, requester: requestingOrigin, mediaTypes }, renderer);
  });
  // USB, HID and serial devices, Bluetooth: never.
  defaultSession.setDevicePermissionHandler(() => false);
  defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}

/** Call before any window exists: guards every web contents, including any created later. */
export function guardWebContents(renderer: RendererLocation): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (navigationDecision(url, renderer) === 'confirm-external') void offerExternally(contents, url);
      return { action: 'deny' };
    });
    const keepOnRenderer = (event: { preventDefault(): void }, url: string) => {
      const decision = navigationDecision(url, renderer);
      if (decision === 'stay') return;
      event.preventDefault();
      if (decision === 'confirm-external') void offerExternally(contents, url);
    };
    contents.on('will-navigate', keepOnRenderer);
    contents.on('will-redirect', keepOnRenderer);
  });
}

/** Asks before handing a web link to the OS browser; the link text is shown in full so the user sees where it goes. */
async function offerExternally(contents: WebContents, url: string): Promise<void> {
  const options = {
    type: 'question' as const,
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Open this link in your web browser?',
    detail: url,
  };
  const owner = BrowserWindow.fromWebContents(contents);
  const { response } = owner ? await dialog.showMessageBox(owner, options) : await dialog.showMessageBox(options);
  // Reviewed (docs/security.md §16.1): only http/https without credentials, after the user chose to open it.
  if (response === 0) await shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
}
