// Opens the secret store this data folder's keys were protected with: the OS keychain the shell offers, or the key
// file. The backend chosen at first use is recorded next to the data (secret-backend.json, not secret: it names a
// mechanism); a later start that would use another backend for existing keys stops with an explanation
// (secretBackend.ts) instead of failing to decrypt.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../account/atomicFile';
import { ACCOUNT_FILE } from '../account/AccountStore';
import { FileSecretStore } from './FileSecretStore';
import { checkSecretBackend, chooseSecretBackend, type KeychainFacts, type SecretBackend } from './secretBackend';
import type { SecretStore } from './SecretStore';

export const SECRET_BACKEND_FILE = 'secret-backend.json';

export interface KeychainOffer {
  facts: KeychainFacts;
  /** The keychain-backed store (only called when a keychain is chosen). */
  open(backend: `keychain:${string}`): SecretStore;
}

export type OpenedSecretStore = { ok: true; store: SecretStore; backend: SecretBackend } | { ok: false; message: string };

export async function openSecretStore(dataDir: string, keychain: KeychainOffer): Promise<OpenedSecretStore> {
  const current = chooseSecretBackend(keychain.facts);
  const check = checkSecretBackend(await readRecordedBackend(dataDir), current, await exists(join(dataDir, ACCOUNT_FILE)));
  if (check.kind === 'changed') return { ok: false, message: check.message };
  if (check.record) await writeRecordedBackend(dataDir, check.backend);
  const store = check.backend === 'file' ? await FileSecretStore.open(dataDir) : keychain.open(check.backend);
  return { ok: true, store, backend: check.backend };
}

/** The recorded backend, or null when there is none or it is unreadable (then the current one is recorded). */
async function readRecordedBackend(dataDir: string): Promise<SecretBackend | null> {
  let text: string;
  try {
    text = await readFile(join(dataDir, SECRET_BACKEND_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const backend = (JSON.parse(text) as { backend?: unknown }).backend;
    return backend === 'file' || (typeof backend === 'string' && /^keychain:[a-z0-9_]{1,40}$/.test(backend)) ? (backend as SecretBackend) : null;
  } catch {
    return null;
  }
}

async function writeRecordedBackend(dataDir: string, backend: SecretBackend): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dataDir, SECRET_BACKEND_FILE), `${JSON.stringify({ backend })}\n`, { mode: 0o600 });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
