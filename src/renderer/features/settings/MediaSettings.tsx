// Settings › Media: up to which size received files download by themselves (for this account on this computer), and
// the way to the transfers list.
import { useId } from 'react';
import { useAccount } from '../../store/account';
import { useDialogs } from '../../store/dialogs';
import { AUTO_DOWNLOAD_CHOICES, autoDownloadLabel, useAutoDownload, useAutoDownloadLimit } from '../media/autoDownload';

export function MediaSettings() {
  const username = useAccount((state) => state.account?.username ?? null);
  const limit = useAutoDownloadLimit();
  const selectId = useId();
  const hintId = useId();
  if (username === null) return null;
  return (
    <section aria-labelledby="settings-media">
      <h3 className="section-title" id="settings-media">
        Media
      </h3>
      <label htmlFor={selectId} className="label-first">
        Download received files automatically
      </label>
      <select id={selectId} value={limit} aria-describedby={hintId} onChange={(event) => useAutoDownload.getState().setLimit(username, Number(event.target.value))}>
        {AUTO_DOWNLOAD_CHOICES.map((bytes) => (
          <option key={bytes} value={bytes}>
            {autoDownloadLabel(bytes)}
          </option>
        ))}
      </select>
      <p className="field-hint" id={hintId}>
        Larger files wait until you click them. This applies to {username} on this computer.
      </p>
      <button type="button" className="button-secondary settings-transfers" onClick={() => useDialogs.getState().show({ kind: 'transfers' })}>
        Show transfers
      </button>
    </section>
  );
}
