// electron-builder afterPack hook: sets Electron's fuses in the packaged binary (before it is signed), switching off
// what an attacker on the machine could use to run code as Parley, and making the app load only from its checked
// ASAR archive (docs/security.md §16.5). CommonJS because electron-builder requires hooks.
const path = require('node:path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');

/** Fuse → state. Anything not listed keeps Electron's default. */
const PARLEY_FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed Parley binary into a plain Node that runs any script.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS (e.g. --require) would inject code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends would open a debugger into the main process (also from a crafted command line).
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Chromium's cookie store encrypted with the OS keychain key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // The app.asar is checked against the hash in the binary (macOS, Windows), and only it is loaded.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
});

/** Where the packaged Electron binary is, per platform (the file holding the fuse wire). */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const product = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${product}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${product}.exe`);
  return path.join(appOutDir, packager.executableName ?? product);
}

/** electron-builder's Arch enum value for arm64. */
const ARCH_ARM64 = 3;

async function afterPack(context) {
  await flipFuses(electronBinaryPath(context), {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: false,
    // Flipping fuses breaks the ad-hoc signature an arm64 Mac needs to run an unsigned build.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARCH_ARM64,
    ...PARLEY_FUSES,
  });
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.PARLEY_FUSES = PARLEY_FUSES;
module.exports.electronBinaryPath = electronBinaryPath;
