// Which web permissions the renderer gets: notifications, and the microphone (audio only) for voice notes — and
// only our own renderer page gets even those. Everything else (camera, screen capture, geolocation, MIDI, USB, HID,
// serial, clipboard reading, pointer lock, opening external protocols, ...) is denied. Pure, so it is unit-tested;
// src/main/shell/security.ts installs it on the session.
import { isRendererUrl, type RendererLocation } from './navigation-policy';

export interface PermissionAsk {
  /** Electron's permission name ('notifications', 'media', 'geolocation', ...). */
  permission: string;
  /** URL (request handler) or origin (check handler) of the frame that asks. */
  requester: string;
  /** For 'media': what it wants ('audio', 'video'); absent or empty means not stated. */
  mediaTypes?: readonly string[];
}

export function permissionGranted(ask: PermissionAsk, renderer: RendererLocation): boolean {
  if (!isOurPage(ask.requester, renderer)) return false;
  switch (ask.permission) {
    case 'notifications':
      return true;
    case 'media':
      return ask.mediaTypes !== undefined && ask.mediaTypes.length > 0 && ask.mediaTypes.every((type) => type === 'audio');
    default:
      return false;
  }
}

/** Permission checks pass an origin ("file://" for a file page, "http://localhost:5173" in development). */
function isOurPage(requester: string, renderer: RendererLocation): boolean {
  if (isRendererUrl(requester, renderer)) return true;
  if (renderer.devServerUrl) return false;
  return requester === 'file://' || requester === 'file:///';
}
