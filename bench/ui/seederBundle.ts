// Builds inPage/seeder.ts and what it imports of the renderer (Dexie, the at-rest middleware, the search code) into
// one script for page.evaluate, with the project's own bundler (Vite). Built once per run, in memory.
import { build } from 'vite';
import { join } from 'node:path';
import { REPO_ROOT } from './harness';

let built: Promise<string> | undefined;

export function seederSource(): Promise<string> {
  built ??= bundle();
  return built;
}

async function bundle(): Promise<string> {
  const result = await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      emptyOutDir: false,
      lib: { entry: join(REPO_ROOT, 'bench/ui/inPage/seeder.ts'), formats: ['iife'], name: 'parleyBenchSeederBundle' },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    const chunk = output.output.find((item) => item.type === 'chunk');
    if (chunk && chunk.type === 'chunk') return chunk.code;
  }
  throw new Error('the in-page seeder did not build');
}
