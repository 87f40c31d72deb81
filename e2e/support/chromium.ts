// How every e2e test launches Chromium: Debian's binary (never `playwright install`) with the flags this
// sandboxed, offline machine needs.
import type { LaunchOptions } from '@playwright/test';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A fake microphone and camera (a tone and a test pattern), allowed without a prompt: voice notes are recorded in e2e.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Chromium's own omnibox popup, a WebUI page of its browser window, is loaded in a renderer of its own with every
  // new window: in a catch-up it took 1.4 s of CPU beside the app's page (its 'renderer' seconds counted it too).
  // The app has no omnibox (Electron), so the tests' browser runs without one.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

export function chromiumLaunchOptions(): LaunchOptions {
  return { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS };
}
