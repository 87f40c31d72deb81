// The bridges that build window.parley before the app starts carry the contract's channel names and nothing of zod
// or the contract's schemas: building those took the page 150–180 ms of its launch (src/shared/ipc/channelNames.ts).
import { resolve } from 'node:path';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

async function modulesOf(configFile: string): Promise<string[]> {
  // One output per format of the library build.
  const outputs = (await build({ configFile: resolve(configFile), logLevel: 'silent', build: { write: false } })) as Rolldown.RolldownOutput[];
  return outputs.flatMap(({ output }) => output.flatMap((part) => (part.type === 'chunk' ? part.moduleIds : [])));
}

describe('the browser shell bridge', () => {
  it('bundles no zod and no schema of the contract', async () => {
    const modules = await modulesOf('vite.bridge.config.ts');
    expect(modules.some((id) => id.endsWith('src/preload/browser.ts'))).toBe(true);
    expect(modules.filter((id) => /node_modules\/zod\/|src\/shared\/ipc\/(contract|schemas\/)/.test(id))).toEqual([]);
  });
});
