// What the renderer does with a file before main sees it: refuse what main would refuse anyway (over 2 GiB, empty,
// unreadable) with a clear reason before a byte moves, and find the facts only a decoder knows — an image's or a
// video's size, a video's or audio's duration, and a small JPEG preview. Decoding happens here, in the sandbox;
// main never decodes images. None of this is trusted by main (it sniffs the type and checks the size itself).
import { MAX_ATTACHMENT_BYTES } from '../../../shared/media/attachmentFormat';
import { InputError } from '../../errors';
import type { StageFacts } from './mediaUrl';

/** Longest side of a preview; the preview is re-encoded smaller until it fits its 16 KiB. */
const THUMBNAIL_SIDE = 240;
const MAX_THUMBNAIL_BYTES = 16 * 1024;
const PROBE_TIMEOUT_MS = 5_000;

export interface PreparedFile {
  file: Blob;
  name: string;
  facts: StageFacts;
  thumbnail: { data: Blob; width: number; height: number } | null;
}

export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Throws InputError for a file that cannot be sent; reads its first byte to prove it can be read at all. */
export async function checkFile(file: Blob, name: string): Promise<void> {
  if (file.size > MAX_ATTACHMENT_BYTES) {
    throw new InputError('file_too_large', `“${name}” is ${sizeLabel(file.size)}; files can be at most 2 GB.`);
  }
  if (file.size === 0) throw new InputError('file_unreadable', `“${name}” is empty.`);
  try {
    await file.slice(0, 1).arrayBuffer();
  } catch {
    throw new InputError('file_unreadable', `“${name}” could not be read. It may have been moved, or Parley may not have access to it.`);
  }
}

export async function prepareFile(file: Blob, name: string, voiceNote = false): Promise<PreparedFile> {
  await checkFile(file, name);
  const type = file.type;
  if (type.startsWith('image/')) {
    const probed = await probeImage(file).catch(() => null);
    return { file, name, facts: probed ? { width: probed.width, height: probed.height } : {}, thumbnail: probed?.thumbnail ?? null };
  }
  if (type.startsWith('video/') || type.startsWith('audio/')) {
    const probed = await probeMedia(file, type.startsWith('video/')).catch(() => null);
    const facts: StageFacts = { ...(voiceNote ? { voiceNote } : {}), ...(probed?.facts ?? {}) };
    return { file, name, facts, thumbnail: probed?.thumbnail ?? null };
  }
  return { file, name, facts: {}, thumbnail: null };
}

async function probeImage(file: Blob): Promise<{ width: number; height: number; thumbnail: PreparedFile['thumbnail'] }> {
  const bitmap = await createImageBitmap(file);
  try {
    return { width: bitmap.width, height: bitmap.height, thumbnail: await thumbnailOf(bitmap, bitmap.width, bitmap.height) };
  } finally {
    bitmap.close();
  }
}

/** Duration (audio, video), size and a first-frame preview (video), from a media element that never plays. */
async function probeMedia(file: Blob, video: boolean): Promise<{ facts: StageFacts; thumbnail: PreparedFile['thumbnail'] }> {
  const url = URL.createObjectURL(file);
  const element = document.createElement(video ? 'video' : 'audio');
  element.preload = 'auto';
  element.muted = true;
  try {
    await until(element, video ? 'loadeddata' : 'loadedmetadata', () => (element.src = url));
    const facts: StageFacts = {};
    if (Number.isFinite(element.duration)) facts.durationMs = Math.round(element.duration * 1000);
    if (!(element instanceof HTMLVideoElement)) return { facts, thumbnail: null };
    facts.width = element.videoWidth;
    facts.height = element.videoHeight;
    const thumbnail = element.videoWidth > 0 ? await thumbnailOf(element, element.videoWidth, element.videoHeight).catch(() => null) : null;
    return { facts, thumbnail };
  } finally {
    element.removeAttribute('src');
    URL.revokeObjectURL(url);
  }
}

function until(element: HTMLMediaElement, event: string, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
    element.addEventListener(event, () => (clearTimeout(timer), resolve()), { once: true });
    element.addEventListener('error', () => (clearTimeout(timer), reject(new Error('undecodable'))), { once: true });
    start();
  });
}

async function thumbnailOf(source: CanvasImageSource, width: number, height: number): Promise<PreparedFile['thumbnail']> {
  for (let side = THUMBNAIL_SIDE; side >= 60; side = Math.round(side * 0.7)) {
    const scale = Math.min(1, side / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d')?.drawImage(source, 0, 0, w, h);
    const data = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.72));
    if (data && data.size <= MAX_THUMBNAIL_BYTES) return { data, width: w, height: h };
  }
  return null;
}
