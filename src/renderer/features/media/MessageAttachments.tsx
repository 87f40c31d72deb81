// The files of one message, inside its bubble: images and videos inline (the preview that came with the message
// first, then the real thing), audio and voice notes as a player, anything else as a download card. Each shows its
// transfer while it moves. Bytes come from the media URL; nothing here sees a key.
import { memo, useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { AttachmentView } from '../../../shared/ipc';
import { Icon } from '../../ui/Icon';
import { AudioPlayer } from './AudioPlayer';
import { DocumentCard } from './DocumentCard';
import { ImageViewer } from './ImageViewer';
import { attachmentUrl, thumbnailUrl } from './mediaUrl';
import { useMedia } from './mediaStore';
import { TransferStatus } from './TransferStatus';

interface Placed {
  /** Where the message is: the image viewer walks the chat's images from it. */
  conversationId: string;
  seq: number;
}

export const MessageAttachments = memo(function MessageAttachments({ attachments, conversationId, seq }: Placed & { attachments: readonly AttachmentView[] }) {
  // Pictures and videos side by side (two to a row), then players and document cards one under another.
  const visual = attachments.filter((attachment) => attachment.kind === 'image' || attachment.kind === 'video');
  const other = attachments.filter((attachment) => attachment.kind !== 'image' && attachment.kind !== 'video');
  return (
    <div className="attachments">
      {visual.length > 0 && (
        <div className={`attachment-grid${visual.length > 1 ? ' attachment-grid-many' : ''}`}>
          {visual.map((stored) => (
            <Attachment key={stored.id} stored={stored} conversationId={conversationId} seq={seq} />
          ))}
        </div>
      )}
      {other.map((stored) => (
        <Attachment key={stored.id} stored={stored} conversationId={conversationId} seq={seq} />
      ))}
    </div>
  );
});

function Attachment({ stored, ...placed }: Placed & { stored: AttachmentView }) {
  // The row keeps what the file was when its message was stored; main's answer says what it is now.
  const live = useMedia((state) => state.views[stored.id]);
  const view = live ?? stored;
  useEffect(() => useMedia.getState().ensure(stored.id), [stored.id]);
  if (view.kind === 'audio') return <AudioPlayer view={view} />;
  if (view.kind === 'image') return <ImageAttachment view={view} {...placed} />;
  if (view.kind === 'video') return <VideoAttachment view={view} {...placed} />;
  return <DocumentCard view={view} />;
}

/** Width and height for the frame before anything decoded, so the list does not jump. */
function frameStyle(view: AttachmentView): React.CSSProperties {
  if (!view.width || !view.height) return {};
  return { aspectRatio: `${view.width} / ${view.height}` };
}

/** Its bytes are on this device: sent (the encrypted copy stays) or downloaded. */
function available(view: AttachmentView): boolean {
  return view.state === 'uploaded' || view.state === 'downloaded';
}

function ImageAttachment({ view, conversationId, seq }: Placed & { view: AttachmentView }) {
  const [wanted, setWanted] = useState(false);
  const [viewing, setViewing] = useState(false);
  // Shown once it is here or coming (it draws as its bytes arrive), or when the user asks for it.
  const load = available(view) || wanted || view.state === 'downloading';
  const [loaded, setLoaded] = useState(false);
  return (
    <figure className="attachment attachment-visual" style={frameStyle(view)} data-testid="attachment-image">
      {view.hasThumbnail && !loaded && <img className="attachment-preview" src={thumbnailUrl(view.id)} alt="" aria-hidden />}
      {load && (
        <button type="button" className="attachment-open" onClick={() => setViewing(true)} aria-label={`Open ${view.fileName}`}>
          <img className={`attachment-full${loaded ? ' attachment-full-loaded' : ''}`} src={attachmentUrl(view.id)} alt={view.fileName} onLoad={() => setLoaded(true)} />
        </button>
      )}
      {!load && (
        <button type="button" className="attachment-start" onClick={() => setWanted(true)} aria-label={`Download ${view.fileName}`}>
          <Icon name="down" size={22} />
        </button>
      )}
      <TransferStatus view={view} />
      {viewing && createPortal(<ImageViewer start={{ conversationId, seq, attachment: view }} onClose={() => setViewing(false)} />, document.body)}
    </figure>
  );
}

function VideoAttachment({ view, conversationId, seq }: Placed & { view: AttachmentView }) {
  // A video is fetched only once the user plays it (or it is here already): then it plays while it downloads. It
  // also opens in the viewer (larger, with previous/next), which streams it the same way.
  const [playing, setPlaying] = useState(false);
  const [viewing, setViewing] = useState(false);
  const show = playing || available(view);
  return (
    <figure className="attachment attachment-visual" style={frameStyle(view)} data-testid="attachment-video">
      {show ? (
        <video className="attachment-full attachment-full-loaded" src={attachmentUrl(view.id)} controls autoPlay={playing} preload="metadata" poster={view.hasThumbnail ? thumbnailUrl(view.id) : undefined} />
      ) : (
        <>
          {view.hasThumbnail && <img className="attachment-preview" src={thumbnailUrl(view.id)} alt="" aria-hidden />}
          <button type="button" className="attachment-start" onClick={() => setPlaying(true)} aria-label={`Play ${view.fileName}`}>
            <Icon name="play" size={22} />
          </button>
        </>
      )}
      <button type="button" className="attachment-expand" onClick={() => setViewing(true)} aria-label={`Open ${view.fileName}`} title="Open in the viewer">
        <Icon name="expand" size={16} />
      </button>
      <TransferStatus view={view} />
      {viewing && createPortal(<ImageViewer start={{ conversationId, seq, attachment: view }} onClose={() => setViewing(false)} />, document.body)}
    </figure>
  );
}
