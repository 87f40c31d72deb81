// The relay field of a first-run screen: starts empty and takes the relay main proposes (app.info), unless the user
// typed one first. It holds one relay URL, or several of one service separated by commas (tried in turn).
import { useEffect, useState } from 'react';
import { RelayUrlList } from '../../../shared/ipc';
import { invoke } from '../../ipc';

/** The field's text as the request's relays (the first, then the others), or the message for what is wrong. */
export function parseRelayField(text: string): { relayUrl: string; fallbackRelayUrls?: string[] } | { error: string } {
  const parsed = RelayUrlList.safeParse(text);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? 'That is not a relay URL.' };
  const [relayUrl, ...rest] = parsed.data;
  return { relayUrl: relayUrl!, ...(rest.length > 0 ? { fallbackRelayUrls: rest } : {}) };
}

export function useRelayField(): [string, (relayUrl: string) => void] {
  const [relayUrl, setRelayUrl] = useState('');
  useEffect(() => {
    invoke('app.info', {}).then(
      (info) => setRelayUrl((current) => current || info.defaultRelayUrl),
      () => undefined, // The field stays empty; the user can type a relay.
    );
  }, []);
  return [relayUrl, setRelayUrl];
}
