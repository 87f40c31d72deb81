// The composition root when the keychain changed since the keys were stored (Linux: another desktop session):
// it explains and quits before any window or core exists, instead of failing to decrypt.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./shell/testing/fakeElectron'));

const electron = await import('./shell/testing/fakeElectron');
const dataDir = await mkdtemp(join(tmpdir(), 'parley-index-keychain-'));
await writeFile(join(dataDir, 'secret-backend.json'), JSON.stringify({ backend: 'keychain:kwallet5' }));
await writeFile(join(dataDir, 'account.json'), '{}');
process.env.PARLEY_APP_DATA_DIR = dataDir;
electron.app.paths.userData = dataDir;
electron.safeStorage.backend = 'gnome_libsecret';

await import('./index');
electron.app.markReady();
await vi.waitFor(() => expect(electron.app.quitCalls).toBe(1));

afterAll(async () => {
  delete process.env.PARLEY_APP_DATA_DIR;
  await rm(dataDir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('src/main/index.ts with a changed keychain', () => {
  it('shows why and quits, with no window and no IPC', () => {
    expect(electron.dialog.errors).toEqual([{ title: 'Parley cannot open your keys', content: expect.stringMatching(/KWallet \(kwallet5\).*cannot open them/s) }]);
    expect(electron.BrowserWindow.instances).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});
