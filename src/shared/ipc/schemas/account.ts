// The account of this device as the renderer may see it, and the relay URLs it may choose.
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

/** The most relay URLs one account lists (several nodes of one service, tried in turn). */
export const MAX_RELAY_URLS = 8;

/** The relays of one service, tried in this order: each a RelayUrl, none twice. */
export const RelayUrls = z
  .array(RelayUrl)
  .min(1, 'Enter a relay URL, e.g. wss://relay.example.org/v1/ws')
  .max(MAX_RELAY_URLS, `List at most ${MAX_RELAY_URLS} relay URLs`)
  .superRefine((urls, context) => {
    if (new Set(urls).size !== urls.length) context.addIssue({ code: 'custom', message: 'Each relay URL may be listed only once' });
  });

/** Relays of the same service after the first (account.create, devices.startLinking): tried in turn after it. */
export const FallbackRelayUrls = z.array(RelayUrl).max(MAX_RELAY_URLS - 1, `List at most ${MAX_RELAY_URLS} relay URLs`);

/** A first relay and its fallbacks, none listed twice. */
export function distinctRelays(request: { relayUrl: string; fallbackRelayUrls?: readonly string[] | undefined }, context: z.RefinementCtx): void {
  const all = [request.relayUrl, ...(request.fallbackRelayUrls ?? [])];
  if (new Set(all).size !== all.length) context.addIssue({ code: 'custom', message: 'Each relay URL may be listed only once' });
}

/**
 * Relay URLs as a person types them: separated by commas or line breaks (a URL holds neither). One URL gets
 * RelayUrl's own messages; in a list, a message says which entry it is about.
 */
export const RelayUrlList = z
  .string()
  .max(MAX_RELAY_URLS * 2100)
  .transform((text, context) => {
    const entries = text
      .split(/[,\r\n]+/)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const urls: string[] = [];
    for (const [index, entry] of entries.entries()) {
      const parsed = RelayUrl.safeParse(entry);
      if (parsed.success) urls.push(parsed.data);
      else {
        const message = parsed.error.issues[0]?.message ?? 'Relay URL is not valid';
        context.addIssue({ code: 'custom', message: entries.length === 1 ? message : `Relay ${index + 1} (${entry.slice(0, 80)}): ${message}` });
      }
    }
    return urls;
  })
  .pipe(RelayUrls);

export const KeyProtection = z.strictObject({
  /** True when private keys are protected by the OS keychain. */
  osKeychain: z.boolean(),
  /** Shown to the user when keys are not protected by the OS keychain. */
  warning: z.string().nullable(),
});

export const AccountView = z.strictObject({
  username: Username,
  device: DeviceId,
  /** The relays this device uses, in the order it tries them (the first is where the account was made). */
  relayUrls: z.array(z.string()).min(1).max(MAX_RELAY_URLS),
  /** Base64 Ed25519 identity public key. */
  identityKey: z.string(),
  keyProtection: KeyProtection,
});
export type AccountView = z.infer<typeof AccountView>;


