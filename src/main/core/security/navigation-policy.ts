// Pure policy for the Electron window: which URLs are our own renderer (trusted IPC senders, allowed to
// navigate). No 'electron' import, so it is unit-tested. Which links may open externally: core/links.

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
