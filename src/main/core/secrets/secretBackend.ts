// Which mechanism protects this device's keys, and whether it is the one that protected them last time. On Linux,
// Electron's safeStorage picks a backend per session (GNOME libsecret, KWallet, or "basic_text", a key hard-coded
// in Chromium): a key sealed by one cannot be opened by another, and basic_text protects nothing. So basic_text
// counts as no keychain (the key-file store is used, and the user is told), and a backend that differs from the
// recorded one stops the app with an explanation instead of failing to decrypt (Signal Desktop issues 6944, 6970).

/** `keychain:<name>` for an OS keychain through safeStorage, `file` for the key-file store. */
export type SecretBackend = `keychain:${string}` | 'file';

export interface KeychainFacts {
  platform: string;
  /** safeStorage.isEncryptionAvailable() once the app is ready. */
  encryptionAvailable: boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux, else null. */
  linuxBackend: string | null;
}

/** Chromium's Linux backends that are no keychain at all. */
const NOT_A_KEYCHAIN = new Set(['basic_text', 'unknown']);

export function chooseSecretBackend(facts: KeychainFacts): SecretBackend {
  if (!facts.encryptionAvailable) return 'file';
  if (facts.platform === 'darwin') return 'keychain:macos';
  if (facts.platform === 'win32') return 'keychain:dpapi';
  const backend = facts.linuxBackend ?? 'unknown';
  return NOT_A_KEYCHAIN.has(backend) ? 'file' : `keychain:${backend}`;
}

export type SecretBackendCheck =
  /** Protect secrets with `backend`; write it as the record if `record` (first use, or nothing protected yet). */
  | { kind: 'use'; backend: SecretBackend; record: boolean }
  /** Keys exist under another backend: opening them would fail. Stop and show `message`. */
  | { kind: 'changed'; previous: SecretBackend; current: SecretBackend; message: string };

/**
 * `recorded`: the backend written at the last start (null: none, e.g. a data folder older than the record);
 * `hasProtectedSecrets`: an account (and with it a protected private key and vault key) exists.
 */
export function checkSecretBackend(recorded: SecretBackend | null, current: SecretBackend, hasProtectedSecrets: boolean): SecretBackendCheck {
  if (recorded === current) return { kind: 'use', backend: current, record: false };
  if (recorded === null || !hasProtectedSecrets) return { kind: 'use', backend: current, record: true };
  // Keys kept in the key file stay there when a keychain appears later (moving them is not done; the warning stays).
  if (recorded === 'file') return { kind: 'use', backend: 'file', record: false };
  return { kind: 'changed', previous: recorded, current, message: changedMessage(recorded, current) };
}

export function describeSecretBackend(backend: SecretBackend): string {
  switch (backend) {
    case 'file':
      return 'a key file in the Parley data folder (no system keychain)';
    case 'keychain:macos':
      return 'the macOS Keychain';
    case 'keychain:dpapi':
      return 'Windows Data Protection (DPAPI)';
    case 'keychain:gnome_libsecret':
      return 'the Secret Service (GNOME Keyring or a compatible keyring)';
    case 'keychain:kwallet':
    case 'keychain:kwallet5':
    case 'keychain:kwallet6':
      return `KWallet (${backend.slice('keychain:'.length)})`;
    default:
      return `the system keychain "${backend.slice('keychain:'.length)}"`;
  }
}

/** Chromium's --password-store value that selects a Linux backend again. */
function passwordStoreSwitch(backend: SecretBackend): string | null {
  if (backend === 'keychain:gnome_libsecret') return '--password-store=gnome-libsecret';
  if (backend.startsWith('keychain:kwallet')) return `--password-store=${backend.slice('keychain:'.length)}`;
  return null;
}

function changedMessage(previous: `keychain:${string}`, current: SecretBackend): string {
  const lines = [
    `Your Parley keys are protected by ${describeSecretBackend(previous)}, but this time Parley would have to use ${describeSecretBackend(current)}, which cannot open them.`,
    'Parley stopped before touching anything: your account and messages are unchanged.',
  ];
  const again = passwordStoreSwitch(previous);
  lines.push(`Start Parley in a session where that keychain is running and unlocked${again ? ` (or start it with ${again})` : ''}, then try again.`);
  return lines.join('\n\n');
}
