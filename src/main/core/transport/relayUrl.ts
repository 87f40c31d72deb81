// Turns what a user or config gives as a relay address into the WebSocket URL of the relay endpoint.
// Accepts ws/wss (and http/https, mapped to ws/wss); a bare origin gets the protocol path appended.
import { TextError } from '../../../shared/ipc';
import { RELAY_WS_PATH } from '../../../shared/protocol';

export class RelayUrlError extends TextError<'invalid_relay_url'> {
  override readonly name = 'RelayUrlError';
}

export function relayWebSocketUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new RelayUrlError('invalid_relay_url', { id: 'relay.bad_url', params: { address: input.slice(0, 200) } });
  }
  const schemes: Record<string, string> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new RelayUrlError('invalid_relay_url', { id: 'relay.bad_scheme', params: { scheme: url.protocol } });
  url.protocol = scheme;
  if (url.pathname === '' || url.pathname === '/') url.pathname = RELAY_WS_PATH;
  url.hash = '';
  return url.toString();
}
