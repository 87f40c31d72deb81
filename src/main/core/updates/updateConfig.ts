// Where updates come from and which key signs them. Both are set when the app is built (electron.vite.config.ts
// reads PARLEY_UPDATE_FEED_URL and PARLEY_RELEASE_PUBLIC_KEY into the main bundle). At run time the feed URL may be
// overridden (PARLEY_UPDATE_FEED_URL; signatures still decide), the key only in development builds: a packaged
// build trusts no key but the one it was built with.
import { fromBase64 } from '../../../shared/encoding/base64';
import type { UpdateOffReason } from '../../../shared/ipc';

export interface BuildUpdateSettings {
  feedUrl: string;
  releasePublicKey: string;
}

export type UpdateConfig = { enabled: true; feedUrl: string; publicKey: Uint8Array } | { enabled: false; reason: UpdateOffReason };

export function resolveUpdateConfig(build: BuildUpdateSettings, env: Readonly<Record<string, string | undefined>>, isPackaged: boolean): UpdateConfig {
  const feedUrl = (env.PARLEY_UPDATE_FEED_URL?.trim() || build.feedUrl).trim();
  const keyText = ((isPackaged ? '' : env.PARLEY_RELEASE_PUBLIC_KEY?.trim()) || build.releasePublicKey).trim();
  if (!feedUrl) return { enabled: false, reason: 'no_feed' };
  if (!isFeedUrl(feedUrl, isPackaged)) return { enabled: false, reason: 'bad_feed_url' };
  const publicKey = decodeKey(keyText);
  if (!publicKey) return { enabled: false, reason: 'no_release_key' };
  return { enabled: true, feedUrl, publicKey };
}

/** https only; plain http only on loopback in development builds (a local test feed). */
function isFeedUrl(text: string, isPackaged: boolean): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return !isPackaged && url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]');
}

function decodeKey(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return null;
  const key = fromBase64(text);
  return key.length === 32 ? key : null;
}
