// Builds of the desktop app: main (Node, Electron), preload (sandboxed, self-contained) and renderer (React).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    // Where updates come from and the key that signs them are fixed when the app is built (docs/security.md §16.4).
    define: {
      __PARLEY_UPDATE_FEED_URL__: JSON.stringify(process.env.PARLEY_UPDATE_FEED_URL ?? ''),
      __PARLEY_RELEASE_PUBLIC_KEY__: JSON.stringify(process.env.PARLEY_RELEASE_PUBLIC_KEY ?? ''),
    },
    build: {
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    // A sandboxed preload can only require 'electron': what else it imports is bundled in. It imports no other package
    // (only the contract's channel names, src/shared/ipc/channelNames.ts); one added would be externalised by default
    // and need `externalizeDeps: { exclude: [...] }` here.
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      // electron-vite leaves the renderer unminified; minified, the bundle is a third of the size to parse and
      // compile at every launch.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
