// The update prompt across the top of the messenger: download progress, "Restart to update" (or Later) once the
// new version is downloaded and verified, and failures with "Try again".
import { useEffect, useState } from 'react';
import { userMessage } from '../../errors';
import { useUpdates } from '../../store/updates';
import { updateBanner } from './updateWording';

export function UpdateBanner() {
  const view = useUpdates((state) => state.view);
  const postponed = useUpdates((state) => state.postponed);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const { load, follow } = useUpdates.getState();
    const stop = follow();
    void load().catch(() => undefined);
    return stop;
  }, []);

  const banner = view ? updateBanner(view.status, postponed) : null;
  if (!banner || !view) return null;
  const version = 'version' in view.status ? view.status.version : null;
  const act = (work: () => Promise<void>) => {
    setError(null);
    void work().catch((failure: unknown) => setError(userMessage(failure, 'That did not work. Please try again.')));
  };

  return (
    <div className={`update-banner update-${banner.tone}`} role="status" aria-live="polite" data-state={view.status.state}>
      <span className="update-text">{banner.text}</span>
      {banner.progress !== undefined && <progress className="update-progress" max={100} value={banner.progress} aria-label="Update download progress" />}
      {error && <span className="update-text">{error}</span>}
      {banner.action === 'restart' && (
        <>
          <button type="button" className="button-primary button-small" onClick={() => act(() => useUpdates.getState().restart())}>
            Restart to update
          </button>
          <button type="button" className="button-link" onClick={() => version && useUpdates.getState().postpone(version)}>
            Later
          </button>
        </>
      )}
      {banner.action === 'retry' && (
        <button type="button" className="button-link" onClick={() => act(() => useUpdates.getState().check())}>
          Try again
        </button>
      )}
    </div>
  );
}
