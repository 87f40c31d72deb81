// The main window's decisions, pure (src/main/shell applies them; the window's webPreferences are written out in
// src/main/shell/window.ts): it may not navigate away from our page or open windows; a web link it tries to open
// that way is only handed to the OS browser after the user confirms; DevTools exist only in development.
import { isSafeExternalUrl } from '../links/link-policy';
import { isRendererUrl, type RendererLocation } from './navigation-policy';

/** DevTools only in development: a packaged build never has them. */
export function devToolsAllowed(isPackaged: boolean): boolean {
  return !isPackaged;
}

/**
 * What to do when the page tries to go to `url` (navigation, window.open, a target=_blank link): stay if it is our
 * own page; offer a web link to the OS browser once the user confirms; refuse everything else. The page itself
 * never leaves our renderer, and no new window is ever created.
 */
export type NavigationDecision = 'stay' | 'confirm-external' | 'deny';

export function navigationDecision(url: string, renderer: RendererLocation): NavigationDecision {
  if (isRendererUrl(url, renderer)) return 'stay';
  if (isSafeExternalUrl(url) && /^https?:/i.test(url)) return 'confirm-external';
  return 'deny';
}
