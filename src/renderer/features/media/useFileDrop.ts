// Dropping files anywhere on an open chat puts them in its composer's tray. Only drags that carry files count
// (dragged text or links are left to the browser); `dragging` drives the drop hint.
import { useRef, useState, type DragEvent } from 'react';
import { usePendingFiles } from './pendingFiles';

const carriesFiles = (event: DragEvent) => [...event.dataTransfer.types].includes('Files');

export function useFileDrop(conversationId: string, enabled: boolean) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  if (!enabled) return { dragging: false, handlers: {} };
  return {
    dragging,
    handlers: {
      onDragEnter(event: DragEvent) {
        if (!carriesFiles(event)) return;
        depth.current++;
        setDragging(true);
      },
      onDragOver(event: DragEvent) {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave(event: DragEvent) {
        if (!carriesFiles(event)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      },
      onDrop(event: DragEvent) {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        depth.current = 0;
        setDragging(false);
        const files = [...event.dataTransfer.files];
        if (files.length > 0) void usePendingFiles.getState().add(conversationId, files);
      },
    },
  };
}
