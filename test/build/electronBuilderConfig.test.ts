// build/electron-builder.yml passes electron-builder's own schema and asks for what the installers must do: every
// platform's targets (with the zip macOS updates need), the parley:// scheme on each OS, the generic update feed, the
// fuses hook, icons, and the app files without the relay's native module. (`npm run dist` itself needs the Electron
// download, so it does not run here.)
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: object, logger: object): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger') as { DebugLogger: new (enabled: boolean) => object };

const config = (await getConfig(process.cwd(), 'build/electron-builder.yml', null)) as Record<string, Record<string, unknown>> & { files: { filter: string[] }[] };

describe('build/electron-builder.yml', () => {
  it('is valid electron-builder configuration', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds AppImage and deb, NSIS, and dmg plus the zip macOS updates need', () => {
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    expect(config.win!.target).toEqual(['nsis']);
    expect(config.mac!.target).toEqual(['dmg', 'zip']);
  });

  it('registers parley:// everywhere and publishes to the generic update feed', () => {
    expect(config.protocols).toEqual([{ name: 'Parley link', schemes: ['parley'] }]);
    expect(config.linux!.mimeTypes).toContain('x-scheme-handler/parley');
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.PARLEY_UPDATE_FEED_URL}' });
  });

  it('sets the fuses after packing, and ships icons, entitlements and the tray icon', async () => {
    expect(config.afterPack).toBe('build/afterPack.cjs');
    for (const file of [config.afterPack, config.linux!.icon, config.win!.icon, config.mac!.icon, config.mac!.entitlements, 'resources/icon.png'] as string[]) {
      await expect(access(file)).resolves.toBeUndefined();
    }
    expect(config.mac!.hardenedRuntime).toBe(true);
    expect(config.files.flatMap((entry) => entry.filter)).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'resources/**', '!node_modules/better-sqlite3/**']));
  });
});
