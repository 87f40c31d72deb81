// Across the top of the messenger on a newly linked device: the history its primary sent along while it is fetched
// and stored (with a progress bar), once it is all here, or why it could not be used. The chats fill in as it goes.
import { useHistoryImport, type HistoryImportProgress } from './historyImportStore';

const count = new Intl.NumberFormat();

export function HistoryImportBanner() {
  const progress = useHistoryImport((state) => state.progress);
  const dismiss = useHistoryImport((state) => state.dismiss);
  const text = bannerText(progress);
  if (text === null) return null;
  return (
    <div className={`update-banner ${progress.state === 'failed' ? 'update-error' : ''}`} role="status" aria-live="polite" data-history={progress.state}>
      <span className="update-text">{text}</span>
      {progress.state === 'importing' && (
        <progress className="update-progress" max={Math.max(progress.total, 1)} value={progress.done} aria-label="History transfer progress" />
      )}
      {(progress.state === 'done' || progress.state === 'failed') && (
        <button type="button" className="button-link" onClick={dismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

function bannerText(progress: HistoryImportProgress): string | null {
  switch (progress.state) {
    case 'idle':
      return null;
    case 'waiting':
      return 'Getting your history from your other device…';
    case 'importing':
      return `Bringing over your history: ${count.format(progress.done)} of ${count.format(progress.total)} messages`;
    case 'done':
      return progress.total === 1 ? 'Your history is here: 1 message.' : `Your history is here: ${count.format(progress.total)} messages.`;
    case 'failed':
      return progress.message;
  }
}
