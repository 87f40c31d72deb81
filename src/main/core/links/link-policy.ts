// Which links from messages may be handed to the OS: web and mail links only, no credentials, bounded length.
// Messages come from other people, so everything else (file:, javascript:, custom schemes) is refused.

const EXTERNAL_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);
const MAX_LINK_LENGTH = 2048;

export function isSafeExternalUrl(url: string): boolean {
  if (url.length > MAX_LINK_LENGTH) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!EXTERNAL_PROTOCOLS.has(parsed.protocol)) return false;
  if (parsed.protocol === 'mailto:') return true;
  if (parsed.username || parsed.password) return false;
  return parsed.hostname !== '';
}
