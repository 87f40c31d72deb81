// The afterPack hook against a stand-in Electron binary carrying a real fuse wire (sentinel, version 1, eight
// fuses): it sets exactly Parley's fuses with @electron/fuses, in the file electron-builder packaged for each platform.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

const require = createRequire(import.meta.url);
const hook = require('../../build/afterPack.cjs') as ((context: object) => Promise<void>) & {
  PARLEY_FUSES: Record<number, boolean>;
  electronBinaryPath(context: object): string;
};

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults as shipped: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, ASAR checks off, … */
const SHIPPED_WIRE = '10110001';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-fuses-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function fakeBinary(path: string) {
  await writeFile(path, Buffer.concat([Buffer.from('\x7fELF padding '.repeat(50)), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from(SHIPPED_WIRE), Buffer.from(' tail')]));
}

const linux = (appOutDir: string) => ({ appOutDir, electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'Parley' }, executableName: 'parley' } });

describe('build/afterPack.cjs', () => {
  it('finds the binary of each platform', () => {
    expect(hook.electronBinaryPath(linux('/out'))).toBe('/out/parley');
    expect(hook.electronBinaryPath({ ...linux('/out'), electronPlatformName: 'win32' })).toBe('/out/Parley.exe');
    expect(hook.electronBinaryPath({ ...linux('/out'), electronPlatformName: 'darwin' })).toBe('/out/Parley.app');
  });

  it('turns off run-as-node, NODE_OPTIONS and --inspect, and turns on cookie encryption and ASAR-only loading with integrity checks', async () => {
    const binary = join(dir, 'parley');
    await fakeBinary(binary);
    await hook(linux(dir));
    const wire = await getCurrentFuseWire(binary);
    const state = (fuse: FuseV1Options) => String.fromCharCode(wire[fuse] as number);
    expect(state(FuseV1Options.RunAsNode)).toBe('0');
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1');
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    // The fuses Parley does not set keep what Electron shipped.
    expect(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe(SHIPPED_WIRE[6]);
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(SHIPPED_WIRE[7]);
    // Nothing but the wire changed.
    const bytes = await readFile(binary);
    expect(bytes.subarray(bytes.length - 5).toString()).toBe(' tail');
  });

  it('fails the build when the binary carries no fuse wire', async () => {
    await writeFile(join(dir, 'parley'), 'not electron');
    await expect(hook(linux(dir))).rejects.toThrow(/sentinel/);
  });
});
