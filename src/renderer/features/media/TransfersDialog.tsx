// Every upload and download in progress in one list (paused ones too), each with its progress, pause/resume and
// cancel, from the sidebar or Settings. main says which transfers are unfinished (some began before this window);
// media.changed keeps the list current, and a finished transfer leaves it.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { userMessage } from '../../errors';
import { useDialogs } from '../../store/dialogs';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { movingIds, useMedia } from './mediaStore';
import { TransferStatus } from './TransferStatus';

export function TransfersDialog() {
  const close = useDialogs((state) => state.close);
  const ids = useMedia(useShallow(movingIds));
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    useMedia
      .getState()
      .loadTransfers()
      .catch((failure: unknown) => setError(userMessage(failure, 'Parley could not list the transfers.')));
  }, []);

  return (
    <Dialog title="Transfers" onClose={close} className="transfers-dialog">
      {ids.length === 0 ? (
        <p className="field-hint" role="status">
          Nothing is uploading or downloading.
        </p>
      ) : (
        <ul className="transfers" aria-label="Uploads and downloads">
          {ids.map((id) => (
            <TransferRow key={id} id={id} />
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button-primary" onClick={close}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

function TransferRow({ id }: { id: string }) {
  const view = useMedia((state) => state.views[id]);
  if (!view) return null;
  const outgoing = view.direction === 'outgoing';
  return (
    <li className="transfer-row" aria-label={`${outgoing ? 'Sending' : 'Receiving'} ${view.fileName}`} data-testid="transfer-row">
      <span className="transfer-direction" aria-hidden>
        <Icon name={outgoing ? 'up' : 'down'} size={16} />
      </span>
      <span className="transfer-file">
        <span className="transfer-name" dir="auto" title={view.fileName}>
          {view.fileName}
        </span>
        <TransferStatus view={view} />
      </span>
    </li>
  );
}
