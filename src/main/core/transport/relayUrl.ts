// Turns what a user or config gives as a relay address into the WebSocket URL of the relay endpoint.
// Accepts ws/wss (and http/https, mapped to ws/wss); a bare origin gets the protocol path appended.
import { CodedError } from '../../../shared/base';
import { RELAY_WS_PATH } from '../../../shared/protocol';

export class RelayUrlError extends CodedError<'invalid_relay_url'> {
  override readonly name = 'RelayUrlError';
}

export function relayWebSocketUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new RelayUrlError('invalid_relay_url', `“${input.slice(0, 200)}” is not a valid relay address. Use e.g. wss://relay.example.org.`);
  }
  const schemes: Record<string, string> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new RelayUrlError('invalid_relay_url', `A relay address must start with wss:// or ws://, not ${url.protocol}//.`);
  url.protocol = scheme;
  if (url.pathname === '' || url.pathname === '/') url.pathname = RELAY_WS_PATH;
  url.hash = '';
  return url.toString();
}
