// The files waiting in the composer: a preview (image) or an icon with the name and size, each with a remove
// button and, for a file that cannot be sent, the reason.
import { Icon } from '../../ui/Icon';
import { usePendingFiles, type PendingFile } from './pendingFiles';
import { sizeLabel } from './prepareFile';

const EMPTY: PendingFile[] = [];

export function AttachmentTray({ conversationId }: { conversationId: string }) {
  const files = usePendingFiles((state) => state.byConversation[conversationId] ?? EMPTY);
  const remove = usePendingFiles((state) => state.remove);
  if (files.length === 0) return null;
  return (
    <ul className="attachment-tray" aria-label="Files to send" data-testid="attachment-tray">
      {files.map((file) => (
        <li key={file.key} className={`tray-item tray-${file.state}`} data-testid="tray-item">
          {file.previewUrl && file.state !== 'failed' ? (
            <img className="tray-preview" src={file.previewUrl} alt="" />
          ) : (
            <span className="tray-icon" aria-hidden>
              <Icon name={file.state === 'failed' ? 'alert' : file.type.startsWith('audio/') ? 'mic' : 'file'} size={22} />
            </span>
          )}
          <span className="tray-text">
            <span className="tray-name" dir="auto" title={file.name}>
              {file.name}
            </span>
            <span className="tray-meta" role={file.error ? 'alert' : undefined}>
              {file.error ?? (file.state === 'preparing' ? 'Preparing…' : sizeLabel(file.size))}
            </span>
          </span>
          <button type="button" className="icon-button tray-remove" aria-label={`Remove ${file.name}`} onClick={() => remove(conversationId, file.key)}>
            <Icon name="close" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
