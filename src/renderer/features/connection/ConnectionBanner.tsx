// Shows the relay connection state whenever it is not `online`, with "Retry now". Sends wait in the outbox
// meanwhile, so the banner says so.
import { useEffect, useState } from 'react';
import type { ConnectionSnapshot } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { errorSentence } from '../../i18n/errorText';
import { useConnection } from '../../store/connection';

const LABELS: Record<ConnectionSnapshot['state'], string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  authenticating: 'Signing in…',
  online: 'Connected',
  reconnecting: 'Connection lost. Reconnecting',
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
  const [retryError, setRetryError] = useState<string | null>(null);

  if (!snapshot || snapshot.state === 'online') return null;
  const { state, lastError } = snapshot;
  const canRetry = (state === 'offline' || state === 'reconnecting') && !lastError?.fatal;
  return (
    <div className={`connection-banner connection-${state}`} role="status" aria-live="polite" data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">
        {LABELS[state]}
        {state === 'reconnecting' && seconds !== null && ` in ${seconds}s`}
      </span>
      {lastError && <span className="connection-detail">{errorSentence(lastError)}</span>}
      {lastError && (
        <span className="connection-detail connection-code">
          Details: {lastError.detail ? `${lastError.detail} · ` : ''}
          {lastError.code}
        </span>
      )}
      {retryError && <span className="connection-detail">{retryError}</span>}
      <span className="connection-detail connection-outbox">Messages you send wait here and go out when you are back online.</span>
      {canRetry && (
        <button
          type="button"
          className="button-link"
          onClick={() =>
            void retryNow().then(
              () => setRetryError(null),
              (error: unknown) => setRetryError(userMessage(error, 'Could not retry right now.')),
            )
          }
        >
          Retry now
        </button>
      )}
    </div>
  );
}
