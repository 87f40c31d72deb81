// Shows the relay connection state whenever it is not `online`, with "Retry now".
import { useEffect, useState } from 'react';
import type { ConnectionSnapshot } from '../../../shared/ipc';
import { useConnection } from '../../store/connection';

const LABELS: Record<ConnectionSnapshot['state'], string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  authenticating: 'Signing in…',
  online: 'Connected',
  reconnecting: 'Reconnecting',
};

function useSecondsUntil(time: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (time === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [time]);
  return time === null ? null : Math.max(0, Math.ceil((time - now) / 1000));
}

export function ConnectionBanner() {
  const snapshot = useConnection((store) => store.snapshot);
  const retryNow = useConnection((store) => store.retryNow);
  const seconds = useSecondsUntil(snapshot?.nextRetryAt ?? null);

  if (!snapshot) return null;
  const { state, lastError } = snapshot;
  const canRetry = state === 'offline' || state === 'reconnecting';
  return (
    <div className={`connection-banner connection-${state}`} role="status" aria-live="polite" data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">{LABELS[state]}</span>
      {state === 'reconnecting' && seconds !== null && <span className="connection-detail">in {seconds}s</span>}
      {state !== 'online' && lastError && <span className="connection-detail">— {lastError.message}</span>}
      {canRetry && !lastError?.fatal && (
        <button type="button" className="button-link" onClick={() => void retryNow()}>
          Retry now
        </button>
      )}
    </div>
  );
}
