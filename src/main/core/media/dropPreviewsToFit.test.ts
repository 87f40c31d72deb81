import { describe, expect, it } from 'vitest';
import type { AttachmentPointerData } from './AttachmentPointer';
import { dropPreviewsToFit } from './dropPreviewsToFit';

const pointer = (name: string, previewBytes: number | null): AttachmentPointerData => ({
  blobId: name,
  key: new Uint8Array(32),
  digest: new Uint8Array(32),
  size: 1_000,
  contentType: 'image/jpeg',
  chunkBytes: 65_536,
  fileName: name,
  voiceNote: false,
  width: 10,
  height: 10,
  durationMs: null,
  blurhash: 'LEHV6nWB2yk8',
  thumbnail: previewBytes === null ? null : { data: new Uint8Array(previewBytes), contentType: 'image/jpeg', width: 10, height: 10 },
});
const previews = (pointers: AttachmentPointerData[]) => pointers.map((p) => p.thumbnail?.data.length ?? null);
const total = (pointers: AttachmentPointerData[]) => pointers.reduce((sum, p) => sum + (p.thumbnail?.data.length ?? 0), 0);

describe('dropPreviewsToFit', () => {
  it('keeps everything that already fits', () => {
    const pointers = [pointer('a', 100), pointer('b', 200)];
    expect(dropPreviewsToFit(pointers, () => true)).toEqual(pointers);
  });

  it('drops the largest previews first, only as many as needed, and keeps the rest of each pointer', () => {
    const pointers = [pointer('a', 300), pointer('b', 900), pointer('c', null), pointer('d', 500)];
    const fitted = dropPreviewsToFit(pointers, (candidate) => total(candidate) <= 400);
    expect(previews(fitted)).toEqual([300, null, null, null]);
    expect(fitted.map((p) => [p.fileName, p.blurhash])).toEqual(pointers.map((p) => [p.fileName, p.blurhash]));
    expect(previews(dropPreviewsToFit(pointers, (candidate) => total(candidate) <= 800))).toEqual([300, null, null, 500]);
  });

  it('ends with no previews when nothing else fits', () => {
    expect(previews(dropPreviewsToFit([pointer('a', 10), pointer('b', 20)], () => false))).toEqual([null, null]);
  });
});
