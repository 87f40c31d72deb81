// The full image or video in a viewer over the window: an image fits the window or shows at actual size, and zooms
// towards the pointer with the wheel or a pinch (+ and - keys too, 0 back to fit); a zoomed image pans by dragging
// or with the arrow keys; previous and next walk the chat's images and videos (arrow keys too, when not zoomed);
// save under its sanitised name, Esc or Close to leave. The bytes come from the media URL.
import Dexie from 'dexie';
import { useEffect, useRef, useState } from 'react';
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

const MAX_ZOOM = 8;
/** How far one arrow key press pans a zoomed image, in pixels. */
const PAN_STEP = 60;
const NO_PAN = { x: 0, y: 0 };
const PAN_KEYS: Record<string, [number, number]> = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

const imagesOf = (message: StoredMessage): AttachmentView[] => (message.attachments ?? []).filter((attachment) => attachment.kind === 'image' || attachment.kind === 'video');

/** The nearest image or video before or after `from` in the chat (other messages), or null. */
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
  /** Wheel or pinch zoom of the fitted image (1: fitted), towards `origin` (per cent of the image). */
  const [scale, setScale] = useState({ factor: 1, origin: '50% 50%' });
  /** How far a wheel-zoomed image is moved, in screen pixels. */
  const [pan, setPan] = useState(NO_PAN);
  const stage = useRef<HTMLDivElement>(null);
  const image = useRef<HTMLImageElement>(null);
  const drag = useRef<{ pointer: number; x: number; y: number } | null>(null);
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
    fit();
    setNeighbours({ previous: null, next: null });
  };

  const fit = () => {
    setScale({ factor: 1, origin: '50% 50%' });
    setPan(NO_PAN);
  };

  const zoomBy = (step: number, origin?: string) => {
    const factor = Math.min(MAX_ZOOM, Math.max(1, Math.round(scale.factor * step * 100) / 100));
    if (factor === 1) return fit();
    setScale({ factor, origin: origin ?? scale.origin });
  };

  /** Moves a zoomed image by dx, dy screen pixels: the stage scrolls at actual size; a wheel-zoomed image moves, never out of reach. */
  const panBy = (dx: number, dy: number) => {
    if (zoomed) {
      stage.current?.scrollBy(-dx, -dy);
      return;
    }
    const reachX = (image.current?.offsetWidth ?? 0) * (scale.factor - 1);
    const reachY = (image.current?.offsetHeight ?? 0) * (scale.factor - 1);
    const clamp = (value: number, reach: number) => Math.round(Math.min(reach, Math.max(-reach, value)));
    setPan((was) => ({ x: clamp(was.x + dx, reachX), y: clamp(was.y + dy, reachY) }));
  };
  const canPan = current.attachment.kind === 'image' && (zoomed || scale.factor > 1);

  // Arrow keys walk the images wherever the focus is in the viewer, or pan a zoomed image; + and - zoom, 0 fits.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.key === '+' || event.key === '=' || event.key === '-' || event.key === '0') && current.attachment.kind === 'image' && !zoomed) {
        event.preventDefault();
        if (event.key === '0') fit();
        else zoomBy(event.key === '-' ? 1 / 1.25 : 1.25);
        return;
      }
      const direction = PAN_KEYS[event.key];
      if (canPan && direction) {
        event.preventDefault();
        panBy(direction[0] * PAN_STEP, direction[1] * PAN_STEP);
        return;
      }
      const to = event.key === 'ArrowLeft' ? neighbours.previous : event.key === 'ArrowRight' ? neighbours.next : undefined;
      if (to === undefined) return;
      event.preventDefault();
      go(to);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  });
  const { attachment } = current;
  const video = attachment.kind === 'video';
  const onWheel = (event: React.WheelEvent<HTMLImageElement>) => {
    if (zoomed || event.deltaY === 0) return;
    const box = event.currentTarget.getBoundingClientRect();
    const origin = `${Math.round(((event.clientX - box.left) / box.width) * 100)}% ${Math.round(((event.clientY - box.top) / box.height) * 100)}%`;
    zoomBy(event.deltaY < 0 ? 1.25 : 1 / 1.25, scale.factor === 1 ? origin : undefined);
  };
  // Dragging a zoomed image pans it (the pointer is captured, so it may leave the image while it drags).
  const onPointerDown = (event: React.PointerEvent<HTMLImageElement>) => {
    if (!canPan || event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    event.currentTarget.classList.add('viewer-dragging');
    drag.current = { pointer: event.pointerId, x: event.clientX, y: event.clientY };
  };
  const onPointerMove = (event: React.PointerEvent<HTMLImageElement>) => {
    const from = drag.current;
    if (!from || from.pointer !== event.pointerId) return;
    drag.current = { ...from, x: event.clientX, y: event.clientY };
    panBy(event.clientX - from.x, event.clientY - from.y);
  };
  const endDrag = (event: React.PointerEvent<HTMLImageElement>) => {
    event.currentTarget.classList.remove('viewer-dragging');
    drag.current = null;
  };
  return (
    <Dialog title={attachment.fileName} onClose={onClose} className="image-viewer">
      <div className="viewer-body">
        <div className={`viewer-stage${zoomed ? ' viewer-zoomed' : ''}`} ref={stage}>
          {video ? (
            <video key={attachment.id} src={attachmentUrl(attachment.id)} controls autoPlay data-testid="viewer-video" />
          ) : (
            <img
              key={attachment.id}
              ref={image}
              src={attachmentUrl(attachment.id)}
              alt={attachment.fileName}
              data-testid="viewer-image"
              className={canPan ? 'viewer-pannable' : undefined}
              draggable={false}
              onWheel={onWheel}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={endDrag}
              onPointerCancel={endDrag}
              style={zoomed || scale.factor === 1 ? undefined : { transform: `translate(${pan.x}px, ${pan.y}px) scale(${scale.factor})`, transformOrigin: scale.origin }}
            />
          )}
        </div>
        <div className="viewer-tools">
          <button type="button" className="icon-button" aria-label="Previous" disabled={!neighbours.previous} onClick={() => go(neighbours.previous)}>
            <Icon name="left" />
          </button>
          {!video && (
            <button
              type="button"
              className="button-link"
              onClick={() => {
                setZoomed(!zoomed);
                fit();
              }}
              aria-pressed={zoomed}
              data-autofocus
            >
              {zoomed ? 'Fit to window' : 'Actual size'}
            </button>
          )}
          {!video && !zoomed && scale.factor > 1 && (
            <span className="viewer-zoom" role="status">
              {Math.round(scale.factor * 100)}%
            </span>
          )}
          <a className="button-link" href={downloadUrl(attachment.id)} download={attachment.fileName}>
            Save
          </a>
          <button type="button" className="icon-button" aria-label="Next" disabled={!neighbours.next} onClick={() => go(neighbours.next)}>
            <Icon name="right" />
          </button>
        </div>
      </div>
    </Dialog>
  );
}
