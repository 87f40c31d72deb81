// A file that is not shown inline: its (sanitised) name, type and size, a download while it is not here, and a
// save link once it is. In the desktop app it also opens: main saves it where the user chooses (nothing decrypted
// goes to a temporary file) and opens that copy; a program or script is only shown in its folder, never started.
// A file that could run code says so before it is saved.
import { useState } from 'react';
import type { AttachmentView } from '../../../shared/ipc';
import { useDesktopShell } from '../../app/useDesktopShell';
import { userMessage } from '../../errors';
import { invoke } from '../../ipc';
import { Icon } from '../../ui/Icon';
import { downloadUrl } from './mediaUrl';
import { isMoving, startDownload } from './mediaStore';
import { sizeLabel } from './prepareFile';
import { TransferStatus } from './TransferStatus';

function typeLabel(view: AttachmentView): string {
  const dot = view.fileName.lastIndexOf('.');
  if (dot > 0 && view.fileName.length - dot <= 8) return view.fileName.slice(dot + 1).toUpperCase();
  return view.contentType === 'application/octet-stream' ? 'File' : view.contentType;
}

export function DocumentCard({ view }: { view: AttachmentView }) {
  const here = view.state === 'uploaded' || view.state === 'downloaded';
  const desktop = useDesktopShell();
  const [note, setNote] = useState<string | null>(null);
  const confirmRisk = (event: React.MouseEvent) => {
    if (view.executable && !window.confirm(`“${view.fileName}” is a program or script. Opening it can run code on this computer. Save it anyway?`)) event.preventDefault();
  };
  const open = async () => {
    setNote(null);
    if (view.executable && !window.confirm(`“${view.fileName}” is a program or script. Parley will not start it: it saves it where you choose and shows it in its folder. Save it?`)) return;
    try {
      const { outcome } = await invoke('media.open', { id: view.id });
      if (outcome === 'shown') setNote('Saved and shown in its folder. Parley did not start it.');
    } catch (failure) {
      setNote(userMessage(failure, 'Could not open this file.'));
    }
  };
  return (
    <div className="attachment attachment-document" data-testid="attachment-document">
      <div className="document-row">
        <span className="document-file">
          <span className="document-icon" aria-hidden>
            <Icon name="file" size={22} />
          </span>
          <span className="document-text">
            <span className="document-name" dir="auto" title={view.fileName}>
              {view.fileName}
            </span>
            <span className="document-meta">
              {typeLabel(view)} · {sizeLabel(view.size)}
              {view.executable && <strong className="document-warning"> · Program — may be unsafe</strong>}
            </span>
          </span>
        </span>
        {here && desktop && (
          <button type="button" className="document-action" onClick={() => void open()} aria-label={`Open ${view.fileName}`} title="Save a copy where you choose, then open it">
            Open…
          </button>
        )}
        {here ? (
          <a className="document-action" href={downloadUrl(view.id)} download={view.fileName} onClick={confirmRisk} aria-label={`Save ${view.fileName}`}>
            Save
          </a>
        ) : (
          !isMoving(view) &&
          view.direction === 'incoming' && (
            <button type="button" className="document-action" onClick={() => startDownload(view.id)} aria-label={`Download ${view.fileName}`}>
              Download
            </button>
          )
        )}
      </div>
      {note && (
        <p className="document-note" role="status">
          {note}
        </p>
      )}
      <TransferStatus view={view} />
    </div>
  );
}
