// Builds the browser-shell bridge (src/preload/browser.ts) into one classic script the host injects into
// the renderer page, so window.parley exists before the app starts (docs/architecture.md, "Testing without Electron").
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: resolve('out/browser-bridge'),
    emptyOutDir: true,
    lib: { entry: resolve('src/preload/browser.ts'), formats: ['iife'], name: 'parleyBridge', fileName: () => 'bridge.js' },
  },
});
