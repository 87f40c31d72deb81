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
];

export function chromiumLaunchOptions(): LaunchOptions {
  return { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS };
}
