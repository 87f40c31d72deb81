// Electron-only: the packaged shell starts, shows the renderer with a working window.parley, and keeps Node
// out of the page. Skips itself, with the reason, where no Electron binary exists.
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary } from '../../scripts/electron-binary';

const binary = electronBinary();
if ('missing' in binary) console.log(`[electron specs] skipped: ${binary.missing}`);

test('the Electron app opens onboarding with a sandboxed renderer', async () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');
  const userData = await mkdtemp(join(tmpdir(), 'parley-electron-'));
  const app = await electron.launch({
    executablePath: 'path' in binary ? binary.path : undefined,
    args: ['.', `--user-data-dir=${userData}`, '--no-sandbox'],
    env: { ...process.env, PARLEY_APP_DATA_DIR: userData },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { parley?: { invoke?: unknown } }).parley?.invoke)).toBe('function');
  } finally {
    await app.close();
    await rm(userData, { recursive: true, force: true });
  }
});
