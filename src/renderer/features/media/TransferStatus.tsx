// Where a file's upload or download stands, inside its message: a progress bar with pause/resume and cancel while
// it moves, the reason (and a retry for a download) when it failed.
import type { AttachmentView } from '../../../shared/ipc';
import { tableSentence } from '../../i18n/errorText';
import { invoke } from '../../ipc';
import { Icon } from '../../ui/Icon';
import { isMoving } from './mediaStore';
import { sizeLabel } from './prepareFile';

function act(channel: 'media.pause' | 'media.resume' | 'media.cancel' | 'media.download', id: string): void {
  void invoke(channel, { id }).catch(() => undefined);
}

export function TransferStatus({ view }: { view: AttachmentView }) {
  if (view.state === 'failed') {
    return (
      <div className="transfer transfer-failed" role="alert">
        <Icon name="alert" size={15} />
        <span>{view.error ? tableSentence({ id: 'attachment.failed', params: { cause: view.error.code } }) : 'The transfer failed.'}</span>
        {view.direction === 'incoming' && (
          <button type="button" className="button-link" onClick={() => act('media.download', view.id)}>
            Try again
          </button>
        )}
      </div>
    );
  }
  if (!isMoving(view)) return null;
  const percent = view.total > 0 ? Math.min(100, Math.floor((view.transferred / view.total) * 100)) : 0;
  const paused = view.state === 'paused';
  const verb = view.direction === 'outgoing' ? (view.state === 'encrypting' ? 'Encrypting' : 'Uploading') : 'Downloading';
  const label = paused ? `Paused at ${percent}%` : `${verb} ${percent}% of ${sizeLabel(view.size)}`;
  return (
    <div className="transfer" data-testid="transfer">
      <div className="transfer-line">
        <div className="transfer-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={`${verb} ${view.fileName}`}>
          <span style={{ width: `${percent}%` }} />
        </div>
        <span className="transfer-label">{label}</span>
        <button type="button" className="icon-button transfer-button" aria-label={paused ? 'Resume' : 'Pause'} onClick={() => act(paused ? 'media.resume' : 'media.pause', view.id)}>
          <Icon name={paused ? 'play' : 'pause'} size={14} />
        </button>
        <button type="button" className="icon-button transfer-button" aria-label="Cancel" onClick={() => act('media.cancel', view.id)}>
          <Icon name="close" size={14} />
        </button>
      </div>
    </div>
  );
}
