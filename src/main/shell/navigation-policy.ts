// Pure policy for the Electron window: which URLs are our own renderer (trusted IPC senders, allowed to
// navigate) and which links may be handed to the OS browser. No 'electron' import, so it is unit-tested.

export interface RendererLocation {
  /** The dev server origin in development (electron-vite sets ELECTRON_RENDERER_URL), else undefined. */
  devServerUrl?: string;
  /** file:// URL of the built index.html in production. */
  indexFileUrl: string;
}

/** True only for our renderer page: the exact built file, or the dev server's origin in development. */
export function isRendererUrl(url: string, location: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.devServerUrl) {
    return parsed.origin === new URL(location.devServerUrl).origin;
  }
  const expected = new URL(location.indexFileUrl);
  return parsed.protocol === 'file:' && parsed.pathname === expected.pathname;
}

const EXTERNAL_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);

/** Links a user clicked that may open in the OS: web and mail links only, no credentials, no local hosts. */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!EXTERNAL_PROTOCOLS.has(parsed.protocol)) return false;
  if (parsed.protocol === 'mailto:') return true;
  if (parsed.username || parsed.password) return false;
  return parsed.hostname !== '' && url.length <= 2048;
}
