// Chromium's CPU throttling (CDP Emulation.setCPUThrottlingRate): makes the renderer behave as on a slow or busy
// machine, so a test can prove a screen settles right however long its work takes.
import type { Page } from '@playwright/test';

/** Slows the page's CPU `rate` times; returns the function that restores full speed. */
export async function throttleCpu(page: Page, rate: number): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return async () => {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
  };
}
