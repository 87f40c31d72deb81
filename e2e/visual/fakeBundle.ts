// Bundles the renderer's in-memory fake window.parley (src/renderer/testing/visualFake.ts) into one classic
// script for page.addInitScript. Only the fake is built here; the app under test is the real out/renderer build.
import { resolve } from 'node:path';
import { build, type Rollup } from 'vite';

export async function bundleFakeParley(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write: false,
      minify: false,
      emptyOutDir: false,
      lib: { entry: resolve('src/renderer/testing/visualFake.ts'), formats: ['iife'], name: 'parleyVisualFake', fileName: () => 'fake.js' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunk = outputs.flatMap((output) => output.output).find((item): item is Rollup.OutputChunk => item.type === 'chunk');
  if (!chunk) throw new Error('bundling the fake window.parley produced no script');
  return chunk.code;
}
