// The relay field of a first-run screen: starts empty and takes the relay main proposes (app.info), unless the user
// typed one first.
import { useEffect, useState } from 'react';
import { invoke } from '../../ipc';

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
