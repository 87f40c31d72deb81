// The full image in a viewer over the window: fit or actual size (zoom), previous and next among the chat's
// images (arrow keys too), save under its sanitised name, Esc or Close to leave. The bytes come from the media URL.
import Dexie from 'dexie';
import { useEffect, useState } from 'react';
import type { AttachmentView } from '../../../shared/ipc';
import type { ParleyDatabase } from '../../db/database';
import type { StoredMessage } from '../../db/rows';
import { requireSession } from '../../store/session';
import { Dialog } from '../../ui/Dialog';
import { Icon } from '../../ui/Icon';
import { attachmentUrl, downloadUrl } from './mediaUrl';

export interface ViewedImage {
  conversationId: string;
  /** The message holding the image. */
  seq: number;
  attachment: AttachmentView;
}

const imagesOf = (message: StoredMessage): AttachmentView[] => (message.attachments ?? []).filter((attachment) => attachment.kind === 'image');

/** The nearest image before or after `from` in the chat (other messages), or null. */
export async function neighbourImage(db: ParleyDatabase, from: ViewedImage, step: 1 | -1): Promise<ViewedImage | null> {
  const here = await db.messages.get(from.seq);
  const inMessage = here ? imagesOf(here as StoredMessage) : [];
  const index = inMessage.findIndex((attachment) => attachment.id === from.attachment.id);
  const sibling = inMessage[index + step];
  if (index >= 0 && sibling) return { ...from, attachment: sibling };
  const range =
    step > 0
      ? db.messages.where('[conversationId+seq]').between([from.conversationId, from.seq], [from.conversationId, Dexie.maxKey], false, true)
      : db.messages.where('[conversationId+seq]').between([from.conversationId, Dexie.minKey], [from.conversationId, from.seq], true, false).reverse();
  const next = (await range.filter((message) => imagesOf(message as StoredMessage).length > 0).first()) as StoredMessage | undefined;
  if (!next) return null;
  const images = imagesOf(next);
  return { conversationId: from.conversationId, seq: next.seq, attachment: step > 0 ? images[0]! : images.at(-1)! };
}

export function ImageViewer({ start, onClose }: { start: ViewedImage; onClose(): void }) {
  const [current, setCurrent] = useState(start);
  const [zoomed, setZoomed] = useState(false);
  const [neighbours, setNeighbours] = useState<{ previous: ViewedImage | null; next: ViewedImage | null }>({ previous: null, next: null });

  useEffect(() => {
    let live = true;
    const { db } = requireSession();
    void Promise.all([neighbourImage(db, current, -1), neighbourImage(db, current, 1)]).then(([previous, next]) => live && setNeighbours({ previous, next }));
    return () => {
      live = false;
    };
  }, [current]);

  // Moving on forgets the old neighbours at once, so no click or key acts on them before the new ones are known.
  const go = (to: ViewedImage | null) => {
    if (!to) return;
    setCurrent(to);
    setZoomed(false);
    setNeighbours({ previous: null, next: null });
  };

  // Arrow keys walk the images wherever the focus is in the viewer.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const to = event.key === 'ArrowLeft' ? neighbours.previous : event.key === 'ArrowRight' ? neighbours.next : undefined;
      if (to === undefined) return;
      event.preventDefault();
      go(to);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [neighbours]);
  const { attachment } = current;
  return (
    <Dialog title={attachment.fileName} onClose={onClose} className="image-viewer">
      <div className="viewer-body">
        <div className={`viewer-stage${zoomed ? ' viewer-zoomed' : ''}`}>
          <img src={attachmentUrl(attachment.id)} alt={attachment.fileName} data-testid="viewer-image" />
        </div>
        <div className="viewer-tools">
          <button type="button" className="icon-button" aria-label="Previous image" disabled={!neighbours.previous} onClick={() => go(neighbours.previous)}>
            <Icon name="left" />
          </button>
          <button type="button" className="button-link" onClick={() => setZoomed(!zoomed)} aria-pressed={zoomed} data-autofocus>
            {zoomed ? 'Fit to window' : 'Actual size'}
          </button>
          <a className="button-link" href={downloadUrl(attachment.id)} download={attachment.fileName}>
            Save
          </a>
          <button type="button" className="icon-button" aria-label="Next image" disabled={!neighbours.next} onClick={() => go(neighbours.next)}>
            <Icon name="right" />
          </button>
        </div>
      </div>
    </Dialog>
  );
}
