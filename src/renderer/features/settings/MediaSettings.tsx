// Settings › Media: up to which size each kind of received file downloads by itself as its message arrives (main
// downloads them, window open or not), and the way to the transfers list.
import { useEffect, useId, useState } from 'react';
import { AUTO_DOWNLOAD_SIZES, type AutoDownloadLimits } from '../../../shared/ipc';
import { MAX_ATTACHMENT_BYTES } from '../../../shared/media/attachmentFormat';
import { userMessage } from '../../errors';
import { useAppSettings } from '../../store/appSettings';
import { useDialogs } from '../../store/dialogs';
import { FormError } from '../../ui/FormError';

const MIB = 1024 * 1024;

const KINDS: { kind: keyof AutoDownloadLimits; label: string }[] = [
  { kind: 'image', label: 'Photos' },
  { kind: 'video', label: 'Videos' },
  { kind: 'audio', label: 'Audio and voice messages' },
  { kind: 'file', label: 'Documents' },
];

export function autoDownloadLabel(bytes: number): string {
  if (bytes === 0) return 'Never';
  return bytes >= MAX_ATTACHMENT_BYTES ? 'Any size' : `Up to ${bytes / MIB} MB`;
}

export function MediaSettings() {
  const limits = useAppSettings((state) => state.settings?.autoDownload);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();
  const idPrefix = useId();

  useEffect(() => {
    const stop = useAppSettings.getState().follow();
    void useAppSettings.getState().load().catch(() => undefined);
    return stop;
  }, []);

  if (!limits) return null;
  const change = (kind: keyof AutoDownloadLimits, bytes: number) => {
    setError(null);
    useAppSettings
      .getState()
      .update({ autoDownload: { ...limits, [kind]: bytes } })
      .catch((failure: unknown) => setError(userMessage(failure, 'Could not save that. Please try again.')));
  };
  return (
    <section aria-labelledby="settings-media">
      <h3 className="section-title" id="settings-media">
        Media
      </h3>
      <fieldset className="auto-download" aria-describedby={hintId}>
        <legend>Download received files automatically</legend>
        {KINDS.map(({ kind, label }) => (
          <div key={kind} className="auto-download-row">
            <label htmlFor={`${idPrefix}-${kind}`}>{label}</label>
            <select id={`${idPrefix}-${kind}`} value={limits[kind]} onChange={(event) => change(kind, Number(event.target.value))}>
              {AUTO_DOWNLOAD_SIZES.map((bytes) => (
                <option key={bytes} value={bytes}>
                  {autoDownloadLabel(bytes)}
                </option>
              ))}
            </select>
          </div>
        ))}
      </fieldset>
      <p className="field-hint" id={hintId}>
        Files download as their message arrives, a few at a time. Larger ones wait until you click them.
      </p>
      <FormError error={error} />
      <button type="button" className="button-secondary settings-transfers" onClick={() => useDialogs.getState().show({ kind: 'transfers' })}>
        Show transfers
      </button>
    </section>
  );
}
