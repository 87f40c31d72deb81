// A message's files must fit in one envelope with their inline previews (each up to 16 KiB, up to 32 files): when
// they do not, previews go, largest first, until the message fits. The files themselves, their sizes and blurhashes
// stay, so the recipient still sees what is coming and downloads the same bytes.
import type { AttachmentPointerData } from './AttachmentPointer';

/** The pointers with as few previews dropped (largest first) as make `fits` true; all dropped if nothing else does. */
export function dropPreviewsToFit(pointers: readonly AttachmentPointerData[], fits: (pointers: AttachmentPointerData[]) => boolean): AttachmentPointerData[] {
  let current = [...pointers];
  const largestFirst = current
    .map((pointer, index) => ({ index, bytes: pointer.thumbnail?.data.length ?? 0 }))
    .filter((entry) => entry.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.index - b.index);
  for (const { index } of largestFirst) {
    if (fits(current)) return current;
    current = current.map((pointer, at) => (at === index ? { ...pointer, thumbnail: null } : pointer));
  }
  return current;
}
