// Constants electron.vite.config.ts writes into the main bundle at build time (absent when the sources run
// unbundled, e.g. under Vitest).
declare const __PARLEY_UPDATE_FEED_URL__: string | undefined;
declare const __PARLEY_RELEASE_PUBLIC_KEY__: string | undefined;
