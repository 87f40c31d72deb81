// Value schemas used by the IPC contract: what crosses between renderer and main.
import { z } from 'zod';
import { DeviceId, Username } from '../protocol/fields';

export const CONNECTION_STATES = ['offline', 'connecting', 'authenticating', 'online', 'reconnecting'] as const;
export const ConnectionState = z.enum(CONNECTION_STATES);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const ConnectionSnapshot = z.strictObject({
  state: ConnectionState,
  /** Consecutive failed attempts since the last successful session. */
  attempt: z.number().int().nonnegative(),
  /** When the next automatic attempt happens (ms since epoch), while `reconnecting`. */
  nextRetryAt: z.number().nullable(),
  /** Why the last session ended or failed; `fatal` means retrying with these credentials cannot help. */
  lastError: z.strictObject({ code: z.string().max(64), message: z.string().max(500), fatal: z.boolean() }).nullable(),
});
export type ConnectionSnapshot = z.infer<typeof ConnectionSnapshot>;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A relay URL: wss:// anywhere, plain ws:// only on this machine (so metadata never crosses a network in clear). */
export const RelayUrl = z
  .string()
  .trim()
  .max(2048)
  .superRefine((text, context) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      context.addIssue({ code: 'custom', message: 'Relay URL is not a valid URL, e.g. wss://relay.example.org/v1/ws' });
      return;
    }
    if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
      context.addIssue({ code: 'custom', message: 'Relay URL must start with wss:// (or ws:// for a relay on this machine)' });
    } else if (url.protocol === 'ws:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      context.addIssue({ code: 'custom', message: 'Use wss:// for a relay on another machine; ws:// is only allowed for localhost' });
    } else if (url.username || url.password) {
      context.addIssue({ code: 'custom', message: 'Relay URL must not contain credentials' });
    }
  });

export const KeyProtection = z.strictObject({
  /** True when private keys are protected by the OS keychain. */
  osKeychain: z.boolean(),
  /** Shown to the user when keys are not protected by the OS keychain. */
  warning: z.string().nullable(),
});

export const AccountView = z.strictObject({
  username: Username,
  device: DeviceId,
  relayUrl: z.string(),
  /** Base64 Ed25519 identity public key. */
  identityKey: z.string(),
  keyProtection: KeyProtection,
});
export type AccountView = z.infer<typeof AccountView>;

export const Empty = z.strictObject({});

export const AppInfo = z.strictObject({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  defaultRelayUrl: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;
