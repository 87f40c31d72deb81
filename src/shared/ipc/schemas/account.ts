// The account of this device as the renderer may see it, and the relay URL it may choose.
import { z } from 'zod';
import { DeviceId, Username } from '../../protocol/fields';

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


